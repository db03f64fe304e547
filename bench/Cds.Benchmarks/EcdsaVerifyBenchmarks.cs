using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace Cds.Bench.Micro;

/// <summary>
/// Is there a faster correct ES384 verify on this machine than .NET's <see cref="ECDsa"/> (OpenSSL 3.0's EVP API)? One
/// P-384 signature of a JWT-sized signing input, verified: by .NET over the data (<c>VerifyData</c>, what the token
/// library does: SHA-384 then the verify), by .NET over a precomputed hash (the hash's share), and straight through
/// libcrypto's EC_KEY API (<c>ECDSA_do_verify</c>, the r and s parsed per call) with and without
/// <c>EC_KEY_precompute_mult</c> (a precomputed table of the generator's multiples, kept with the key). Each benchmark
/// also checks a tampered signature is refused (setup), so a fast path that accepts anything cannot pass.
/// An experiment for issue 14 only: the service does not use the EC_KEY path.
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
[SuppressMessage("Interoperability", "CA5392", Justification = "The bench loads the system's libcrypto, the one .NET itself uses.")]
public partial class EcdsaVerifyBenchmarks : IDisposable
{
    private const string LibCrypto = "libcrypto.so.3";
    private const int NidSecp384R1 = 715;

    private ECDsa _dotnet = null!;
    private byte[] _data = [];
    private byte[] _hash = [];
    private byte[] _signature = [];
    private nint _plainKey;
    private nint _precomputedKey;

    [GlobalSetup]
    public void Setup()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        _data = Encoding.ASCII.GetBytes("eyJhbGciOiJFUzM4NCIsImtpZCI6ImJlbmNoIiwidHlwIjoiSldUIn0." + new string('x', 560));
        _hash = SHA384.HashData(_data);
        _signature = signer.SignData(_data, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var q = signer.ExportParameters(includePrivateParameters: false).Q;
        _dotnet = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP384, Q = q });
        _plainKey = ImportKey(q, precompute: false);
        _precomputedKey = ImportKey(q, precompute: true);

        var tampered = (byte[])_signature.Clone();
        tampered[10] ^= 1;
        if (!DotNetVerifyData() || !DotNetVerifyHash() || !OpenSslEcKey() || !OpenSslEcKeyPrecomputed()
            || Verify(_plainKey, _hash, tampered) || Verify(_precomputedKey, _hash, tampered) || _dotnet.VerifyHash(_hash, tampered, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            throw new InvalidOperationException("a verify path disagrees on a valid or a tampered signature");
        }
    }

    /// <summary>What the token library does: SHA-384 of the signing input and the verify, through .NET (OpenSSL EVP).</summary>
    [Benchmark(Baseline = true)]
    public bool DotNetVerifyData() => _dotnet.VerifyData(_data, _signature, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>The verify alone, over a precomputed hash.</summary>
    [Benchmark]
    public bool DotNetVerifyHash() => _dotnet.VerifyHash(_hash, _signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>libcrypto's EC_KEY API: the hash, r and s parsed, ECDSA_do_verify.</summary>
    [Benchmark]
    public bool OpenSslEcKey() => Verify(_plainKey, SHA384.HashData(_data), _signature);

    /// <summary>The same with the generator's multiples precomputed once for the key (EC_KEY_precompute_mult).</summary>
    [Benchmark]
    public bool OpenSslEcKeyPrecomputed() => Verify(_precomputedKey, SHA384.HashData(_data), _signature);

    [GlobalCleanup]
    public void Dispose()
    {
        _dotnet?.Dispose();
        EC_KEY_free(_plainKey);
        EC_KEY_free(_precomputedKey);
        (_plainKey, _precomputedKey) = (0, 0);
        GC.SuppressFinalize(this);
    }

    private static nint ImportKey(ECPoint q, bool precompute)
    {
        var key = EC_KEY_new_by_curve_name(NidSecp384R1);
        var x = BN_bin2bn(q.X!, q.X!.Length, 0);
        var y = BN_bin2bn(q.Y!, q.Y!.Length, 0);
        try
        {
            if (key == 0 || EC_KEY_set_public_key_affine_coordinates(key, x, y) != 1 || (precompute && EC_KEY_precompute_mult(key, 0) != 1))
            {
                throw new CryptographicException("libcrypto refused the key");
            }
        }
        finally
        {
            BN_free(x);
            BN_free(y);
        }

        return key;
    }

    private static bool Verify(nint key, byte[] hash, byte[] signature)
    {
        var half = signature.Length / 2;
        var sig = ECDSA_SIG_new();
        try
        {
            var r = BN_bin2bn(signature, half, 0);
            var s = BN_bin2bn(signature.AsSpan(half).ToArray(), half, 0);
            return ECDSA_SIG_set0(sig, r, s) == 1 && ECDSA_do_verify(hash, hash.Length, sig, key) == 1;
        }
        finally
        {
            ECDSA_SIG_free(sig);
        }
    }

    [LibraryImport(LibCrypto)]
    private static partial nint EC_KEY_new_by_curve_name(int nid);

    [LibraryImport(LibCrypto)]
    private static partial int EC_KEY_set_public_key_affine_coordinates(nint key, nint x, nint y);

    [LibraryImport(LibCrypto)]
    private static partial int EC_KEY_precompute_mult(nint key, nint context);

    [LibraryImport(LibCrypto)]
    private static partial void EC_KEY_free(nint key);

    [LibraryImport(LibCrypto)]
    private static partial nint BN_bin2bn(byte[] bytes, int length, nint target);

    [LibraryImport(LibCrypto)]
    private static partial void BN_free(nint number);

    [LibraryImport(LibCrypto)]
    private static partial nint ECDSA_SIG_new();

    [LibraryImport(LibCrypto)]
    private static partial int ECDSA_SIG_set0(nint signature, nint r, nint s);

    [LibraryImport(LibCrypto)]
    private static partial void ECDSA_SIG_free(nint signature);

    [LibraryImport(LibCrypto)]
    private static partial int ECDSA_do_verify(byte[] digest, int length, nint signature, nint key);
}
