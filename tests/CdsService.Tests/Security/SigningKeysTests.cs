using System.Security.Cryptography;
using System.Text;
using Cds.Service.Security;
using Microsoft.IdentityModel.Tokens;

namespace Cds.Service.Tests.Security;

/// <summary>
/// A client's keys are materialized once, when a JWK Set is read: EC and RSA keys become ECDsa / RSA security keys
/// indexed by kid (the same instance for every token), symmetric and kid-less keys are never kept, and a key that
/// cannot be imported stays a JSON Web Key (still refused by the token library, as before).
/// </summary>
public sealed class SigningKeysTests
{
    [Fact]
    public void GivenAJwkSetWithEcRsaOctAndBrokenKeys_WhenMaterialized_ThenEcAndRsaAreImportedOnceAndOctIsDropped()
    {
        // Arrange
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        var ecJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ec) { KeyId = "ec-1" });
        var rsaJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "rsa-1" });
        var oct = new JsonWebKey { Kty = JsonWebAlgorithmsKeyTypes.Octet, Kid = "oct-1", K = Base64UrlEncoder.Encode(new byte[32]) };
        var noKid = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ec));
        var broken = new JsonWebKey { Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve, Kid = "ec-broken", Crv = "P-384", X = "AAAA", Y = "AAAA" };

        // Act
        var keys = SigningKeys.From([ecJwk, rsaJwk, oct, noKid, broken]);

        // Assert
        Assert.Equal(3, keys.Count);
        Assert.IsType<ECDsaSecurityKey>(Assert.Single(keys.WithKid("ec-1")));
        Assert.IsType<RsaSecurityKey>(Assert.Single(keys.WithKid("rsa-1")));
        Assert.IsType<JsonWebKey>(Assert.Single(keys.WithKid("ec-broken")));
        Assert.Empty(keys.WithKid("oct-1"));
        Assert.Same(keys.WithKid("ec-1")[0], keys.WithKid("ec-1")[0]);
    }

    [Fact]
    public void GivenAMaterializedEcKey_WhenItVerifiesAnEs384Signature_ThenTheSignatureOfTheClientsKeyIsAcceptedAndAnotherKeysIsNot()
    {
        // Arrange
        using var client = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var keys = SigningKeys.From([JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(client) { KeyId = "ec-1" })]);
        var data = Encoding.ASCII.GetBytes("header.payload");
        var material = (ECDsaSecurityKey)keys.WithKid("ec-1")[0];

        // Act
        var good = material.ECDsa.VerifyData(data, client.SignData(data, HashAlgorithmName.SHA384), HashAlgorithmName.SHA384);
        var bad = material.ECDsa.VerifyData(data, other.SignData(data, HashAlgorithmName.SHA384), HashAlgorithmName.SHA384);

        // Assert
        Assert.True(good);
        Assert.False(bad);
    }

    [Fact]
    public void GivenInlineAndFetchedKeysWithTheSameKid_WhenCombined_ThenBothAreCandidatesInlineFirst()
    {
        // Arrange
        using var a = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var b = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var inline = SigningKeys.From([JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(a) { KeyId = "k" })]);
        var fetched = SigningKeys.From([JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(b) { KeyId = "k" })]);

        // Act
        var combined = SigningKeys.Combine(inline, fetched).WithKid("k");

        // Assert
        Assert.Equal(2, combined.Length);
        Assert.Same(inline.WithKid("k")[0], combined[0]);
        Assert.Same(fetched.WithKid("k")[0], combined[1]);
    }
}
