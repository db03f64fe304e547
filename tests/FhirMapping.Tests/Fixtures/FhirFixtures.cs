using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cds.FhirMapping.Tests.Fixtures;

/// <summary>
/// Composes hook data from the fixture files under <c>TestData/</c>. Every clinical resource lives in its own file,
/// <c>TestData/Resources/{ResourceType}/{id}.json</c>, and is named by its relative reference (<c>Condition/cond-aml-dx-2023</c>).
/// A case picks the resources it needs; the builder wraps them the way an EHR answers prefetch queries: the Patient as a
/// resource and one searchset Bundle per resource type (<c>Condition?patient=pat-dli-001</c>, …). Draft orders are wrapped
/// in the collection Bundle of <c>context.draftOrders</c>.
/// </summary>
internal static class FhirFixtures
{
    public const string PatientId = "pat-dli-001";
    public const string PatientReference = "Patient/" + PatientId;
    public const string FhirBase = "https://ehr.example.org/fhir/R4";

    private static readonly ConcurrentDictionary<string, JsonObject> Resources = new(StringComparer.Ordinal);

    /// <summary>The path of a file under the test output's <c>TestData</c> folder.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    /// <summary>A whole fixture file (a draft-orders Bundle, for instance) as JSON.</summary>
    public static JsonElement File(params string[] parts)
    {
        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(PathOf(parts)));
        return document.RootElement.Clone();
    }

    /// <summary>
    /// One resource by its relative reference, as a fresh copy (callers may edit it). The file must hold exactly that
    /// resource type and id, so a renamed or copied fixture cannot silently stand in for another.
    /// </summary>
    public static JsonObject Resource(string reference)
    {
        var template = Resources.GetOrAdd(reference, static r =>
        {
            var parts = r.Split('/');
            if (parts.Length != 2)
            {
                throw new ArgumentException($"'{r}' is not a relative reference such as Condition/abc.", nameof(reference));
            }

            var json = JsonNode.Parse(System.IO.File.ReadAllText(PathOf("Resources", parts[0], parts[1] + ".json")))!.AsObject();
            var type = json["resourceType"]?.GetValue<string>();
            var id = json["id"]?.GetValue<string>();
            if (type != parts[0] || id != parts[1])
            {
                throw new InvalidOperationException($"Fixture {r} holds {type}/{id}.");
            }

            return json;
        });
        return template.DeepClone().AsObject();
    }

    /// <summary>The Patient plus one searchset Bundle per resource type, in the order the types first appear.</summary>
    public static IReadOnlyList<JsonElement> PatientRecord(IEnumerable<string> references) =>
        PatientRecord(references.Select(Resource));

    /// <inheritdoc cref="PatientRecord(IEnumerable{string})"/>
    public static IReadOnlyList<JsonElement> PatientRecord(IEnumerable<JsonObject> resources)
    {
        var record = new List<JsonElement> { ToElement(Resource(PatientReference)) };
        foreach (var group in resources.GroupBy(r => r["resourceType"]!.GetValue<string>(), StringComparer.Ordinal))
        {
            record.Add(SearchSet(group.Key, group));
        }

        return record;
    }

    /// <summary>A searchset Bundle as a FHIR server returns it for <c>{type}?patient={id}</c>.</summary>
    public static JsonElement SearchSet(string resourceType, IEnumerable<JsonObject> resources)
    {
        var entries = new JsonArray();
        foreach (var resource in resources)
        {
            entries.Add(new JsonObject
            {
                ["fullUrl"] = $"{FhirBase}/{resourceType}/{resource["id"]!.GetValue<string>()}",
                ["resource"] = resource,
                ["search"] = new JsonObject { ["mode"] = "match" },
            });
        }

        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["id"] = $"search-{resourceType.ToLowerInvariant()}-{PatientId}",
            ["meta"] = new JsonObject { ["lastUpdated"] = "2025-06-16T14:55:02Z" },
            ["type"] = "searchset",
            ["total"] = entries.Count,
            ["link"] = new JsonArray
            {
                new JsonObject { ["relation"] = "self", ["url"] = $"{FhirBase}/{resourceType}?patient={PatientId}" },
            },
            ["entry"] = entries,
        };
        return ToElement(bundle);
    }

    /// <summary>The <c>context.draftOrders</c> Bundle holding the given request resources.</summary>
    public static JsonElement DraftOrders(params string[] references) => DraftOrders(references.Select(Resource));

    /// <inheritdoc cref="DraftOrders(string[])"/>
    public static JsonElement DraftOrders(IEnumerable<JsonObject> resources)
    {
        var entries = new JsonArray();
        foreach (var resource in resources)
        {
            entries.Add(new JsonObject { ["resource"] = resource });
        }

        return ToElement(new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["id"] = "draft-orders",
            ["type"] = "collection",
            ["entry"] = entries,
        });
    }

    public static JsonElement ToElement(JsonNode node) => JsonSerializer.SerializeToElement(node);
}
