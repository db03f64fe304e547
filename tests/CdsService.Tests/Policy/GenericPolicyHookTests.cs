using System.Net;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests.Policy;

/// <summary>
/// The test-only policy T-01 (tests/policies/test-t01.json, module "generic": a policy file and no C# of its own) served
/// beside 45.03 from one folder: an order for its made-up code T0101 is decided by T-01's declared criteria, over HTTP,
/// in T-01's words, while the DLI order in the same call is decided by 45.03.
/// </summary>
public sealed class GenericPolicyHookTests
{
    private const string T01File = "test-t01.json";
    private const string Conditions = "http://example.org/fhir/CodeSystem/t01-conditions";

    [Theory]
    [InlineData(false, "covered", "MeetsCriteria")]
    [InlineData(true, "not-covered", "NotMedicallyNecessary")]
    public async Task GivenADliOrderAndAT01Order_WhenSigned_ThenT01DecidesItsOrderFromItsFileAlone(bool contraindicated, string covered, string outcome)
    {
        // Arrange: the chart meets T-01 (its indication IND-1 confirmed, its marker 2.5 mg/dL ≥ 2.0), and, in the second
        // row, it also holds T-01's contraindication CONTRA-1 (criterion T.D).
        using var folder = new PolicyFolder(withVariant: false);
        folder.Write(T01File, File.ReadAllBytes(Repository.Path("tests", "policies", T01File)));
        using var factory = new CdsServiceFactory().With("Cds:PolicyFolder", folder.Path);
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request["hookInstance"] = Guid.NewGuid().ToString();
        var orders = request["context"]!["draftOrders"]!["entry"]!.AsArray();
        var t01 = orders[0]!.DeepClone();
        t01["resource"]!["id"] = "sr-t01-001";
        t01["resource"]!["code"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://example.org/fhir/CodeSystem/t01-services", ["code"] = "T0101", ["display"] = "Test infusion" }),
            ["text"] = "Test infusion",
        };
        orders.Add(t01);
        Add(request, "conditions", Condition("t01-ind", "IND-1"));
        Add(request, "observations", JsonNode.Parse("""
            {"resourceType": "Observation", "id": "t01-mark", "status": "final", "subject": {"reference": "Patient/pat-dli-001"},
             "code": {"coding": [{"system": "http://example.org/fhir/CodeSystem/t01-observations", "code": "MARK-1", "display": "Test marker"}]},
             "effectiveDateTime": "2026-10-01",
             "valueQuantity": {"value": 2.5, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/dL"}}
            """)!.AsObject());
        if (contraindicated)
        {
            Add(request, "conditions", Condition("t01-contra", "CONTRA-1"));
        }

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert: a decision per order, each by its own policy; T-01's in its own words and revision.
        Assert.Equal(HttpStatusCode.OK, status);
        var actions = body!["systemActions"]!.AsArray();
        var byOrder = actions.ToDictionary(a => a!["resource"]!["id"]!.GetValue<string>(), a => Hooks.Code(Hooks.Extension(a!), "covered"));
        Assert.Equal("covered", byOrder["sr-dli-001"]);
        Assert.Equal(covered, byOrder["sr-t01-001"]);
        Assert.Contains(actions, a => a!["description"]!.GetValue<string>() == "Coverage information for ServiceRequest/sr-t01-001 under Medical Policy T-01 version 1");
        var answered = Assert.Single(factory.Logs.Lines, l => l.Contains("policy order(s), decisions", StringComparison.Ordinal));
        Assert.Contains($"ServiceRequest/sr-t01-001:{outcome}@test-t01 1 (2025-01-01, sha256 {PolicyFolder.Sha256(folder.Read(T01File))[..12]})", answered, StringComparison.Ordinal);
    }

    private static JsonObject Condition(string id, string code) => JsonNode.Parse($$"""
        {"resourceType": "Condition", "id": "{{id}}", "subject": {"reference": "Patient/pat-dli-001"},
         "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
         "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
         "code": {"coding": [{"system": "{{Conditions}}", "code": "{{code}}"}]},
         "recordedDate": "2025-03-02"}
        """)!.AsObject();

    private static void Add(JsonObject request, string key, JsonObject resource) =>
        request["prefetch"]![key]!["entry"]!.AsArray().Add(new JsonObject { ["resource"] = resource, ["search"] = new JsonObject { ["mode"] = "match" } });
}
