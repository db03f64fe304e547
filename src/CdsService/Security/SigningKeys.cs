using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Cds.Service.Security;

/// <summary>
/// A client's public keys, materialized once (when configuration is read or a JWK Set is fetched), never per token:
/// EC and RSA JSON Web Keys become <see cref="ECDsaSecurityKey"/> / <see cref="RsaSecurityKey"/> holding an imported
/// <see cref="ECDsa"/> / <see cref="RSA"/>, indexed by <c>kid</c>. A key that cannot be imported (bad coordinates, an
/// unknown curve, only an x5c chain) is kept as the JSON Web Key, for the token library to read as it always did.
/// Only asymmetric keys with a <c>kid</c> are ever kept: CDS Hooks forbids HMAC-signed JWTs.
/// </summary>
internal sealed class SigningKeys
{
    private readonly Dictionary<string, SecurityKey[]> _byKid;

    private SigningKeys(IEnumerable<SecurityKey> keys) =>
        _byKid = keys.GroupBy(k => k.KeyId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    public static SigningKeys Empty { get; } = new([]);

    /// <summary>How many keys are held.</summary>
    public int Count => _byKid.Values.Sum(k => k.Length);

    /// <summary>The keys with this <c>kid</c> (no allocation: the array held).</summary>
    public SecurityKey[] WithKid(string kid) => _byKid.TryGetValue(kid, out var keys) ? keys : [];

    public static SigningKeys From(IEnumerable<JsonWebKey> keys) => new(keys.Where(IsAsymmetric).Select(Materialize));

    /// <summary>Both sets, <paramref name="first"/>'s keys first for each <c>kid</c>.</summary>
    public static SigningKeys Combine(SigningKeys first, SigningKeys second) =>
        new(first._byKid.Values.SelectMany(k => k).Concat(second._byKid.Values.SelectMany(k => k)));

    private static bool IsAsymmetric(JsonWebKey key) =>
        key.Kty is JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA && !string.IsNullOrEmpty(key.Kid);

    private static SecurityKey Materialize(JsonWebKey jwk)
    {
        try
        {
            if (jwk.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve && Curve(jwk.Crv) is { } curve && jwk.X is { } x && jwk.Y is { } y)
            {
                var ecdsa = ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(x), Y = Base64UrlEncoder.DecodeBytes(y) } });
                return new ECDsaSecurityKey(ecdsa) { KeyId = jwk.Kid };
            }

            if (jwk.Kty == JsonWebAlgorithmsKeyTypes.RSA && jwk.N is { } n && jwk.E is { } e)
            {
                var rsa = RSA.Create(new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(n), Exponent = Base64UrlEncoder.DecodeBytes(e) });
                return new RsaSecurityKey(rsa) { KeyId = jwk.Kid };
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            // Not importable here: left to the token library, which refuses a token signed with it as before.
        }

        return jwk;
    }

    private static ECCurve? Curve(string? crv) => crv switch
    {
        JsonWebKeyECTypes.P256 => ECCurve.NamedCurves.nistP256,
        JsonWebKeyECTypes.P384 => ECCurve.NamedCurves.nistP384,
        JsonWebKeyECTypes.P521 => ECCurve.NamedCurves.nistP521,
        _ => null,
    };
}
