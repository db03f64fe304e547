using System.Net;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Cds.Service.Tests;

/// <summary>
/// Whose birth date sets records aside, what happens when the patient's Patient resources disagree, and the Patient read
/// when prefetch does not carry it; over HTTP, with prefetch and with the EHR's FHIR server (WireMock). Each case starts
/// from the sample that meets criteria (pat-dli-001, born 14 Jun 1971, allogeneic HCT 12 Mar 2025; the clock is
/// 24 Nov 2026).
/// </summary>
public sealed class BirthDateTests : IClassFixture<CdsServiceFactory>
{
    private readonly CdsServiceFactory _factory;

    public BirthDateTests(CdsServiceFactory factory)
    {
        _factory = factory;
        _factory.Ehr.Reset();
    }

    private sealed record BirthCase(string[] Keys, Action<JsonObject> Change, string Covered, string? InCards, string? NotInCards = null);

    private static readonly Dictionary<string, BirthCase> Cases = new(StringComparer.Ordinal)
    {
        // 1. Whose birth date: a Patient that is not context.patientId never gives it. Each of these would set the
        // 2025 transplant aside (born 2026) if it did.
        ["another patient's Patient in a search Bundle"] = new(["conditions"], r =>
            Include(r, "conditions", Patient("pat-other-314", "2026-01-05")),
            "covered", null, "birth date"),
        ["the donor's Patient (a DLI donor is a Patient in the EHR)"] = new(["procedures"], r =>
        {
            var donor = Patient("pat-donor-7782", "2026-02-11");
            donor["link"] = new JsonArray(new JsonObject { ["other"] = new JsonObject { ["reference"] = "Patient/pat-dli-001" }, ["type"] = "seealso" });
            Include(r, "procedures", donor);
        }, "covered", null, "birth date"),
        ["a contained Patient named like the patient"] = new(["procedures"], r =>
            Find(r, "proc-allo-hct")["contained"] = new JsonArray(Patient("pat-dli-001", "2026-01-05")),
            "covered", null, "birth date"),
        ["a donor's Patient while the transplant is dated before the patient's birth"] = new(["procedures"], r =>
        {
            // The patient's own birth date (1971) still sets the 1969 transplant aside; the donor's (1960) would not.
            SetHct(r, "1969-05");
            Include(r, "procedures", Patient("pat-donor-7782", "1960-03-02"));
        }, "conditional", "dated May 1969, before the patient's birth date 14 Jun 1971"),

        // 2. Patients of this patient that disagree.
        ["a partial birth date beside the full one narrows to the full one"] = new(["conditions"], r =>
        {
            r["prefetch"]!["patient"]!["birthDate"] = "1971";
            Include(r, "conditions", Patient("pat-dli-001", "1971-06-14"));
            SetHct(r, "1971-03");
        }, "conditional", "Implausible date: Transfusion of Allogeneic Unrelated Hematopoietic Stem Cell… (ICD-10-PCS 30233Y3), performed 1 Mar 1971 (dated Mar 1971, before the patient's birth date 14 Jun 1971; not counted until the date is confirmed)"),
        ["two birth dates that cannot both be true, a transplant between them"] = new(["conditions"], r =>
        {
            Include(r, "conditions", Patient("pat-dli-001", "1980-02-02"));
            SetHct(r, "1975-05");
        }, "conditional", "Conflicting birth dates: Transfusion of Allogeneic Unrelated Hematopoietic Stem Cell… (ICD-10-PCS 30233Y3), performed 1 May 1975 (dated May 1975, before the birth date 2 Feb 1980 but not before 14 Jun 1971: the patient's Patient records give different birth dates; not counted until the birth date is confirmed)"),
        ["two birth dates that cannot both be true, a transplant before both"] = new(["conditions"], r =>
        {
            Include(r, "conditions", Patient("pat-dli-001", "1980-02-02"));
            SetHct(r, "1969-05");
        }, "conditional", "dated May 1969, before every birth date the patient's records give (14 Jun 1971 and 2 Feb 1980)"),
        ["two birth dates that cannot both be true, every record after both"] = new(["conditions"], r =>
            Include(r, "conditions", Patient("pat-dli-001", "1980-02-02")),
            "covered", null, "birth date"),
    };

    public static TheoryData<string, bool> All() => Hooks.BothWays(Cases.Keys);

