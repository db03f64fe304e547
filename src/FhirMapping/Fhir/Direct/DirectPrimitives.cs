using System.Runtime.InteropServices;
using System.Text.Json;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Fhir.Direct;

/// <summary>
/// FHIR primitives read from JSON as Firely stores them (<see cref="PrimitiveType.JsonValue"/>: the string as written,
/// a decimal as parsed), or null for anything short of clean: another JSON kind, an empty string, a string with a
/// leading or trailing space, a control character other than a line break or tab, a surrogate, a code with a double
/// space, a uri with a space, an id outside <c>[A-Za-z0-9-.]{1,64}</c>, an invalid or impossible date, a decimal in an
/// exponent form, negative zero or with more digits than a decimal holds exactly.
/// </summary>
internal static class DirectPrimitives
{
    private const int MaxDecimalLength = 20;

    /// <summary>A clean FHIR string.</summary>
    public static string? Text(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text
            || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
        {
            return null;
        }

        foreach (var c in text)
        {
            if ((char.IsControl(c) && c is not ('\n' or '\r' or '\t')) || char.IsSurrogate(c))
            {
                return null;
            }
        }

        return text;
    }

    public static FhirString? String(JsonElement value) => Text(value) is { } text ? new FhirString(text) : null;

    public static Markdown? Markdown(JsonElement value) => Text(value) is { } text ? new Markdown(text) : null;

    public static Code? Code(JsonElement value) => CodeText(value) is { } text ? new Code(text) : null;

    /// <summary>A code of a required binding, kept as Firely keeps it (the string), when it is one of the enum's codes.</summary>
    public static Code<T>? Code<T>(JsonElement value, IReadOnlySet<string> codes)
        where T : struct, Enum =>
        CodeText(value) is { } text && codes.Contains(text) ? new Code<T> { JsonValue = text } : null;

    public static FhirUri? Uri(JsonElement value)
    {
        if (Text(value) is not { } text)
        {
            return null;
        }

        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                return null;
            }
        }

        return new FhirUri(text);
    }

    public static Id? Id(JsonElement value)
    {
        if (Text(value) is not { Length: <= 64 } text)
        {
            return null;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            {
                return null;
            }
        }

        return new Id(text);
    }

    public static FhirDateTime? DateTime(JsonElement value) =>
        Text(value) is { } text && DirectDates.IsDateTime(text) ? new FhirDateTime(text) : null;

    public static Instant? Instant(JsonElement value) =>
        Text(value) is { } text && DirectDates.IsInstant(text) ? new Instant { JsonValue = text } : null;

    public static FhirDecimal? Decimal(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        // -?(0|[1-9][0-9]*)(\.[0-9]+)?, not negative zero: the plain forms whose decimal is exactly what is written.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length > MaxDecimalLength)
        {
            return null;
        }

        var i = raw[0] == '-' ? 1 : 0;
        var start = i;
        var nonZero = false;
        while (i < raw.Length && char.IsAsciiDigit((char)raw[i]))
        {
            nonZero |= raw[i] != '0';
            i++;
        }

        if (i == start || (raw[start] == '0' && i - start > 1))
        {
            return null;
        }

        if (i < raw.Length && raw[i] == '.')
        {
            var fraction = ++i;
            while (i < raw.Length && char.IsAsciiDigit((char)raw[i]))
            {
                nonZero |= raw[i] != '0';
                i++;
            }

            if (i == fraction)
            {
                return null;
            }
        }

        return i == raw.Length && (start == 0 || nonZero) && value.TryGetDecimal(out var number) ? new FhirDecimal(number) : null;
    }

    // A FHIR code: [^\s]+( [^\s]+)* (single spaces only).
    private static string? CodeText(JsonElement value)
    {
        if (Text(value) is not { } text)
        {
            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && (text[i] != ' ' || text[i - 1] == ' '))
            {
                return null;
            }
        }

        return text;
    }
}
