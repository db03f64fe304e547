using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cds.Service.Tests;

/// <summary>The trusted test EHR's keys, and JWTs signed with them (or deliberately wrong).</summary>
public static class TestTokens
{
    public const string Issuer = "https://ehr.example.org";
    public const string JwksIssuer = "https://jwks-ehr.example.org";
    public const string EcKid = "ehr-es384-1";
    public const string RsaKid = "ehr-rs384-1";
    public const string JwksKid = "jwks-es384-1";

    public static readonly ECDsa EcKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    public static readonly RSA RsaKey = RSA.Create(3072);
    public static readonly ECDsa JwksKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    public static readonly ECDsa UntrustedKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    /// <summary>Configuration entries for a public JWK (inline keys of a trusted client).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> EcJwkSettings(string prefix, ECDsa key, string kid)
    {
        var p = key.ExportParameters(false);
        yield return new($"{prefix}:Kty", "EC");
        yield return new($"{prefix}:Kid", kid);
        yield return new($"{prefix}:Crv", "P-384");
        yield return new($"{prefix}:X", Base64UrlEncoder.Encode(p.Q.X));
        yield return new($"{prefix}:Y", Base64UrlEncoder.Encode(p.Q.Y));
    }

    public static IEnumerable<KeyValuePair<string, string?>> RsaJwkSettings(string prefix, RSA key, string kid)
    {
        var p = key.ExportParameters(false);
        yield return new($"{prefix}:Kty", "RSA");
        yield return new($"{prefix}:Kid", kid);
        yield return new($"{prefix}:N", Base64UrlEncoder.Encode(p.Modulus));
        yield return new($"{prefix}:E", Base64UrlEncoder.Encode(p.Exponent));
    }

    /// <summary>A JWK Set document with the public half of <paramref name="key"/>.</summary>
    public static string Jwks(ECDsa key, string kid)
    {
        var p = key.ExportParameters(false);
        return $$"""{"keys":[{"kty":"EC","kid":"{{kid}}","use":"sig","alg":"ES384","crv":"P-384","x":"{{Base64UrlEncoder.Encode(p.Q.X)}}","y":"{{Base64UrlEncoder.Encode(p.Q.Y)}}"}]}""";
    }

    public sealed record Spec
    {
        public required string Audience { get; init; }

        public required DateTimeOffset Now { get; init; }

        public string Issuer { get; init; } = TestTokens.Issuer;

        public string? Kid { get; init; } = EcKid;

        public SecurityKey? Key { get; init; }

        public string Algorithm { get; init; } = SecurityAlgorithms.EcdsaSha384;

        public string? Jti { get; init; } = Guid.NewGuid().ToString();

        public TimeSpan IssuedOffset { get; init; }

        public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(5);

        public string? Jku { get; init; }

        public string? Tenant { get; init; }
    }

    public static string Create(Spec spec)
    {
        var key = spec.Key ?? new ECDsaSecurityKey(EcKey);
        key.KeyId = spec.Kid;
        var issued = spec.Now + spec.IssuedOffset;
        var claims = new Dictionary<string, object>
        {
            ["iat"] = issued.ToUnixTimeSeconds(),
            ["exp"] = (issued + spec.Lifetime).ToUnixTimeSeconds(),
        };
        if (spec.Jti is not null)
        {
            claims["jti"] = spec.Jti;
        }

        if (spec.Tenant is not null)
        {
            claims["tenant"] = spec.Tenant;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = spec.Issuer,
            Audience = spec.Audience,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, spec.Algorithm),
            AdditionalHeaderClaims = spec.Jku is null ? null : new Dictionary<string, object> { ["jku"] = spec.Jku },
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}

/// <summary>Adds a fresh, valid JWT addressed to the URL of each request, as a trusted EHR does.</summary>
public sealed class JwtSigningHandler(Func<DateTimeOffset> now) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var audience = uri.GetLeftPart(UriPartial.Path);
        request.Headers.Authorization = new("Bearer", TestTokens.Create(new TestTokens.Spec { Audience = audience, Now = now() }));
        return base.SendAsync(request, cancellationToken);
    }
}