    [Theory]
    [MemberData(nameof(All))]
    public async Task GivenPatientsInTheRecord_WhenSignedWithPrefetchOrQueried_ThenOnlyThisPatientsBirthDatesCountAndAConflictIsForReview(string name, bool queried)
    {
        // Arrange
        var chart = Cases[name];

        // Act
        var (status, body) = await Hooks.SignChartAsync(_factory, chart.Change, chart.Keys, queried);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var cards = Hooks.CardDetails(body!);
        Assert.Equal(chart.Covered, Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        if (chart.InCards is { } text)
        {
            Assert.Contains(text, cards, StringComparison.Ordinal);
        }

        if (chart.NotInCards is { } absent)
        {
            Assert.DoesNotContain(absent, cards, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(_factory.Ehr.LogEntries, e => e.RequestMessage!.Path.StartsWith("/fhir/Patient", StringComparison.Ordinal));
    }

    // 3. Calls without the Patient in prefetch.

    [Fact]
    public async Task GivenNoPatientInPrefetch_WhenSigned_ThenThePatientIsReadWithTheAccessTokenAndItsBirthDateSetsRecordsAside()
    {
        // Arrange: the transplant is dated before the patient's birth; only the EHR's Patient can tell.
        using var client = _factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        SetHct(request, "1969-05");
        Hooks.MoveToEhr(request, _factory.Ehr, _factory.FhirBase, "patient");

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("conditional", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        Assert.Contains("dated May 1969, before the patient's birth date 14 Jun 1971", Hooks.CardDetails(body), StringComparison.Ordinal);
        var read = Assert.Single(_factory.Ehr.LogEntries);
        Assert.Equal("/fhir/Patient/pat-dli-001", read.RequestMessage!.Path);
        Assert.Equal("Bearer sample-access-token", read.RequestMessage.Headers!["Authorization"].Single());
    }

    public static TheoryData<string> PatientFailures() => ["404", "410", "500", "malformed", "not-fhir", "another patient", "no birthDate"];

    [Theory]
    [MemberData(nameof(PatientFailures))]
    public async Task GivenThePatientCannotBeHad_WhenSigned_ThenTheCallIsDecidedWithoutTheBirthDateCheckAndTheCardSaysSo(string failure)
    {
        // Arrange: the chart as shipped (covered); its Patient is the EHR's to give.
        using var client = _factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var patient = request["prefetch"]!["patient"]!.AsObject();
        request["prefetch"]!.AsObject().Remove("patient");
        request["fhirServer"] = _factory.FhirBase;
        var outcome = """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found","diagnostics":"Resource Patient/pat-dli-001 is not known"}]}""";
        var (code, answer) = failure switch
        {
            "404" => (404, outcome),
            "410" => (410, outcome),
            "500" => (500, outcome),
            "malformed" => (200, """{"resourceType":"Patient","id":"pat-dli-001","birthDate":"""),
            "not-fhir" => (200, "[1,2,3]"),
            "another patient" => (200, Patient("pat-other-314", "2026-01-05").ToJsonString()),
            _ => (200, Without(patient, "birthDate").ToJsonString()),
        };
        Hooks.Serve(_factory.Ehr, "patient", answer, status: code);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert: no birth date is no evidence, so the decision stands; a failed read is named where the cards name
        // what could not be retrieved, and is no criterion's missing data.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        var cards = Hooks.CardDetails(body);
        var failed = failure is not ("another patient" or "no birthDate");
        Assert.Equal(failed, cards.Contains("patient (the FHIR server", StringComparison.Ordinal));
        Assert.Equal(failed, cards.Contains("dates were not checked against the patient's birth date", StringComparison.Ordinal));
        Assert.DoesNotContain("Data could not be read: patient", cards, StringComparison.Ordinal);
        Assert.Equal("/fhir/Patient/pat-dli-001", Assert.Single(_factory.Ehr.LogEntries).RequestMessage!.Path);
    }

    [Fact]
    public async Task GivenNoPatientInPrefetchAndNoFhirServer_WhenSigned_ThenTheCallIsDecidedWithout412()
    {
        // Arrange
        using var client = _factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request.Remove("fhirServer");
        request.Remove("fhirAuthorization");
        request["prefetch"]!.AsObject().Remove("patient");

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        Assert.Empty(_factory.Ehr.LogEntries);
    }

    [Fact]
    public async Task GivenAPatientReadSlowerThanTheBudget_WhenSigned_ThenTheCallIsAnsweredInTimeWithoutTheBirthDateCheck()
    {
        // Arrange: the searches answer at once, the Patient read never within the FHIR budget.
        using var client = _factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var patient = request["prefetch"]!["patient"]!.ToJsonString();
        request["prefetch"]!.AsObject().Remove("patient");
        request["fhirServer"] = _factory.FhirBase;
        _factory.Ehr.Given(Request.Create().WithPath("/fhir/Patient/pat-dli-001").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(patient).WithDelay(TimeSpan.FromSeconds(6)));

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        Assert.Contains("patient (the FHIR server did not answer in time; dates were not checked against the patient's birth date)", Hooks.CardDetails(body), StringComparison.Ordinal);
    }

    private static JsonObject Patient(string id, string birthDate) => new()
    {
        ["resourceType"] = "Patient",
        ["id"] = id,
        ["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:oid:1.2.36.146.595.217.0.1", ["value"] = $"MRN-{id}" }),
        ["name"] = new JsonArray(new JsonObject { ["family"] = "Okafor", ["given"] = new JsonArray("Chidi") }),
        ["gender"] = "male",
        ["birthDate"] = birthDate,
    };

    private static JsonObject Without(JsonObject resource, string element)
    {
        var copy = resource.DeepClone().AsObject();
        copy.Remove(element);
        return copy;
    }

    // A resource the EHR returns beside a search's matches (search.mode "include", as with _include).
    private static void Include(JsonObject request, string key, JsonObject resource) =>
        request["prefetch"]![key]!["entry"]!.AsArray().Add(new JsonObject
        {
            ["fullUrl"] = $"https://ehr.example.org/fhir/{resource["resourceType"]}/{resource["id"]}",
            ["resource"] = resource,
            ["search"] = new JsonObject { ["mode"] = "include" },
        });

    private static void SetHct(JsonObject request, string performed)
    {
        var hct = Find(request, "proc-allo-hct");
        hct.Remove("performedPeriod");
        hct["performedDateTime"] = performed;
    }

    private static JsonObject Find(JsonObject request, string id) =>
        request["prefetch"]!.AsObject()
            .Select(p => p.Value)
            .OfType<JsonObject>()
            .SelectMany(bundle => bundle["entry"] is JsonArray entries ? entries.Select(e => e!["resource"]!.AsObject()) : [])
            .Single(r => r["id"]!.GetValue<string>() == id);
}
