using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Fhir;
using Cds.Service.Prefetch;

namespace Cds.Service.Tests;

/// <summary>
/// The one JSON pass over a call's data (<see cref="PatientDataIndex"/>) applies the record reader's rules in its order:
/// the same resources counted, the same ones named as another patient's, the same items unreadable; and it sets apart
/// exactly the Coverages and Organizations the Coverage selection reads.
/// </summary>
public sealed class PatientDataIndexTests
{
    public static TheoryData<string> Samples() => [.. Directory.EnumerateFiles(Repository.Path("samples"), "order-*.json").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Samples))]
    public void GivenASample_WhenIndexed_ThenItCountsAndBindsAsTheRecordReader(string sample)
    {
        // Arrange
        using var document = JsonDocument.Parse(Repository.Sample(sample).ToJsonString());
        var (keyed, patientId) = Prefetch(document);

        // Act
        var index = PatientDataIndex.Build(keyed, patientId);

        // Assert
        var record = ClinicalRecord.Parse(keyed.Select(k => k.Item), patientId);
        Assert.Equal(record.Count, index.Count);
        Assert.Equal(record.NotThisPatient, index.NotThisPatient);
        Assert.Equal(record.Unreadable, index.Typeless.Values.Sum());
        Assert.Equal(ClinicalRecord.Parse(index.Items.Select(i => i.Item), patientId).Count, record.Count);
        Assert.All(index.Coverage, c => Assert.Contains(c.GetProperty("resourceType").GetString(), new[] { "Coverage", "Organization" }));
        Assert.Equal(
            keyed.SelectMany(k => Resources(k.Item)).Count(r => r.GetProperty("resourceType").GetString() is "Coverage" or "Organization"),
            index.Coverage.Count);
    }

    [Fact]
    public void GivenDuplicatesOutcomesNestedBundlesAnotherPatientAndATypelessItem_WhenIndexed_ThenEachIsTreatedAsTheRecordReaderDoes()
    {
        // Arrange
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var prefetch = request["prefetch"]!.AsObject();
        var condition = prefetch["conditions"]!["entry"]![0]!["resource"]!.DeepClone();
        var foreign = condition.DeepClone();
        foreign["id"] = "cond-of-another";
        foreign["subject"] = new JsonObject { ["reference"] = "Patient/someone-else" };
        prefetch["extra"] = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "searchset",
            ["entry"] = new JsonArray
            {
                new JsonObject { ["resource"] = condition },
                new JsonObject { ["resource"] = foreign },
                JsonNode.Parse("""{"resource":{"resourceType":"OperationOutcome","issue":[]},"search":{"mode":"outcome"}}"""),
                JsonNode.Parse("""{"resource":{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Organization","id":"org-nested","name":"Nested"}}]}}"""),
                JsonNode.Parse("""{"resource":{"id":"typeless"}}"""),
                JsonNode.Parse("""{"fullUrl":"urn:uuid:no-resource"}"""),
            },
        };
        using var document = JsonDocument.Parse(request.ToJsonString());
        var (keyed, patientId) = Prefetch(document);

        // Act
        var index = PatientDataIndex.Build(keyed, patientId);

        // Assert
        var record = ClinicalRecord.Parse(keyed.Select(k => k.Item), patientId);
        Assert.Equal(record.Count, index.Count);
        Assert.Equal(["Condition/cond-of-another"], index.NotThisPatient);
        Assert.Equal(record.NotThisPatient, index.NotThisPatient);
        Assert.Equal(1, index.Typeless["extra"]);
        Assert.Equal(record.Unreadable, index.Typeless.Values.Sum());
        Assert.Contains(index.Coverage, c => c.GetProperty("id").GetString() == "org-nested");
    }

    private static (List<KeyedItem> Keyed, string PatientId) Prefetch(JsonDocument document) =>
        ([.. document.RootElement.GetProperty("prefetch").EnumerateObject().Select(p => new KeyedItem(p.Name, p.Value))],
         document.RootElement.GetProperty("context").GetProperty("patientId").GetString()!);

    private static IEnumerable<JsonElement> Resources(JsonElement item) =>
        item.ValueKind != JsonValueKind.Object ? []
        : item.TryGetProperty("resourceType", out var type) && type.GetString() == "Bundle"
            ? item.TryGetProperty("entry", out var entries) ? entries.EnumerateArray().Where(e => e.TryGetProperty("resource", out _)).SelectMany(e => Resources(e.GetProperty("resource"))) : []
            : [item];
}
