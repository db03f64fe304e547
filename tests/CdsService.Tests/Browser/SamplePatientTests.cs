using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Engine;
using Cds.Service.Discovery;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Cds.Service.Tests.Browser;

/// <summary>
/// samples/patients/: one FHIR transaction Bundle per policy outcome, loadable into any FHIR server, each reaching its
/// documented outcome through the service, from prefetch and from a FHIR server the service queries.
/// </summary>
public sealed partial class SamplePatientTests(SandboxServiceFixture fixture) : IClassFixture<SandboxServiceFixture>
{
    private readonly CdsServiceFactory _factory = fixture.Factory;

    public static TheoryData<string> Patients() => SamplePatients.Ids();

    [Fact]
    public void GivenTheCatalog_WhenItsOutcomesAreListed_ThenEachPolicyOutcomeHasExactlyOnePatient()
    {
        // Arrange
        static string Describe(JsonObject expected) =>
            $"{expected["outcome"]!.GetValue<string>()}:{string.Join("+", expected["notMet"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [])}{(expected["review"] is JsonArray r ? $"review {string.Join("+", r.Select(n => n!.GetValue<string>()))}" : string.Empty)}";

        // Act
        var outcomes = SamplePatients.All.Select(p => Describe(p["expected"]!.AsObject())).Order(StringComparer.Ordinal).ToList();

        // Assert: met; not met for I.A and I.C; for review on I.B (stated only in words); investigational; missing data.
        Assert.Equal(
            ["CannotBeDetermined:", "CannotBeDetermined:review I.B", "Investigational:", "MeetsCriteria:", "NotMedicallyNecessary:I.A", "NotMedicallyNecessary:I.C"],
            outcomes);
        Assert.Equal(SamplePatients.All.Count, SamplePatients.All.Select(p => p["patientId"]!.GetValue<string>()).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Patients))]
    public void GivenEachBundle_WhenReadAsAFhirTransaction_ThenEveryEntryIsAnIdempotentPutAndEveryReferenceResolvesInside(string patientId)
    {
        // Arrange
        var bundle = SamplePatients.Bundle(patientId);

        // Act
        var entries = bundle["entry"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var keys = entries.Select(e => $"{e["resource"]!["resourceType"]!.GetValue<string>()}/{e["resource"]!["id"]!.GetValue<string>()}").ToList();
        var references = entries.SelectMany(e => References(e["resource"]!)).ToList();

        // Assert
        Assert.Equal("Bundle", bundle["resourceType"]!.GetValue<string>());
        Assert.Equal("transaction", bundle["type"]!.GetValue<string>());
        Assert.All(entries, e => Assert.Equal("PUT", e["request"]!["method"]!.GetValue<string>()));
        Assert.Equal(keys, entries.Select(e => e["request"]!["url"]!.GetValue<string>()));
        Assert.All(keys, k => Assert.Matches(FhirId(), k.Split('/')[1]));
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(entries, e => Assert.StartsWith("urn:uuid:", e["fullUrl"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal(entries.Count, entries.Select(e => e["fullUrl"]!.GetValue<string>()).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal($"Patient/{patientId}", Assert.Single(keys, k => k.StartsWith("Patient/", StringComparison.Ordinal)));
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.Contains(r, keys));
        Assert.All(
            entries.Select(e => e["resource"]!).Where(r => r["subject"] is not null || r["beneficiary"] is not null),
            r => Assert.Equal($"Patient/{patientId}", (r["subject"] ?? r["beneficiary"])!["reference"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(Patients))]
    public async Task GivenEachSamplePatient_WhenItsDliOrderIsSignedWithPrefetch_ThenTheDocumentedOutcomeComesBack(string patientId)
    {
        // Arrange
        using var sandbox = _factory.CreateClient();
        using var ehr = _factory.CreateSignedClient();
        var request = await sandbox.GetFromJsonAsync<JsonObject>($"/sandbox/api/requests?patient={patientId}&order=dli", TestContext.Current.CancellationToken);

        // Act
        var (status, body) = await Hooks.PostAsync(ehr, Hooks.SignService, request!);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(request!["fhirServer"]);
        Assert.Equal(
            ["bodyMeasures", "conditions", "coverage", "diseaseStatus", "documents", "medicationAdministrations", "medicationRequests", "observations", "patient", "procedures"],
            request["prefetch"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        AssertOutcome(patientId, body!);
    }

    [Theory]
    [MemberData(nameof(Patients))]
    public async Task GivenEachSamplePatientLoadedOnAFhirServer_WhenTheHookHasNoPrefetch_ThenTheServiceQueriesItAndReachesTheSameOutcome(string patientId)
    {
        // Arrange: the EHR's FHIR server answers each prefetch query with the patient's Bundle contents.
        var service = _factory.Services.GetRequiredService<DiscoveryDocument>().Find(Hooks.SignService)!;
        var resources = SamplePatients.Bundle(patientId)["entry"]!.AsArray().Select(e => e!["resource"]!.AsObject()).ToList();
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal) { ["context.patientId"] = patientId, ["context.userId"] = "Practitioner/x" };
        foreach (var (_, template) in service.Prefetch)
        {
            var query = template.Replace("{{context.patientId}}", patientId, StringComparison.Ordinal).Split('?');
            var match = Request.Create().WithPath($"/fhir/{query[0]}").UsingGet();
            foreach (var parameter in query.Length > 1 ? query[1].Split('&') : [])
            {
                var (name, value) = (parameter.Split('=')[0], parameter.Split('=')[1]);
                if (!value.Contains(',', StringComparison.Ordinal))
                {
                    match = match.WithParam(name, value);
                }
            }

            var answer = PrefetchSearch.Prefetch(template, tokens, resources)!.ToJsonString();
            _factory.Ehr.Given(match).RespondWith(Response.Create().WithHeader("Content-Type", "application/fhir+json").WithBody(answer));
        }

        using var sandbox = _factory.CreateClient();
        using var ehr = _factory.CreateSignedClient();
        var request = await sandbox.GetFromJsonAsync<JsonObject>(
            $"/sandbox/api/requests?patient={patientId}&order=dli&fhirServer={Uri.EscapeDataString(_factory.FhirBase)}", TestContext.Current.CancellationToken);

        // Act
        var (status, body) = await Hooks.PostAsync(ehr, Hooks.SignService, request!);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(request!["prefetch"]);
        Assert.Equal(_factory.FhirBase, request["fhirServer"]!.GetValue<string>());
        Assert.Contains(_factory.Ehr.LogEntries, e => e.RequestMessage?.Path == "/fhir/Condition" && (e.RequestMessage!.RawQuery ?? string.Empty).Contains(patientId, StringComparison.Ordinal));
        AssertOutcome(patientId, body!);
    }

    [Fact]
    public void GivenATemplateWithAnUnknownSearchParameter_WhenAnswered_ThenTheSandboxRefusesRatherThanGuessing()
    {
        // Arrange
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal) { ["context.patientId"] = "dli4503-met" };
        IReadOnlyList<JsonObject> resources = [];

        // Act
        var unknown = Assert.Throws<NotSupportedException>(() => PrefetchSearch.Prefetch("Observation?patient={{context.patientId}}&_sort=-date", tokens, resources));
        var unresolved = PrefetchSearch.Prefetch("Encounter/{{context.encounterId}}", tokens, resources);

        // Assert
        Assert.Contains("_sort", unknown.Message, StringComparison.Ordinal);
        Assert.Null(unresolved);
    }

    private static void AssertOutcome(string patientId, JsonNode body)
    {
        var expected = SamplePatients.Expected(patientId);
        var cards = body["cards"]!.AsArray();
        var status = cards[0]!;
        Assert.Contains(expected["summary"]!.GetValue<string>(), status["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(expected["covered"]!.GetValue<string>() == "covered" ? "info" : "warning", status["indicator"]!.GetValue<string>());
        var extension = Hooks.Extension(body["systemActions"]![0]!);
        Assert.Equal(expected["covered"]!.GetValue<string>(), Hooks.Code(extension, "covered"));
        var detail = status["detail"]!.GetValue<string>();
        foreach (var criterion in expected["notMet"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [])
        {
            Assert.Contains($"{criterion} not met", detail, StringComparison.Ordinal);
        }

        if (expected["outcome"]!.GetValue<string>() == "Investigational")
        {
            Assert.Contains($"criterion {expected["criterion"]!.GetValue<string>()})", status["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        if (expected["review"] is JsonArray review)
        {
            var toCheck = cards[1]!["detail"]!.GetValue<string>();
            Assert.Contains("**For a reviewer to check**", toCheck, StringComparison.Ordinal);
            Assert.All(review, m => Assert.Contains($"**{m!.GetValue<string>()}** Stated only in text", toCheck, StringComparison.Ordinal));
        }

        if (expected["missing"] is JsonArray missing)
        {
            var needed = cards[1]!["detail"]!.GetValue<string>();
            Assert.All(missing, m => Assert.Contains($"**{m!.GetValue<string>()}**", needed, StringComparison.Ordinal));
        }
    }

    // Every literal reference (Type/id) anywhere in a resource.
    private static IEnumerable<string> References(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "reference" && p.Value is JsonValue v ? [v.GetValue<string>()] : p.Value is null ? [] : References(p.Value)),
        JsonArray a => a.Where(i => i is not null).SelectMany(i => References(i!)),
        _ => [],
    };

    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex FhirId();
}
