using Cds.Service.Security;

namespace Cds.Service.Tests.Security;

/// <summary>
/// The shape check reads the three parts of a compact JWS in place (spans of the token, one vectorized scan for the
/// base64url alphabet): each malformed part is still refused with its own reason, and a well-formed token passes.
/// </summary>
public sealed class JwtShapeTests
{
    public static TheoryData<string, string?> Tokens()
    {
        var now = DateTimeOffset.UtcNow;
        var valid = HostileTokens.Sign(HostileTokens.Header(), HostileTokens.Payload(now));
        var signingInput = valid[..valid.LastIndexOf('.')];
        var signature = valid[(valid.LastIndexOf('.') + 1)..];
        return new TheoryData<string, string?>
        {
            { valid, null },
            { "a.b.c.d.e", "the bearer token is an encrypted JWT (JWE); a signed JWT (JWS) is required" },
            { "a.b.c.d", "the bearer token is not a JWT (three dot-separated parts)" },
            { "a.b", "the bearer token is not a JWT (three dot-separated parts)" },
            { "abc", "the bearer token is not a JWT (three dot-separated parts)" },
            { signingInput + ".", "the JWT is unsigned" },
            { "." + valid[(valid.IndexOf('.') + 1)..], "the JWT header is not base64url" },
            { valid[..(valid.IndexOf('.') + 1)] + "." + signature, "the JWT payload is not base64url" },
            { signingInput + "." + signature[..^1] + "+", "the JWT signature is not base64url" },
            { signingInput + "." + signature + "=", "the JWT signature is not base64url" },
            { signingInput + ".a", "the JWT signature is not base64url" }, // length 1 mod 4: never base64
            { "e30." + valid[(valid.IndexOf('.') + 1)..], "the JWT header has no alg" }, // {} as the header
        };
    }

    [Theory]
    [MemberData(nameof(Tokens))]
    public void GivenAToken_WhenItsShapeIsChecked_ThenTheReasonNamesTheFaultyPart(string token, string? expected)
    {
        // Act
        var reason = JwtShape.Check(token);

        // Assert
        Assert.Equal(expected, reason);
    }
}
