using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests;

/// <summary>
/// Criterion I.B from conditioning doses over HTTP, in both forms: the doses in prefetch (<c>medicationAdministrations</c>,
/// <c>bodyMeasures</c>), and the same doses served by the EHR's FHIR server (WireMock) for the service to query. The
/// sample meets I.A and I.C, and its transplant is coded ICD-10-PCS 30233Y3 (graft not T-cell depleted) on 2025-03-12.
/// </summary>
public sealed class ConditioningDoseTests : IClassFixture<CdsServiceFactory>
{
    private static readonly DateOnly HctDay = new(2025, 3, 12);

    private static readonly Dictionary<string, Case> Cases = new(StringComparer.Ordinal)
    {
        ["Flu/Mel 140 by dose meets I.B"] = new(r =>
        {
            RemoveStatedConditioning(r);
            Give(r, "fludarabine", "24698", 30, "mg/m2", -6, 5);
            Give(r, "melphalan", "6718", 140, "mg/m2", -1, 1);
        }, "covered", "Flu 150 mg/m² + Mel 140 mg/m²: reduced intensity per Bacigalupo 2009"),
        ["Bu/Cy by dose with a coded unmanipulated graft does not meet I.B"] = new(r =>
        {
            RemoveStatedConditioning(r);
            Weigh(r, 70);
            Give(r, "busulfan", "1828", 56, "mg", -7, 4, perDay: 4);
            Give(r, "cyclophosphamide", "3002", 60, "mg/kg", -3, 2);
        }, "not-covered", "Bu 12.8 mg/kg IV + Cy 120 mg/kg: myeloablative per Bacigalupo 2009"),
        ["busulfan in mg with no weight is unknown"] = new(r =>
        {
            RemoveStatedConditioning(r);
            Give(r, "busulfan", "1828", 56, "mg", -7, 4, perDay: 4);
            Give(r, "cyclophosphamide", "3002", 60, "mg/kg", -3, 2);
        }, "conditional", "56 mg on record without a body weight"),
        ["a stated RIC with myeloablative doses is a conflict"] = new(r =>
        {
            Weigh(r, 70);
            Give(r, "busulfan", "1828", 0.8m, "mg/kg", -7, 4, perDay: 4);
            Give(r, "cyclophosphamide", "3002", 60, "mg/kg", -3, 2);
        }, "conditional", "Conflicting records on conditioning intensity"),
        ["ATG in the conditioning does not deplete the graft"] = new(r =>
        {
            RemoveStatedConditioning(r);
            Weigh(r, 70);
            Give(r, "busulfan", "1828", 0.8m, "mg/kg", -7, 4, perDay: 4);
            Give(r, "cyclophosphamide", "3002", 60, "mg/kg", -3, 2);
            Give(r, "anti-thymocyte globulin (rabbit)", "1011", 2.5m, "mg/kg", -3, 3);
        }, "not-covered", "ATG 7.5 mg/kg: myeloablative"),
    };

    private readonly CdsServiceFactory _factory;

    public ConditioningDoseTests(CdsServiceFactory factory)
    {
        _factory = factory;
        _factory.Ehr.Reset();
    }

