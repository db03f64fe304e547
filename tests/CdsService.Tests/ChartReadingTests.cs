using System.Net;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests;

/// <summary>
/// The chart-reading defect classes of issue 10, each over HTTP in both forms: the data in prefetch, and the same data
/// served by the EHR's FHIR server (WireMock) and queried by the service. Each case starts from the sample that meets
/// criteria (AML in relapse, allogeneic HCT with reduced-intensity conditioning, mixed CD3 chimerism).
/// </summary>
public sealed class ChartReadingTests : IClassFixture<CdsServiceFactory>
{
    private readonly CdsServiceFactory _factory;

    public ChartReadingTests(CdsServiceFactory factory)
    {
        _factory = factory;
        _factory.Ehr.Reset();
    }

    private sealed record ChartCase(string[] Keys, Action<JsonObject> Change, HttpStatusCode Status, string? Covered, string? InCards = null);

    private static readonly Dictionary<string, ChartCase> Cases = new(StringComparer.Ordinal)
    {
        ["another patient's relapse and chimerism are not evidence"] = new(["conditions", "observations"], r =>
        {
            foreach (var id in new[] { "cond-aml-relapse", "obs-chim-cd3-2026-10", "obs-chim-cd33-2026-10" })
            {
                Find(r, id)["subject"] = new JsonObject { ["reference"] = "Patient/someone-else" };
            }
        }, HttpStatusCode.OK, "conditional"),
        ["another patient's Coverage is a bad request"] = new(["coverage"], r =>
            Find(r, "cov-regence-001")["beneficiary"] = new JsonObject { ["reference"] = "Patient/someone-else" }, HttpStatusCode.BadRequest, null),
        ["an order for another patient is a bad request"] = new(["conditions"], r =>
            Order(r)["subject"] = new JsonObject { ["reference"] = "Patient/someone-else" }, HttpStatusCode.BadRequest, null),
        ["a negated product statement on the order is not genetic modification"] = new(["observations"], r =>
            Order(r)["note"] = new JsonArray(new JsonObject { ["text"] = "Not a CAR-T product: unmanipulated donor lymphocytes, 1 x 10^7 CD3+/kg." }), HttpStatusCode.OK, "covered"),
        ["an explicit autologous HCT is not outranked by GVHD"] = new(["procedures"], r =>
            Find(r, "proc-allo-hct")["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.cms.gov/Medicare/Coding/ICD10", ["code"] = "30233Y0", ["display"] = "Transfusion of Autologous Hematopoietic Stem Cells into Peripheral Vein" }) },
            HttpStatusCode.OK, "conditional", "Conflicting records: autologous HCT"),
        ["a provisional relapse is not a relapse"] = new(["conditions"], r =>
        {
            Find(r, "cond-aml-relapse")["verificationStatus"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-ver-status", ["code"] = "provisional" }) };
            Order(r)["reasonCode"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://hl7.org/fhir/sid/icd-10-cm", ["code"] = "C92.00" }) });
        }, HttpStatusCode.OK, "conditional", "Tentative record"),
        ["chimerism reported as text with comparators is read"] = new(["observations"], r =>
        {
            var cd3 = Find(r, "obs-chim-cd3-2026-10");
            cd3.Remove("valueQuantity");
            cd3["valueString"] = "<1 % recipient";
            var cd33 = Find(r, "obs-chim-cd33-2026-10");
            cd33.Remove("valueQuantity");
            cd33["valueString"] = ">99 % donor";
        }, HttpStatusCode.OK, "not-covered"),
        ["in vivo T-cell depletion is not a T-cell depleted graft"] = new(["procedures"], r =>
        {
            Find(r, "proc-allo-hct")["note"] = new JsonArray(new JsonObject { ["text"] = "10/10 HLA-matched unrelated donor." });
            Find(r, "proc-conditioning")["code"] = new JsonObject { ["text"] = "Conditioning: busulfan/cyclophosphamide with ATG (thymoglobulin) for in vivo T-cell depletion" };
        }, HttpStatusCode.OK, "conditional", "in vivo T-cell depletion"),
        ["a status about another disease says nothing about the leukemia"] = new(["conditions", "diseaseStatus"], r =>
        {
            Bundle(r, "conditions").Add(Entry(new JsonObject
            {
                ["resourceType"] = "Condition", ["id"] = "cond-breast", ["subject"] = Patient(),
                ["verificationStatus"] = Concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed"),
                ["code"] = Concept("http://hl7.org/fhir/sid/icd-10-cm", "C50.911"), ["onsetDateTime"] = "2019-04-01",
            }));
            Bundle(r, "diseaseStatus").Add(Entry(new JsonObject
            {
                ["resourceType"] = "Observation", ["id"] = "obs-status-breast", ["status"] = "final", ["subject"] = Patient(),
                ["code"] = Concept("http://loinc.org", "97509-4"), ["focus"] = new JsonArray(new JsonObject { ["reference"] = "Condition/cond-breast" }),
                ["effectiveDateTime"] = "2026-11-20", ["valueCodeableConcept"] = Concept("http://snomed.info/sct", "277022003"),
            }));
        }, HttpStatusCode.OK, "covered"),
        ["a DLI ordered for CMV infection is another indication"] = new(["conditions"], r =>
            Order(r)["reasonCode"] = new JsonArray(Concept("http://hl7.org/fhir/sid/icd-10-cm", "B25.9")), HttpStatusCode.OK, "not-covered"),
        ["a remission on the day the relapse was ordered is a conflict"] = new(["conditions"], r =>
            Bundle(r, "conditions").Add(Entry(new JsonObject
            {
                ["resourceType"] = "Condition", ["id"] = "cond-aml-remission", ["subject"] = Patient(),
                ["verificationStatus"] = Concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed"),
                ["code"] = Concept("http://hl7.org/fhir/sid/icd-10-cm", "C92.01"), ["onsetDateTime"] = "2026-11-24",
            })), HttpStatusCode.OK, "conditional", "Conflicting records"),
        ["a wrongly typed chimerism value is a named gap"] = new(["observations"], r =>
            Find(r, "obs-chim-cd3-2026-10")["valueQuantity"]!["value"] = "seventy-two", HttpStatusCode.OK, "conditional", "could not be read"),
    };

    public static TheoryData<string, bool> All() => Hooks.BothWays(Cases.Keys);

    [Theory]
    [MemberData(nameof(All))]
    public async Task GivenAChartDefectClass_WhenSignedWithPrefetchOrQueried_ThenTheAnswerIsTheSafeOne(string name, bool queried)
    {
        // Arrange
        var chart = Cases[name];

        // Act
        var (status, body) = await Hooks.SignChartAsync(_factory, chart.Change, chart.Keys, queried);

        // Assert
        Assert.Equal(chart.Status, status);
        if (chart.Status != HttpStatusCode.OK)
        {
            Assert.Equal("OperationOutcome", body!["resourceType"]!.GetValue<string>());
            return;
        }

        Assert.Equal(chart.Covered, Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        if (chart.InCards is { } text)
        {
            var cards = string.Join("\n", body["cards"]!.AsArray().Select(c => c!["detail"]!.GetValue<string>()));
            Assert.Contains(text, cards, StringComparison.Ordinal);
        }

        Assert.Equal(queried, _factory.Ehr.LogEntries.Any());
    }

    private static JsonObject Order(JsonObject request) => request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!.AsObject();

    private static JsonArray Bundle(JsonObject request, string key)
    {
        var bundle = request["prefetch"]![key]!.AsObject();
        if (bundle["entry"] is not JsonArray entries)
        {
            entries = [];
            bundle["entry"] = entries;
        }

        return entries;
    }

    private static JsonObject Find(JsonObject request, string id) =>
        request["prefetch"]!.AsObject()
            .Select(p => p.Value)
            .OfType<JsonObject>()
            .SelectMany(bundle => bundle["entry"] is JsonArray entries ? entries.Select(e => e!["resource"]!.AsObject()) : [])
            .Single(r => r["id"]!.GetValue<string>() == id);

    private static JsonObject Entry(JsonObject resource) => new() { ["fullUrl"] = $"https://ehr.example.org/fhir/{resource["resourceType"]}/{resource["id"]}", ["resource"] = resource };

    private static JsonObject Patient() => new() { ["reference"] = "Patient/pat-dli-001" };

    private static JsonObject Concept(string system, string code) => new() { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) };
}
