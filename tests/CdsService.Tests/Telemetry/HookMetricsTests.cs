using System.Diagnostics.Metrics;
using System.Net;
using Cds.Service.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cds.Service.Tests.Telemetry;

/// <summary>The Cds.Service meter: hook duration by hook and outcome, decisions, FHIR queries and prefetch hits.</summary>
public sealed class HookMetricsTests : IClassFixture<CdsServiceFactory>
{
    private readonly CdsServiceFactory _factory;

    public HookMetricsTests(CdsServiceFactory factory)
    {
        _factory = factory;
        _factory.Ehr.Reset();
    }

    private IMeterFactory Meters => _factory.Services.GetRequiredService<IMeterFactory>();

    [Theory]
    [InlineData("order-sign-meets-criteria.json", Hooks.SignService, "order-sign", "meets-criteria")]
    [InlineData("order-sign-not-medically-necessary.json", Hooks.SignService, "order-sign", "not-medically-necessary")]
    [InlineData("order-sign-investigational.json", Hooks.SignService, "order-sign", "investigational")]
    [InlineData("order-sign-missing-data.json", Hooks.SignService, "order-sign", "cannot-be-determined")]
    [InlineData("order-select-meets-criteria.json", Hooks.SelectService, "order-select", "meets-criteria")]
    public async Task GivenEachSample_WhenAnswered_ThenTheHookDurationAndTheDecisionAreRecordedByHookAndOutcome(string sample, string service, string hook, string outcome)
    {
        // Arrange
        using var durations = new MetricCollector<double>(Meters, CdsMetrics.Name, "cds.hook.duration");
        using var decisions = new MetricCollector<long>(Meters, CdsMetrics.Name, "cds.decisions");
        using var client = _factory.CreateSignedClient();

        // Act
        var (status, _) = await Hooks.PostAsync(client, service, Repository.Sample(sample));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var duration = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.True(duration.MatchesTags(Tag("cds.hook", hook), Tag("cds.outcome", outcome)), string.Join(", ", duration.Tags));
        Assert.InRange(duration.Value, 0, 30);
        var decision = Assert.Single(decisions.GetMeasurementSnapshot());
        Assert.Equal(1, decision.Value);
        Assert.True(decision.MatchesTags(Tag("cds.hook", hook), Tag("cds.outcome", outcome)));
    }

    [Fact]
    public async Task GivenNoDliOrderOrARefusedRequest_WhenAnswered_ThenTheHookIsMeasuredWithoutADecision()
    {
        // Arrange
        using var durations = new MetricCollector<double>(Meters, CdsMetrics.Name, "cds.hook.duration");
        using var decisions = new MetricCollector<long>(Meters, CdsMetrics.Name, "cds.decisions");
        using var client = _factory.CreateSignedClient();
        var invalid = Repository.Sample("order-sign-meets-criteria.json");
        invalid.Remove("hookInstance");

        // Act
        var (notDli, _) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-not-dli.json"));
        var (refused, _) = await Hooks.PostAsync(client, Hooks.SignService, invalid);
        var (unknown, _) = await Hooks.PostAsync(client, "no-such-service", Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.NotFound), (notDli, refused, unknown));
        var measured = durations.GetMeasurementSnapshot().Select(m => $"{m.Tags["cds.hook"]}:{m.Tags["cds.outcome"]}").ToList();
        Assert.Equal(["order-sign:no-dli-order", "order-sign:rejected", "unknown:rejected"], measured);
        Assert.Empty(decisions.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task GivenPrefetchMissingForSomeKeys_WhenTheServiceQueriesTheEhr_ThenHitsMissesAndFhirQueryResultsAreCounted()
    {
        // Arrange: conditions must be queried (and succeed), observations too (and fail).
        using var prefetch = new MetricCollector<long>(Meters, CdsMetrics.Name, "cds.prefetch.keys");
        using var queries = new MetricCollector<double>(Meters, CdsMetrics.Name, "cds.fhir.query.duration");
        using var failures = new MetricCollector<long>(Meters, CdsMetrics.Name, "cds.fhir.query.failures");
        using var client = _factory.CreateSignedClient();
        var request = Hooks.MoveToEhr(Repository.Sample("order-sign-meets-criteria.json"), _factory.Ehr, _factory.FhirBase, "conditions");
        request["prefetch"]!.AsObject().Remove("observations");
        Hooks.Serve(_factory.Ehr, "observations", """{"resourceType":"OperationOutcome"}""", status: 503);

        // Act
        var (status, _) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var keys = prefetch.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["cds.prefetch.key"]!, m => (string)m.Tags["cds.prefetch.result"]!);
        Assert.Equal("miss", keys["conditions"]);
        Assert.Equal("miss", keys["observations"]);
        Assert.Equal(8, keys.Values.Count(v => v == "hit")); // patient, coverage, procedures, diseaseStatus, documents and the three I.B dose keys
        var results = queries.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["cds.prefetch.key"]!, m => (string)m.Tags["cds.fhir.result"]!);
        Assert.Equal(new Dictionary<string, string> { ["conditions"] = "success", ["observations"] = "failure" }, results);
        var failure = Assert.Single(failures.GetMeasurementSnapshot());
        Assert.Equal("observations", failure.Tags["cds.prefetch.key"]);
    }

    [Fact]
    public void GivenEveryDecisionOutcome_WhenTagged_ThenEachHasItsOwnStableName()
    {
        // Arrange
        var outcomes = Enum.GetValues<Cds.FhirMapping.Evaluation.DecisionOutcome>();

        // Act
        var tags = outcomes.Select(CdsMetrics.OutcomeTag).ToList();

        // Assert
        Assert.DoesNotContain("other", tags);
        Assert.Equal(tags.Count, tags.Distinct(StringComparer.Ordinal).Count());
        Assert.All(tags, t => Assert.Matches("^[a-z]+(-[a-z]+)*$", t));
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
