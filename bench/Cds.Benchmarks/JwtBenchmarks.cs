using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cds.Bench.Micro;

/// <summary>
/// What a signed call costs on top of the end-to-end figures (which run unsigned, in development mode): validating the
/// CDS client's JWT, ES384 signature included, with the parameters the service uses. The service then checks aud, iat,
/// lifetime and jti, and records the jti in the ledger's store (a database write, not measured here).
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class JwtBenchmarks : IDisposable
{
    private const string Issuer = "https://ehr.example.org";
    private const string Audience = "http://127.0.0.1:5080/cds-services/dli-coverage-order-sign";

    private readonly JsonWebTokenHandler _handler = new();
    private ECDsa _key = null!;
    private string _token = string.Empty;
    private TokenValidationParameters _parameters = null!;

    [GlobalSetup]
    public void Setup()
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var signing = new ECDsaSecurityKey(_key) { KeyId = "ehr-es384" };
        var now = DateTime.UtcNow;
        _token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Subject = new ClaimsIdentity([new Claim("sub", "cds-client"), new Claim("jti", Guid.NewGuid().ToString())]),
            SigningCredentials = new SigningCredentials(signing, SecurityAlgorithms.EcdsaSha384),
        });

        // A public key only, as the service holds it (from the client's JWKS).
        var verifying = new ECDsaSecurityKey(ECDsa.Create(_key.ExportParameters(includePrivateParameters: false))) { KeyId = "ehr-es384" };
        _parameters = new TokenValidationParameters
        {
            ValidIssuers = [Issuer],
            ValidateAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            IssuerSigningKeys = [verifying],
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512],
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        if (!ValidateEs384().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("the benchmark token does not validate");
        }
    }

    /// <summary>Reads the compact JWT, verifies its ES384 signature, issuer and lifetime.</summary>
    [Benchmark]
    public async Task<bool> ValidateEs384() => (await _handler.ValidateTokenAsync(_token, _parameters)).IsValid;

    public void Dispose()
    {
        _key?.Dispose();
        GC.SuppressFinalize(this);
    }
}
