using System.Net;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Cds.Service.Tests.Crd;

/// <summary>
/// The coverage situations of issue 11 over HTTP, with the met sample's order (authored 2026-11-24): which Coverage
/// the assertion names, and when the answer is the CRD 400 (CRD hook-13: no Coverage of this payer applies).
/// </summary>
public sealed class CoverageSituationTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    private const string Npi = "http://hl7.org/fhir/sid/us-npi";

    public static TheoryData<string, string[], string?, HttpStatusCode, string> Situations => new()
    {
        // name, coverages (see Coverage below), the order's insurance, expected status, expected Coverage (or 400 text)
        { "ours, active", ["regence"], null, HttpStatusCode.OK, "Coverage/cov-regence" },
        { "another payer only", ["medicare"], null, HttpStatusCode.BadRequest, "Coverage/cov-medicare: another payer" },
        { "ours, period ended", ["regence-ended"], null, HttpStatusCode.BadRequest, "ended before the order's date" },
        { "ours, period in the future", ["regence-future"], null, HttpStatusCode.BadRequest, "starts after the order's date" },
        { "ours primary, Medicare secondary", ["regence-1", "medicare-2"], null, HttpStatusCode.OK, "Coverage/cov-regence" },
        { "Medicare primary, ours secondary", ["medicare-1", "regence-2"], null, HttpStatusCode.OK, "Coverage/cov-regence" },
        { "two of ours, ranked", ["regence-2", "regence-b-1"], null, HttpStatusCode.OK, "Coverage/cov-regence-b" },
        { "two of ours, the order names one", ["regence", "regence-b"], "Coverage/cov-regence-b", HttpStatusCode.OK, "Coverage/cov-regence-b" },
        { "the order names another payer's", ["regence", "medicare"], "Coverage/cov-medicare", HttpStatusCode.BadRequest, "not the insurance the order names" },
        { "payor only as a display string", ["display-only"], null, HttpStatusCode.OK, "Coverage/cov-display" },
        { "cancelled", ["regence-cancelled"], null, HttpStatusCode.BadRequest, "not active" },
    };

    [Theory]
    [MemberData(nameof(Situations))]
    public async Task GivenACoverageSituation_WhenTheDliOrderIsSigned_ThenTheAssertionNamesOurCoverageOrTheAnswerIs400(string name, string[] coverages, string? insurance, HttpStatusCode expected, string coverageOrReason)
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = WithCoverages(Repository.Sample("order-sign-meets-criteria.json"), coverages);
        if (insurance is not null)
        {
            Order(request)["insurance"] = new JsonArray(new JsonObject { ["reference"] = insurance });
        }

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.True(expected == status, $"{name}: {status} {body?.ToJsonString()}");
        if (expected == HttpStatusCode.OK)
        {
            var references = Hooks.Extensions(body!["systemActions"]![0]!).Select(e => Hooks.Parts(e, "coverage").Single()["valueReference"]!["reference"]!.GetValue<string>());
            Assert.Equal([coverageOrReason], references);
            Assert.Equal("covered", Hooks.Code(Hooks.Extension(body["systemActions"]![0]!), "covered"));
        }
        else
        {
            Assert.Equal("not-found", body!["issue"]![0]!["code"]!.GetValue<string>());
            Assert.Contains(coverageOrReason, body["issue"]![0]!["diagnostics"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GivenTwoOfOurCoveragesThatTie_WhenSigned_ThenTheOrderCarriesOneRepetitionPerCoverageWithDistinctAssertionIds()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = WithCoverages(Repository.Sample("order-sign-meets-criteria.json"), ["regence", "regence-b"]);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var repetitions = Hooks.Extensions(body!["systemActions"]![0]!);
        Assert.Equal(["Coverage/cov-regence", "Coverage/cov-regence-b"], repetitions.Select(e => Hooks.Parts(e, "coverage").Single()["valueReference"]!["reference"]!.GetValue<string>()));
        Assert.Equal(2, repetitions.Select(e => Hooks.Parts(e, "coverage-assertion-id").Single()["valueString"]!.GetValue<string>()).Distinct().Count());
        CrdKitChecks.CoverageInformationAction(body["systemActions"]![0]!);
    }

    [Fact]
    public async Task GivenConfiguredPayerIdentifiers_WhenThePayorIsAReferenceToAnOrganizationOnlyTheEhrHas_ThenItIsReadWithTheHooksTokenAndMatched()
    {
        // Arrange: the payer identity by NPI; the Coverage names Organization/org-regence, served by the EHR.
        using var npi = new CdsServiceFactory().With("Cds:Payer:Identifiers:0", $"{Npi}|1386610063");
        using var client = npi.CreateSignedClient();
        var request = WithCoverages(Repository.Sample("order-sign-meets-criteria.json"), ["org-reference"]);
        request["fhirServer"] = npi.FhirBase;
        npi.Ehr.Given(Request.Create().WithPath("/fhir/Organization/org-regence").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json")
                .WithBody($$"""{"resourceType":"Organization","id":"org-regence","identifier":[{"system":"{{Npi}}","value":"1386610063"}],"name":"Regence BlueShield"}"""));

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Coverage/cov-org", Hooks.Parts(Hooks.Extension(body!["systemActions"]![0]!), "coverage").Single()["valueReference"]!["reference"]!.GetValue<string>());
        var read = Assert.Single(npi.Ehr.LogEntries, e => e.RequestMessage!.Path == "/fhir/Organization/org-regence");
        Assert.Equal("Bearer sample-access-token", read.RequestMessage!.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task GivenAPayorReferenceTheEhrCannotServe_WhenSigned_ThenCoverageCouldNotBeCheckedIsACardNotA400()
    {
        // Arrange: a technical gap (the Organization read fails), not a business answer.
        factory.Ehr.Reset();
        using var client = factory.CreateSignedClient();
        var request = WithCoverages(Repository.Sample("order-sign-meets-criteria.json"), ["org-reference"]);
        request["fhirServer"] = factory.FhirBase;
        factory.Ehr.Given(Request.Create().WithPath("/fhir/Organization/org-regence").UsingGet()).RespondWith(Response.Create().WithStatusCode(503));

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var card = Assert.Single(body!["cards"]!.AsArray())!;
        Assert.Equal("warning", card["indicator"]!.GetValue<string>());
        Assert.Contains("could not be checked", card["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(body["systemActions"]);
    }

    [Fact]
    public async Task GivenTwoDliOrdersOfWhichOneIsBilledToAnotherPayer_WhenSigned_ThenOursIsAnsweredAndTheOtherSaysNoRegenceCoverageApplies()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = WithCoverages(Repository.Sample("order-sign-meets-criteria.json"), ["regence", "medicare"]);
        var entries = request["context"]!["draftOrders"]!["entry"]!.AsArray();
        var second = entries[0]!.DeepClone();
        second["resource"]!["id"] = "sr-dli-002";
        second["resource"]!["insurance"] = new JsonArray(new JsonObject { ["reference"] = "Coverage/cov-medicare" });
        entries.Add(second);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var action = Assert.Single(body!["systemActions"]!.AsArray())!;
        Assert.Equal("sr-dli-001", action["resource"]!["id"]!.GetValue<string>());
        var other = Assert.Single(body["cards"]!.AsArray(), c => c!["extension"]!["davinci-crd.associated-resource"]![0]!["reference"]!.GetValue<string>() == "ServiceRequest/sr-dli-002"
            && c["source"]!["topic"]!["code"]!.GetValue<string>() == "coverage-info")!;
        Assert.Contains("no Regence coverage applies", other["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static JsonObject Order(JsonObject request) => request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!.AsObject();

    private static JsonObject WithCoverages(JsonObject request, string[] kinds)
    {
        var entries = request["prefetch"]!["coverage"]!["entry"]!.AsArray();
        entries.Clear();
        foreach (var kind in kinds)
        {
            entries.Add(new JsonObject { ["resource"] = Coverage(kind), ["search"] = new JsonObject { ["mode"] = "match" } });
        }

        return request;
    }

    // Realistic Coverages: Regence by NPI and name, Medicare Part B by its own NPI; "-1"/"-2" set Coverage.order.
    private static JsonObject Coverage(string kind)
    {
        var order = kind[^1] is '1' or '2' && kind[^2] == '-' ? int.Parse(kind[^1..], System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        var baseKind = order is null ? kind : kind[..^2];
        var (id, payor, period, status) = baseKind switch
        {
            "regence" => ("cov-regence", Regence(), """{"start":"2024-01-01"}""", "active"),
            "regence-b" => ("cov-regence-b", Regence(), """{"start":"2026-01-01"}""", "active"),
            "regence-ended" => ("cov-regence", Regence(), """{"start":"2020-01-01","end":"2025-12-31"}""", "active"),
            "regence-future" => ("cov-regence", Regence(), """{"start":"2027-01-01"}""", "active"),
            "regence-cancelled" => ("cov-regence", Regence(), """{"start":"2024-01-01"}""", "cancelled"),
            "medicare" => ("cov-medicare", $$"""{"identifier":{"system":"{{Npi}}","value":"1720087364"},"display":"Medicare Part B"}""", """{"start":"2025-06-01"}""", "active"),
            "display-only" => ("cov-display", """{"display":"Regence BlueShield of Idaho"}""", """{"start":"2024-01-01"}""", "active"),
            "org-reference" => ("cov-org", """{"reference":"Organization/org-regence"}""", """{"start":"2024-01-01"}""", "active"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var coverage = JsonNode.Parse($$"""
            {
              "resourceType": "Coverage", "id": "{{id}}", "status": "{{status}}", "subscriberId": "M884120033",
              "beneficiary": { "reference": "Patient/pat-dli-001" },
              "relationship": { "coding": [ { "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "code": "self" } ] },
              "period": {{period}},
              "payor": [ {{payor}} ]
            }
            """)!.AsObject();
        if (order is { } rank)
        {
            coverage["order"] = rank;
        }

        return coverage;

        static string Regence() => $$"""{"identifier":{"system":"{{Npi}}","value":"1386610063"},"display":"Regence BlueShield"}""";
    }
}
