using System.Text.Json;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// The codings of an order's <c>code</c> (a CodeableConcept) read from its JSON, for deciding whether a policy governs
/// the order without deserializing it. It reads only the plain shape (an object whose <c>coding</c> is an array of
/// objects with string <c>system</c>/<c>code</c>) and gives up (null) on anything else, which the Firely reader then
/// decides; <c>DraftOrderCodingsTests</c> holds it equal to the Firely reading.
/// </summary>
internal static class OrderCodings
{
    public static IReadOnlyList<(string? System, string? Code)>? Read(JsonElement order)
    {
        if (order.ValueKind != JsonValueKind.Object || !order.TryGetProperty("code", out var code))
        {
            return order.ValueKind == JsonValueKind.Object ? [] : null;
        }

        if (code.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (!code.TryGetProperty("coding", out var codings))
        {
            return [];
        }

        if (codings.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var read = new List<(string?, string?)>(codings.GetArrayLength());
        foreach (var coding in codings.EnumerateArray())
        {
            if (coding.ValueKind != JsonValueKind.Object || !Plain(coding, "system", out var system) || !Plain(coding, "code", out var value))
            {
                return null;
            }

            read.Add((system, value));
        }

        return read;
    }

    // Absent, or a non-empty string: anything else (null, "", a number, an object) is for the Firely reader.
    private static bool Plain(JsonElement coding, string name, out string? value)
    {
        value = null;
        if (!coding.TryGetProperty(name, out var element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String || element.GetString() is not { Length: > 0 } text)
        {
            return false;
        }

        value = text;
        return true;
    }
}
