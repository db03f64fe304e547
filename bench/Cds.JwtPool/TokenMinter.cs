using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cds.Bench.JwtPool;

/// <summary>
/// Mints CDS Hooks client JWTs as an EHR does (CDS Hooks 2.0 "Trusting CDS Clients"): ES384, header <c>kid</c> and
/// <c>typ</c>, claims <c>iss</c>, <c>sub</c>, <c>aud</c> (the URL invoked), <c>iat</c>, <c>exp</c> and a fresh <c>jti</c>.
/// </summary>
internal sealed class TokenMinter(ECDsa key, string keyId, string issuer, string audience, TimeSpan lifetime)
{
    private readonly string _header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
    {
        ["alg"] = "ES384",
        ["typ"] = "JWT",
        ["kid"] = keyId,
    }));

    /// <summary>One token, valid from <paramref name="now"/> for the minter's lifetime, with a new <c>jti</c>.</summary>
    public string Mint(DateTimeOffset now)
    {
        var iat = now.ToUnixTimeSeconds();
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["sub"] = "bench-ehr",
            ["aud"] = audience,
            ["iat"] = iat,
            ["exp"] = iat + (long)lifetime.TotalSeconds,
            ["jti"] = Guid.NewGuid().ToString("N"),
        }));
        var signingInput = _header + "." + payload;

        // JWS ES384: the raw r‖s signature (IEEE P1363), 96 bytes.
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary><paramref name="count"/> tokens, minted on every core.</summary>
    public string[] MintMany(int count, DateTimeOffset now)
    {
        var tokens = new string[count];
        Parallel.For(0, count, i => tokens[i] = Mint(now));
        return tokens;
    }
}
