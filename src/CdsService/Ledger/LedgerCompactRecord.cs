using System.Text.Json;

namespace Cds.Service.Ledger;

/// <summary>
/// The compact record of a call with nothing to say: answered 200 with no card and no policy decision (no draft order a
/// loaded policy governs; at most the configured assertion for orders no policy governs). What a payer must still be able
/// to show is kept — hook instance, time, caller, service, patient, the order references and their codes, the outcome
/// <c>no-policy-order</c>, the assertions issued (retrievable by id), the data sources, timings and the SHA-256 of the
/// answer as sent — but not the answer body. One place decides which calls are compact.
/// </summary>
internal static class LedgerCompactRecord
{
    /// <summary>The outcome a compact record carries.</summary>
    public const string NoPolicyOrder = "no-policy-order";

    /// <summary>At most this many order codes are kept (the request's order limit bounds them too).</summary>
    private const int MaxCodes = 100;

    /// <summary>True for a call that said nothing: 200, no card, no decision of a policy.</summary>
    public static bool Applies(HookCallRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Status == StatusCodes.Status200OK
            && record.Error is null
            && record.Cards.Count == 0
            && record.Decisions.All(d => d.Outcome == LedgerEntry.NotGoverned);
    }

    /// <summary>The record to keep: compact when <see cref="Applies"/>, else <paramref name="record"/> unchanged.</summary>
    public static HookCallRecord Compact(HookCallRecord record, JsonElement? draftOrders)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Applies(record)
            ? record with { Response = null, Outcome = NoPolicyOrder, OrderCodes = Codes(draftOrders) }
            : record;
    }

    // The first coding (system|code) of each draft order's code, read from the request's Bundle; "" when it has none.
    private static List<string> Codes(JsonElement? draftOrders)
    {
        var codes = new List<string>();
        if (draftOrders is not { ValueKind: JsonValueKind.Object } bundle
            || !bundle.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return codes;
        }

        foreach (var entry in entries.EnumerateArray().Take(MaxCodes))
        {
            codes.Add(entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("resource", out var resource) ? Code(resource) : string.Empty);
        }

        return codes;
    }

    private static string Code(JsonElement resource)
    {
        if (resource.ValueKind != JsonValueKind.Object
            || !(resource.TryGetProperty("code", out var concept) || resource.TryGetProperty("medicationCodeableConcept", out concept))
            || concept.ValueKind != JsonValueKind.Object
            || !concept.TryGetProperty("coding", out var codings) || codings.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        foreach (var coding in codings.EnumerateArray())
        {
            if (coding.ValueKind == JsonValueKind.Object && coding.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String)
            {
                var system = coding.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                return $"{system}|{code.GetString()}";
            }
        }

        return string.Empty;
    }
}
