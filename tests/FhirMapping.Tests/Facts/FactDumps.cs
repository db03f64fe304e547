using System.Text.Json;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Fhir;

namespace Cds.FhirMapping.Tests.Facts;

/// <summary>
/// The dump of each <see cref="FactCorpus"/> input as the shipped extractor reads it: the record screened by the
/// relevance filter (as the service reads it), the record read whole (<see cref="ClinicalRecord.Parse(IEnumerable{JsonElement}, string)"/>),
/// and the facts of each ServiceRequest among its resources read as a draft order.
/// </summary>
internal static class FactDumps
{
    public static string Of(FactExtractor extractor, FactCorpus.Input input)
    {
        var text = $"# {input.Name}\n";
        text += "screened " + Outcome(() =>
        {
            var screened = extractor.Read(input.Items, input.PatientId);
            return FactDump.Of(screened, extractor.Extract(screened));
        }) + "\n";
        text += "whole " + Outcome(() =>
        {
            var whole = ClinicalRecord.Parse(input.Items, input.PatientId);
            return FactDump.Of(whole, extractor.Extract(whole));
        }) + "\n";
        foreach (var order in Orders(input.Items))
        {
            text += $"order {order.Reference} {Outcome(() => FactDump.Of(extractor.ExtractOrder(order)))}\n";
        }

        return text;
    }

    // An exception the extractor lets escape is part of what it does with the record (the same type, the same message).
    private static string Outcome(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"threw {e.GetType().FullName}: {e.Message}";
        }
    }

    public static FactExtractor Extractor() => new(PolicyFiles.LoadDefault());

    // Each ServiceRequest among the items (alone or in a Bundle) that reads as a draft order.
    private static IEnumerable<DraftOrder> Orders(IReadOnlyList<JsonElement> items)
    {
        foreach (var request in items.SelectMany(ServiceRequests))
        {
            using var bundle = JsonDocument.Parse($$"""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{{request.GetRawText()}}}]}""");
            if (DraftOrder.TryParseBundle(bundle.RootElement.Clone(), out var orders, out _))
            {
                foreach (var order in orders)
                {
                    yield return order;
                }
            }
        }
    }

    private static IEnumerable<JsonElement> ServiceRequests(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String)
        {
            yield break;
        }

        if (type.ValueEquals("ServiceRequest"))
        {
            yield return item;
        }
        else if (type.ValueEquals("Bundle") && item.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("resource", out var resource))
                {
                    foreach (var inner in ServiceRequests(resource))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }
}
