using System.Buffers.Text;
using System.Security.Cryptography;

namespace Cds.Bench.JwtPool;

/// <summary>The bench CDS client's P-384 key: its private part in a PEM file (bench/out only), its public part as service configuration.</summary>
internal static class BenchKey
{
    public const string KeyId = "bench-es384";
    public const string Issuer = "https://bench-ehr.example.org";

    public static ECDsa Create() => ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public static ECDsa Load(string pemPath)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(pemPath));
        return key;
    }

    /// <summary>
    /// The service's configuration registering the client with this public key inline (section
    /// <c>Cds:Security:Clients</c>), as command-line arguments, one per line.
    /// </summary>
    public static IEnumerable<string> ServiceArguments(ECDsa key, int index = 0)
    {
        var point = key.ExportParameters(includePrivateParameters: false).Q;
        var prefix = $"--Cds:Security:Clients:{index}";
        yield return $"{prefix}:Issuer={Issuer}";
        yield return $"{prefix}:Keys:0:Kty=EC";
        yield return $"{prefix}:Keys:0:Kid={KeyId}";
        yield return $"{prefix}:Keys:0:Alg=ES384";
        yield return $"{prefix}:Keys:0:Use=sig";
        yield return $"{prefix}:Keys:0:Crv=P-384";
        yield return $"{prefix}:Keys:0:X={Base64Url.EncodeToString(point.X)}";
        yield return $"{prefix}:Keys:0:Y={Base64Url.EncodeToString(point.Y)}";
    }
}