    public static TheoryData<string, bool> All()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in Cases.Keys)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task GivenConditioningDoses_WhenSignedWithPrefetchOrQueried_ThenIBIsDecidedFromTheDosesAndTheCardStatesTheRegimen(string name, bool queried)
    {
        // Arrange
        using var client = _factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        Cases[name].Change(request);
        if (queried)
        {
            Hooks.MoveToEhr(request, _factory.Ehr, _factory.FhirBase, "medicationAdministrations", "bodyMeasures");
        }

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Cases[name].Covered, Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        var cards = string.Join("\n", body["cards"]!.AsArray().Select(c => c!["detail"]!.GetValue<string>()));
        Assert.Contains(Cases[name].InCards, cards, StringComparison.Ordinal);
        Assert.Equal(queried, _factory.Ehr.LogEntries.Any());
        if (queried)
        {
            var administrations = Assert.Single(_factory.Ehr.LogEntries, e => e.RequestMessage!.Path == "/fhir/MedicationAdministration").RequestMessage!;
            Assert.Equal([Hooks.PatientId], administrations.Query!["patient"]);
            Assert.Contains("http://www.nlm.nih.gov/research/umls/rxnorm|1828", administrations.RawQuery is { } raw ? Uri.UnescapeDataString(raw) : string.Empty, StringComparison.Ordinal);
            Assert.Equal("Bearer sample-access-token", administrations.Headers!["Authorization"].Single());
            var vitals = Assert.Single(_factory.Ehr.LogEntries, e => e.RequestMessage!.Path == "/fhir/Observation").RequestMessage!;
            Assert.Equal(["vital-signs"], vitals.Query!["category"]);
        }
    }

    [Fact]
    public async Task GivenTheDoseQueryFails_WhenSigned_ThenTheAnswerIsConditionalAndTheCardNamesTheFailure()
    {
        // Arrange: Bu/Cy would decide I.B not met; the EHR answers the administrations search with HTTP 500.
        using var client = _factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        RemoveStatedConditioning(request);
        request["prefetch"]!.AsObject().Remove("medicationAdministrations");
        request["fhirServer"] = _factory.FhirBase;
        Hooks.Serve(_factory.Ehr, "medicationAdministrations", """{"resourceType":"OperationOutcome"}""", status: 500);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("conditional", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        var cards = string.Join("\n", body["cards"]!.AsArray().Select(c => c!["detail"]!.GetValue<string>()));
        Assert.Contains("medicationAdministrations", cards, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAStatedReducedIntensityAndAFailedDoseQuery_WhenSigned_ThenTheStatementIsNotPaidOnUnchecked()
    {
        // Arrange: the sample states RIC on the HCT and the conditioning Procedure; the administrations search fails.
        using var client = _factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request["prefetch"]!.AsObject().Remove("medicationAdministrations");
        request["fhirServer"] = _factory.FhirBase;
        Hooks.Serve(_factory.Ehr, "medicationAdministrations", "{}", status: 503);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("conditional", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        var cards = string.Join("\n", body["cards"]!.AsArray().Select(c => c!["detail"]!.GetValue<string>()));
        Assert.Contains("Stated conditioning intensity not checked against the doses", cards, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenNoDoseKeysAndNoFhirServer_WhenSigned_ThenTheHookIsAnsweredNot412()
    {
        // Arrange: an EHR that does not prefetch the dose keys and offers no FHIR server.
        using var client = _factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request.Remove("fhirServer");
        request.Remove("fhirAuthorization");
        foreach (var key in new[] { "medicationAdministrations", "medicationRequests", "bodyMeasures" })
        {
            request["prefetch"]!.AsObject().Remove(key);
        }

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert: I.B is read from the stated reduced-intensity regimen, as before the dose keys existed.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        Assert.Empty(_factory.Ehr.LogEntries);
    }

    private static void RemoveStatedConditioning(JsonObject request)
    {
        var entries = request["prefetch"]!["procedures"]!["entry"]!.AsArray();
        var conditioning = entries.Single(e => e!["resource"]!["id"]!.GetValue<string>() == "proc-conditioning");
        entries.Remove(conditioning);

        // The transplant's own note also names the regimen: keep only its donor sentence.
        var hct = entries.Single(e => e!["resource"]!["id"]!.GetValue<string>() == "proc-allo-hct")!["resource"]!.AsObject();
        hct["note"] = new JsonArray(new JsonObject { ["text"] = "10/10 HLA-matched unrelated donor." });
    }

    private static JsonArray Entries(JsonObject request, string key)
    {
        var bundle = request["prefetch"]![key]!.AsObject();
        if (bundle["entry"] is not JsonArray entries)
        {
            entries = [];
            bundle["entry"] = entries;
        }

        return entries;
    }

    private static void Add(JsonObject request, string key, JsonObject resource)
    {
        var entries = Entries(request, key);
        entries.Add(new JsonObject
        {
            ["fullUrl"] = $"https://ehr.example.org/fhir/{resource["resourceType"]}/{resource["id"]}",
            ["resource"] = resource,
            ["search"] = new JsonObject { ["mode"] = "match" },
        });
        request["prefetch"]![key]!["total"] = entries.Count;
    }

    private static void Give(JsonObject request, string drug, string rxcui, decimal dose, string unit, int firstDay, int days, int perDay = 1)
    {
        for (var d = 0; d < days; d++)
        {
            for (var i = 0; i < perDay; i++)
            {
                var when = HctDay.AddDays(firstDay + d).ToDateTime(new TimeOnly(i * 24 / perDay, 0));
                Add(request, "medicationAdministrations", new JsonObject
                {
                    ["resourceType"] = "MedicationAdministration",
                    ["id"] = $"ma-{rxcui}-{d}-{i}",
                    ["status"] = "completed",
                    ["medicationCodeableConcept"] = new JsonObject
                    {
                        ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.nlm.nih.gov/research/umls/rxnorm", ["code"] = rxcui, ["display"] = drug }),
                        ["text"] = drug,
                    },
                    ["subject"] = new JsonObject { ["reference"] = $"Patient/{Hooks.PatientId}" },
                    ["effectiveDateTime"] = when.ToString("yyyy-MM-dd'T'HH:mm:ss'-07:00'", CultureInfo.InvariantCulture),
                    ["dosage"] = new JsonObject
                    {
                        ["route"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://snomed.info/sct", ["code"] = "47625008", ["display"] = "Intravenous route" }) },
                        ["dose"] = new JsonObject { ["value"] = dose, ["unit"] = unit, ["system"] = "http://unitsofmeasure.org", ["code"] = unit },
                    },
                });
            }
        }
    }

    private static void Weigh(JsonObject request, decimal kg) => Add(request, "bodyMeasures", new JsonObject
    {
        ["resourceType"] = "Observation",
        ["id"] = "obs-weight-pre-hct",
        ["status"] = "final",
        ["category"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/observation-category", ["code"] = "vital-signs" }) }),
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "29463-7", ["display"] = "Body weight" }) },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{Hooks.PatientId}" },
        ["effectiveDateTime"] = HctDay.AddDays(-8).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["valueQuantity"] = new JsonObject { ["value"] = kg, ["unit"] = "kg", ["system"] = "http://unitsofmeasure.org", ["code"] = "kg" },
    });

    private sealed record Case(Action<JsonObject> Change, string Covered, string InCards);
}
