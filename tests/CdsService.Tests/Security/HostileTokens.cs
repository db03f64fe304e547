using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Cds.Service.Tests.Security;

/// <summary>
/// JWTs of a hostile shape, built by hand (header and payload JSON as given) and signed ES384 with the trusted test key,
/// so that only their shape can be wrong.
/// </summary>
public static class HostileTokens
{
    public const string SignUrl = "http://localhost/cds-services/" + Hooks.SignService;

    /// <summary>A valid header's members (as JSON text), for a token that changes only the payload.</summary>
    public static string Header(string? kid = $"\"{TestTokens.EcKid}\"") =>
        kid is null ? """{"alg":"ES384","typ":"JWT"}""" : $$"""{"alg":"ES384","typ":"JWT","kid":{{kid}}}""";

    /// <summary>A valid payload with one member replaced (JSON text) or added; <paramref name="value"/> null removes it.</summary>
    public static string Payload(DateTimeOffset now, string? name = null, string? value = null)
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["iss"] = $"\"{TestTokens.Issuer}\"",
            ["aud"] = $"\"{SignUrl}\"",
            ["iat"] = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["jti"] = $"\"{Guid.NewGuid()}\"",
        };
        if (name is not null)
        {
            if (value is null)
            {
                members.Remove(name);
            }
            else
            {
                members[name] = value;
            }
        }

        return "{" + string.Join(",", members.Select(m => $"\"{m.Key}\":{m.Value}")) + "}";
    }

    /// <summary>header.payload.signature, the signature by the trusted EC key over the first two parts.</summary>
    public static string Sign(string header, string payload)
    {
        var signingInput = Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload);
        var signature = TestTokens.EcKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA384);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>As <see cref="Sign"/>, from raw bytes (to send JSON that is not UTF-8).</summary>
    public static string SignBytes(byte[] header, byte[] payload)
    {
        var signingInput = Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload);
        var signature = TestTokens.EcKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA384);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>The rows of the hostile-token table: name and the token (the text after "Bearer ").</summary>
    public static IReadOnlyList<(string Kind, string Token)> All(DateTimeOffset now)
    {
        var header = Header();
        var valid = Sign(header, Payload(now));
        return
        [
            ("kid-number", Sign(Header("42"), Payload(now))),
            ("kid-object", Sign(Header("{\"a\":1}"), Payload(now))),
            ("kid-array", Sign(Header("[\"ehr-es384-1\"]"), Payload(now))),
            ("kid-null", Sign(Header("null"), Payload(now))),
            ("alg-number", Sign("""{"alg":384,"kid":"ehr-es384-1"}""", Payload(now))),
            ("no-alg", Sign("""{"kid":"ehr-es384-1"}""", Payload(now))),
            ("iss-number", Sign(header, Payload(now, "iss", "7"))),
            ("iss-array", Sign(header, Payload(now, "iss", $"[\"{TestTokens.Issuer}\"]"))),
            ("iss-object", Sign(header, Payload(now, "iss", "{}"))),
            ("aud-number", Sign(header, Payload(now, "aud", "1"))),
            ("aud-object", Sign(header, Payload(now, "aud", "{\"url\":1}"))),
            ("aud-array-of-numbers", Sign(header, Payload(now, "aud", "[1,2]"))),
            ("aud-empty-array", Sign(header, Payload(now, "aud", "[]"))),
            ("jti-number", Sign(header, Payload(now, "jti", "12345"))),
            ("jti-array", Sign(header, Payload(now, "jti", "[\"a\"]"))),
            ("jti-huge", Sign(header, Payload(now, "jti", "\"" + new string('j', 5000) + "\""))),
            ("tenant-object", Sign(header, Payload(now, "tenant", "{}"))),
            ("exp-huge", Sign(header, Payload(now, "exp", "1e300"))),
            ("exp-huge-integer", Sign(header, Payload(now, "exp", "99999999999999999999999999"))),
            ("exp-past-9999", Sign(header, Payload(now, "exp", "253402300800"))),
            ("exp-string", Sign(header, Payload(now, "exp", "\"tomorrow\""))),
            ("exp-negative", Sign(header, Payload(now, "exp", "-1"))),
            ("iat-huge", Sign(header, Payload(now, "iat", "1e300"))),
            ("iat-string", Sign(header, Payload(now, "iat", "\"now\""))),
            ("nbf-object", Sign(header, Payload(now, "nbf", "{}"))),
            ("jwe-five-parts", "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ"),
            ("jwe-shaped-valid-parts", valid + ".cGFydA.cGFydA"),
            ("abc.def.ghi", "abc.def.ghi"),
            ("garbage-base64", "!!!.@@@.###"),
            ("padded-base64", "eyJhbGciOiJFUzM4NCJ9==.eyJpc3MiOiJ4In0=.c2ln"),
            ("empty-parts", ".."),
            ("two-parts", "eyJhbGciOiJFUzM4NCJ9.eyJpc3MiOiJ4In0"),
            ("header-array", Sign("[1,2,3]", Payload(now))),
            ("payload-null", Sign(header, "null")),
            ("payload-string", Sign(header, "\"text\"")),
            ("payload-not-json", Sign(header, "{\"iss\":")),
            ("payload-deep", Sign(header, string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200))),
            ("kid-lone-surrogate", Sign(Header("\"\\ud800\""), Payload(now))),
            ("sub-lone-surrogate", Sign(header, Payload(now, "sub", "\"\\udc00x\""))),
            ("other-claim-lone-surrogate", Sign(header, Payload(now, "note", "[\"\\ud83d\"]"))),
            ("payload-invalid-utf8", SignBytes(Encoding.UTF8.GetBytes(header), [.. "{\"iss\":\""u8, 0xFF, 0xFE, .. "\"}"u8])),
            ("huge-token", Sign(header, Payload(now, "pad", "\"" + new string('x', 200_000) + "\""))),
            ("empty", string.Empty),
            ("spaces", "   "),
        ];
    }
}
