using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Cds.Service.Tests.Telemetry;

/// <summary>Spans: one <c>cds.hook</c> per call, a <c>cds.fhir.query</c> per queried key, and no patient data in any tag.</summary>
public sealed class HookTracingTests : IClassFixture<CdsServiceFactory>, IDisposable
{
    private readonly CdsServiceFactory _factory;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public HookTracingTests(CdsServiceFactory factory)
    {
        _factory = factory;
        _factory.Ehr.Reset();
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref options) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task GivenAHookThatQueriesTheEhr_WhenTraced_ThenTheHookAndQuerySpansAreLinkedAndTagged()
    {
        // Arrange
        var hookInstance = Guid.NewGuid().ToString();
        var request = Hooks.MoveToEhr(Repository.Sample("order-sign-meets-criteria.json"), _factory.Ehr, _factory.FhirBase, "conditions", "procedures");
        request["hookInstance"] = hookInstance;
        using var client = _factory.CreateSignedClient();

        // Act
        var (status, _) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var hook = Assert.Single(_stopped, a => a.OperationName == "cds.hook" && (a.GetTagItem("cds.hook_instance") as string) == hookInstance);
        Assert.Equal("Cds.Service", hook.Source.Name);
        Assert.Equal("order-sign", hook.GetTagItem("cds.hook"));
        Assert.Equal("meets-criteria", hook.GetTagItem("cds.outcome"));
        Assert.NotEqual(ActivityStatusCode.Error, hook.Status);
        var queries = _stopped.Where(a => a.OperationName == "cds.fhir.query" && a.ParentSpanId == hook.SpanId).ToList();
        Assert.Equal(["conditions", "procedures"], queries.Select(q => (string)q.GetTagItem("cds.prefetch.key")!).Order(StringComparer.Ordinal));
        Assert.All(queries, q => Assert.Equal("success", q.GetTagItem("cds.fhir.result")));

        // Every span of this trace (server, hook, queries, HTTP client calls to the EHR): no patient data in any tag.
        var trace = _stopped.Where(a => a.TraceId == hook.TraceId).ToList();
        Assert.Contains(trace, a => a.Kind == ActivityKind.Client);
        foreach (var span in trace)
        {
            var tags = string.Join("\n", span.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(span.DisplayName));
            Assert.Empty(TelemetryPrivacy.Leaks(tags));
        }
    }

    [Fact]
    public async Task GivenARefusedHook_WhenTraced_ThenTheHookSpanIsAnErrorWithTheRejectedOutcome()
    {
        // Arrange
        // An order-select call sent to the order-sign service: parsed, then refused.
        var request = Repository.Sample("order-select-meets-criteria.json");
        var hookInstance = Guid.NewGuid().ToString();
        request["hookInstance"] = hookInstance;
        using var client = _factory.CreateSignedClient();

        // Act
        var (status, _) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var hook = Assert.Single(_stopped, a => a.OperationName == "cds.hook" && (a.GetTagItem("cds.hook_instance") as string) == hookInstance);
        Assert.Equal("rejected", hook.GetTagItem("cds.outcome"));
        Assert.Equal(ActivityStatusCode.Error, hook.Status);
    }
}
