using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Cds.Service.Security;

/// <summary>
/// The shape a CDS client's JWT must have before anything else looks at it: a compact JWS (three base64url parts, so
/// never a five-part JWE), a header and payload that are JSON objects, and each claim the service reads of the JSON type
/// RFC 7519 gives it, with times a <c>DateTimeOffset</c> can hold. A token of any other shape is refused with one reason
/// (a 401), so a hostile token can never make the token library throw.
/// </summary>
internal static class JwtShape
{
    /// <summary>
    /// Longest token accepted: a signed CDS Hooks JWT is well under 2 KB (an RSA-4096 one about 1.5 KB); 16 KB leaves
    /// room for an <c>x5c</c> certificate chain in the header and stays within Kestrel's 32 KB of request headers.
    /// </summary>
    public const int MaxTokenLength = 16 * 1024;

    /// <summary>Longest string claim (<c>iss</c>, <c>kid</c>, <c>jti</c>, an <c>aud</c> entry, <c>tenant</c>, <c>jku</c>).</summary>
    public const int MaxClaimLength = 2048;

    /// <summary>Largest NumericDate accepted: 9999-12-31T23:59:59Z, the last second a DateTimeOffset holds.</summary>
    private const long MaxNumericDate = 253_402_300_799;

    private static readonly string[] StringHeaders = ["alg", "kid", "typ", "jku", "cty"];
    private static readonly string[] StringClaims = ["iss", "jti", "sub", "tenant"];
    private static readonly string[] TimeClaims = ["exp", "iat", "nbf"];
    private static readonly SearchValues<char> Base64UrlAlphabet = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>Null when <paramref name="token"/> has the shape of a CDS client JWT; otherwise why not (no token text in it).</summary>
    public static string? Check(string token)
    {
        if (token.Length == 0)
        {
            return "the bearer token is empty";
        }

        if (token.Length > MaxTokenLength)
        {
            return $"the bearer token is longer than {MaxTokenLength} characters";
        }

        // The parts as spans of the token (no copies): a JWS has two dots, a JWE four.
        var dots = token.AsSpan().Count('.');
        if (dots == 4)
        {
            return "the bearer token is an encrypted JWT (JWE); a signed JWT (JWS) is required";
        }

        if (dots != 2)
        {
            return "the bearer token is not a JWT (three dot-separated parts)";
        }

        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = token.IndexOf('.', first + 1);
        var signature = token.AsSpan(second + 1);
        if (signature.IsEmpty)
        {
            return "the JWT is unsigned";
        }

        JsonDocument? header = null;
        JsonDocument? payload = null;
        try
        {
            return Json(token.AsSpan(0, first), "header", out header)
                ?? Json(token.AsSpan(first + 1, second - first - 1), "payload", out payload)
                ?? Header(header!.RootElement)
                ?? Payload(payload!.RootElement)
                ?? (IsBase64Url(signature) ? null : "the JWT signature is not base64url");
        }
        finally
        {
            header?.Dispose();
            payload?.Dispose();
        }
    }

    private static string? Header(JsonElement header)
    {
        if (header.TryGetProperty("enc", out _))
        {
            return "the JWT header names an encryption (enc): a JWE is not accepted";
        }

        if (!header.TryGetProperty("alg", out _))
        {
            return "the JWT header has no alg";
        }

        return Strings(header, StringHeaders, "header");
    }

    private static string? Payload(JsonElement payload)
    {
        var reason = Strings(payload, StringClaims, "claim");
        if (reason is not null)
        {
            return reason;
        }

        if (payload.TryGetProperty("aud", out var aud))
        {
            var audiences = aud.ValueKind == JsonValueKind.Array ? [.. aud.EnumerateArray()] : new[] { aud };
            if (audiences.Length == 0 || audiences.Any(a => a.ValueKind != JsonValueKind.String || a.GetString()!.Length > MaxClaimLength))
            {
                return "the JWT claim aud is not a string or an array of strings";
            }
        }

        foreach (var name in TimeClaims)
        {
            if (payload.TryGetProperty(name, out var time)
                && !(time.ValueKind == JsonValueKind.Number && time.TryGetDouble(out var seconds) && seconds is >= 0 and <= MaxNumericDate))
            {
                return $"the JWT claim {name} is not a NumericDate between 1970 and 9999";
            }
        }

        return null;
    }

    private static string? Strings(JsonElement parent, string[] names, string what)
    {
        foreach (var name in names)
        {
            if (parent.TryGetProperty(name, out var value) && (value.ValueKind != JsonValueKind.String || value.GetString()!.Length > MaxClaimLength))
            {
                return $"the JWT {what} {name} is not a string of at most {MaxClaimLength} characters";
            }
        }

        return null;
    }

    private static string? Json(ReadOnlySpan<char> part, string name, out JsonDocument? document)
    {
        document = null;
        if (!IsBase64Url(part))
        {
            return $"the JWT {name} is not base64url";
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(part);
            if (!Utf8.IsValid(bytes))
            {
                return $"the JWT {name} is not UTF-8";
            }

            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return $"the JWT {name} is not base64url JSON";
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object || !Decodable(document.RootElement))
        {
            var reason = document.RootElement.ValueKind != JsonValueKind.Object ? "is not a JSON object" : "has a string that is not valid Unicode (a lone surrogate)";
            document.Dispose();
            document = null;
            return $"the JWT {name} {reason}";
        }

        return null;
    }

    // Every name and string decodes to valid UTF-16: "\ud800" is valid JSON, but reading it throws.
    private static bool Decodable(JsonElement element)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.Object => element.EnumerateObject().All(p => p.Name.Length >= 0 && Decodable(p.Value)),
                JsonValueKind.Array => element.EnumerateArray().All(Decodable),
                JsonValueKind.String => element.GetString() is not null,
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // One vectorized scan, not a character enumerator per part.
    private static bool IsBase64Url(ReadOnlySpan<char> part) =>
        part.Length > 0 && part.Length % 4 != 1 && !part.ContainsAnyExcept(Base64UrlAlphabet);
}
