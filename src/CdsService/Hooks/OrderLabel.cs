using System.Globalization;
using System.Text.Json;
using Cds.FhirMapping.Coverages;
using Cds.FhirMapping.Fhir;

namespace Cds.Service.Hooks;

/// <summary>
/// An order in words for a card when several are signed together (CRD: disambiguate "in a human-friendly way"):
/// its code text or display and its date, and its position when two read the same. Never its id.
/// </summary>
internal static class OrderLabel
{
    public static IReadOnlyDictionary<string, string> For(IReadOnlyList<DraftOrder> orders, DateOnly today)
    {
        var labels = orders.Select(o => (o.Reference, Text: Describe(o, today))).ToList();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            var same = labels.Count(l => l.Text == labels[i].Text) > 1;
            result[labels[i].Reference] = same ? $"{labels[i].Text}, order {i + 1} of {labels.Count}" : labels[i].Text;
        }

        return result;
    }

    private static string Describe(DraftOrder order, DateOnly today)
    {
        var what = order.Json.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Object ? Text(code) : null;
        var date = OrderCoverageContext.DateOf(order, today);
        return $"{what ?? order.ResourceType} for {date.Earliest.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}";
    }

    private static string? Text(JsonElement concept)
    {
        if (concept.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String && text.GetString() is { Length: > 0 } t)
        {
            return t;
        }

        if (concept.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array)
        {
            foreach (var coding in codings.EnumerateArray())
            {
                if (coding.ValueKind == JsonValueKind.Object && coding.TryGetProperty("display", out var display) && display.ValueKind == JsonValueKind.String && display.GetString() is { Length: > 0 } d)
                {
                    return d;
                }
            }
        }

        return null;
    }
}
