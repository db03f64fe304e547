using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests;

public sealed class ClinicalRecordTests
{
    [Fact]
    public void GivenPrefetchAndQueryBundlesThatOverlap_WhenParsed_ThenEachResourceIsKeptOnceAndOutcomesAndJunkAreNotResources()
    {
        // Arrange
        var relapse = FhirFixtures.Resource("Condition/cond-aml-relapse-2025");
        var prefetch = FhirFixtures.SearchSet("Condition", [FhirFixtures.Resource("Condition/cond-aml-dx-2023"), relapse]);
        var query = JsonNode.Parse(FhirFixtures.SearchSet("Condition", [FhirFixtures.Resource("Condition/cond-aml-relapse-2025")]).GetRawText())!.AsObject();
        query["entry"]!.AsArray().Add(new JsonObject
        {
            ["resource"] = new JsonObject
            {
                ["resourceType"] = "OperationOutcome",
                ["issue"] = new JsonArray { new JsonObject { ["severity"] = "warning", ["code"] = "incomplete", ["diagnostics"] = "Some results were filtered by sensitivity label" } },
            },
            ["search"] = new JsonObject { ["mode"] = "outcome" },
        });
        using var junk = JsonDocument.Parse("""{ "message": "not a FHIR resource" }""");

        // Act
        var record = ClinicalRecord.Parse([prefetch, FhirFixtures.ToElement(query), junk.RootElement, default], Dli.PatientId);

        // Assert
        Assert.Equal(2, record.Count);
        Assert.Equal(1, record.Unreadable);
    }
}
