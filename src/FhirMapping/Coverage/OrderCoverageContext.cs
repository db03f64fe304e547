using System.Text.Json;
using Cds.FhirMapping.Fhir;

namespace Cds.FhirMapping.Coverages;

/// <summary>What a draft order says about its coverage: the date of service, and the Coverages it names.</summary>
public static class OrderCoverageContext
{
    // CRD 2.0.1 ext-coverage-information contexts that are orders (draftOrders of order-sign).
    private static readonly HashSet<string> AssertableTypes = new(StringComparer.Ordinal)
    {
        "ServiceRequest", "MedicationRequest", "DeviceRequest", "NutritionOrder", "CommunicationRequest",
    };

    /// <summary>
    /// True when a coverage assertion can be written on the order: a request type the CRD extension may sit on, to be
    /// performed (not <c>doNotPerform</c>), and still open (not revoked, completed or entered in error).
    /// </summary>
    public static bool CanCarryAssertion(DraftOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var json = order.Json;
        return AssertableTypes.Contains(order.ResourceType)
            && !(json.TryGetProperty("doNotPerform", out var doNotPerform) && doNotPerform.ValueKind == JsonValueKind.True)
            && Text(json, "status") is not ("revoked" or "completed" or "entered-in-error");
    }

    /// <summary>
    /// The order's date of service: <c>occurrenceDateTime</c>, <c>occurrencePeriod</c> (start to end), then
    /// <c>authoredOn</c>; <paramref name="today"/> when the order carries none.
    /// </summary>
    public static DateRange DateOf(DraftOrder order, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(order);
        var json = order.Json;
        if (Text(json, "occurrenceDateTime") is { } occurrence && DateRange.Parse(occurrence) is { } at)
        {
            return at;
        }

        if (json.TryGetProperty("occurrencePeriod", out var period) && period.ValueKind == JsonValueKind.Object
            && DateRange.Parse(Text(period, "start")) is { } start)
        {
            return DateRange.Parse(Text(period, "end")) is { } end && end.Latest >= start.Earliest ? new DateRange(start.Earliest, end.Latest) : start;
        }

        return DateRange.Parse(Text(json, "authoredOn")) ?? DateRange.Day(today);
    }

    /// <summary>The <c>Coverage/{id}</c> references in the order's <c>insurance</c> (absolute ones by their last two segments).</summary>
    public static IReadOnlyList<string> InsuranceOf(DraftOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (!order.Json.TryGetProperty("insurance", out var insurance) || insurance.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var references = new List<string>();
        foreach (var item in insurance.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && Text(item, "reference") is { } reference)
            {
                var segments = reference.TrimEnd('/').Split('/');
                if (segments.Length >= 2 && segments[^2] == "Coverage" && segments[^1].Length > 0)
                {
                    references.Add($"Coverage/{segments[^1]}");
                }
            }
        }

        return references;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
