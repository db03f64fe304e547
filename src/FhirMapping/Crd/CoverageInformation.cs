using System.Globalization;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Fhir;

namespace Cds.FhirMapping.Crd;

/// <summary>Writes the CRD coverage-information extension onto a draft order, leaving everything else as received.</summary>
public static class CoverageInformation
{
    /// <summary>
    /// The order as the EHR sent it, same id, with any earlier coverage-information extension replaced by
    /// <paramref name="assertion"/> (CRD: an update system action changes nothing but this extension).
    /// </summary>
    public static JsonObject Annotate(DraftOrder order, CoverageAssertion assertion, IEnumerable<(string System, string Code)>? billingCodes = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        return AnnotateAll(order, [assertion], billingCodes);
    }

    /// <summary>
    /// As above with one coverage-information repetition per assertion (one per Coverage of this payer that applies;
    /// CRD: repetitions for different coverages carry distinct coverage-assertion-ids).
    /// </summary>
    public static JsonObject AnnotateAll(DraftOrder order, IReadOnlyList<CoverageAssertion> assertions, IEnumerable<(string System, string Code)>? billingCodes = null)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(assertions);
        // A node over the order's own (cloned) element, materialised only where it changes: no text round trip.
        var resource = JsonObject.Create(order.Json) ?? throw new ArgumentException("The draft order is JSON null.", nameof(order));
        var codes = (billingCodes ?? []).ToList();
        var added = assertions.Select(a => (JsonNode)Build(a, codes)).ToArray();
        if (resource["extension"] is JsonArray extensions)
        {
            for (var i = extensions.Count - 1; i >= 0; i--)
            {
                if (extensions[i]?["url"]?.GetValue<string>() == CoverageAssertion.Extension)
                {
                    extensions.RemoveAt(i);
                }
            }

            foreach (var extension in added)
            {
                extensions.Add(extension);
            }

            return resource;
        }

        return WithExtension(resource, new JsonArray(added));
    }

    internal static JsonObject Build(CoverageAssertion assertion, IEnumerable<(string System, string Code)> billingCodes)
    {
        var parts = new JsonArray
        {
            Part("coverage", "valueReference", new JsonObject { ["reference"] = assertion.CoverageReference }),
            Part("covered", "valueCode", assertion.Covered),
        };
        if (assertion.PaNeeded is { } pa)
        {
            parts.Add(Part("pa-needed", "valueCode", pa));
        }

        if (assertion.DocNeeded is { } doc)
        {
            parts.Add(Part("doc-needed", "valueCode", doc));
        }

        foreach (var purpose in assertion.DocPurpose)
        {
            parts.Add(Part("doc-purpose", "valueCode", purpose));
        }

        foreach (var info in assertion.InfoNeeded)
        {
            parts.Add(Part("info-needed", "valueCode", info));
        }

        foreach (var (system, code) in billingCodes)
        {
            parts.Add(Part("billingCode", "valueCoding", new JsonObject { ["system"] = system, ["code"] = code }));
        }

        parts.Add(Part("reason", "valueCodeableConcept", new JsonObject { ["text"] = assertion.Reason }));
        parts.Add(Part("date", "valueDate", assertion.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        parts.Add(Part("coverage-assertion-id", "valueString", assertion.AssertionId));
        return new JsonObject { ["url"] = CoverageAssertion.Extension, ["extension"] = parts };
    }

    private static JsonObject Part(string url, string valueName, JsonNode value) =>
        new() { ["url"] = url, [valueName] = value };

    // Puts extension after the resource's leading elements, in FHIR's element order, for readers of the JSON.
    private static JsonObject WithExtension(JsonObject source, JsonArray extensions)
    {
        string[] leading = ["resourceType", "id", "meta", "implicitRules", "language", "text", "contained"];
        var result = new JsonObject();
        foreach (var key in leading)
        {
            if (source[key] is { } value)
            {
                source.Remove(key);
                result[key] = value;
            }
        }

        result["extension"] = extensions;
        foreach (var (key, value) in source.ToList())
        {
            source.Remove(key);
            result[key] = value;
        }

        return result;
    }
}
