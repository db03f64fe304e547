using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Cds.Service.Hooks;
using Cds.Service.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Cds.Service.Tests;

/// <summary>
/// A deadline for every call (issue 12): slow bodies never hold a hook slot and are cut off (408), a call that cannot
/// get a slot in time is answered 503 with Retry-After at once, and FHIR queries end within what is left of the hook's
/// budget. These assert outcomes, not timing (the load generator in bench/Cds.DeadlineLoad measures latency).
/// </summary>
public sealed class DeadlineTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GivenSlowBodiesOnEverySlot_WhenAValidCallArrives_ThenItIsAnsweredAndTheSlowOnesGet408()
    {
        // Arrange: one hook slot, bodies must arrive within 1 s; four clients send a few bytes and then stall.
        using var factory = new CdsServiceFactory()
            .With("Cds:MaxConcurrentHooks", "1")
            .With("Cds:Deadlines:BodyRead", "00:00:01");
        using var refused = new MetricCollector<long>(factory.Services.GetRequiredService<IMeterFactory>(), CdsMetrics.Name, "cds.hook.deadline.refused");
        using var client = factory.CreateSignedClient();
        var body = Encoding.UTF8.GetBytes(Repository.Sample("order-sign-meets-criteria.json").ToJsonString());
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var slow = Enumerable.Range(0, 4).Select(_ => SendAsync(client, new StallingContent(body, stall.Token))).ToList();
        await Task.Delay(200, Cancel);

        // Act: a valid call while the slow ones are still sending.
        var (status, answer) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));
        var slowAnswers = await Task.WhenAll(slow);
        await stall.CancelAsync();

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(answer!["systemActions"]![0]!), "covered"));
        Assert.All(slowAnswers, a =>
        {
            Assert.Equal(HttpStatusCode.RequestTimeout, a.Status);
            InputCheckTests.AssertIssue(a.Body, "timeout", "did not arrive within 1 s");
        });
        Assert.Equal(4, refused.GetMeasurementSnapshot().Where(m => (string?)m.Tags["cds.reason"] == DeadlineMetrics.BodyTimeout).Sum(m => m.Value));
    }

    [Fact]
    public async Task GivenEverySlotBusyPastTheWait_WhenMoreCallsArrive_ThenTheyAre503WithRetryAfterAndCounted()
    {
        // Arrange: one slot, a 300 ms wait; each call queries its conditions, which the EHR answers after 1.5 s.
        using var factory = new CdsServiceFactory()
            .With("Cds:MaxConcurrentHooks", "1")
            .With("Cds:Deadlines:SlotWait", "00:00:00.300");
        using var refused = new MetricCollector<long>(factory.Services.GetRequiredService<IMeterFactory>(), CdsMetrics.Name, "cds.hook.deadline.refused");
        using var client = factory.CreateSignedClient();
        ServeSlowConditions(factory, TimeSpan.FromMilliseconds(1500));

        // Act
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostQueryingAsync(factory, client)));

        // Assert: one answered, the others told to come back, with an OperationOutcome.
        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.OK));
        var busy = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.Equal(2, busy.Count);
        Assert.All(busy, a =>
        {
            Assert.Equal("1", a.RetryAfter);
            InputCheckTests.AssertIssue(a.Body, "throttled", "Every hook slot is busy");
        });
        Assert.Equal(2, refused.GetMeasurementSnapshot().Where(m => (string?)m.Tags["cds.reason"] == DeadlineMetrics.NoSlot).Sum(m => m.Value));
    }

    [Fact]
    public async Task GivenACallRefused503_WhenTheLedgerIsRead_ThenTheRefusalIsOnRecordWithItsHookInstanceAndNoResponseCards()
    {
        // Arrange: the ledger observes every outcome at the endpoint, a 503 included.
        await using var backend = await Ledger.LedgerBackend.CreateAsync(Ledger.LedgerBackend.Sqlite);
        using var factory = backend.Configure(new CdsServiceFactory())
            .With("Cds:MaxConcurrentHooks", "1")
            .With("Cds:Deadlines:MaxQueuedHooks", "0");
        using var client = factory.CreateSignedClient();
        ServeSlowConditions(factory, TimeSpan.FromMilliseconds(1500));
        var first = PostQueryingAsync(factory, client);
        await WaitForEhrCallAsync(factory);
        var refused = Repository.Sample("order-sign-meets-criteria.json");
        var instance = Guid.NewGuid().ToString();
        refused["hookInstance"] = instance;

        // Act
        var (status, _) = await Hooks.PostAsync(client, Hooks.SignService, refused);
        await first;
        await factory.DisposeAsync(); // drains the ledger writer

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(1, await backend.ScalarAsync($"SELECT COUNT(*) FROM hook_call WHERE hook_instance = '{instance}' AND status = 503 AND patient_id = '{Hooks.PatientId}' AND response LIKE '%throttled%'"));
    }

    [Fact]
    public async Task GivenNoRoomInTheQueue_WhenASlotIsBusy_ThenTheNextCallIs503()
    {
        // Arrange: one slot, nobody may wait.
        using var factory = new CdsServiceFactory()
            .With("Cds:MaxConcurrentHooks", "1")
            .With("Cds:Deadlines:MaxQueuedHooks", "0")
            .With("Cds:Deadlines:SlotWait", "00:00:10");
        using var client = factory.CreateSignedClient();
        ServeSlowConditions(factory, TimeSpan.FromMilliseconds(1500));
        var first = PostQueryingAsync(factory, client);
        await WaitForEhrCallAsync(factory);

        // Act
        var second = await PostQueryingAsync(factory, client);

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.Status);
        InputCheckTests.AssertIssue(second.Body, "throttled", "Every hook slot is busy");
        Assert.Equal(HttpStatusCode.OK, (await first).Status);
    }

    [Fact]
    public async Task GivenAnEhrSlowerThanWhatIsLeftOfTheBudget_WhenQueried_ThenTheAnswerComesWithinTheBudgetNamingTheTimeout()
    {
        // Arrange: a 1 s hook budget (200 ms kept for the answer); the EHR answers after 3 s, inside Cds:Fhir's own limits.
        using var factory = new CdsServiceFactory()
            .With("Cds:Deadlines:HookBudget", "00:00:01")
            .With("Cds:Deadlines:AnswerReserve", "00:00:00.200");
        using var client = factory.CreateSignedClient();
        ServeSlowConditions(factory, TimeSpan.FromSeconds(3));

        // Act
        var (status, body, _) = await PostQueryingAsync(factory, client);

        // Assert: a 200 whose cards name the conditions as not answered in time.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(body!["cards"]!.AsArray(), c => c!["detail"]!.GetValue<string>().Contains("conditions (the FHIR server did not answer in time)", StringComparison.Ordinal));
    }

    private static void ServeSlowConditions(CdsServiceFactory factory, TimeSpan delay)
    {
        var conditions = Repository.Sample("order-sign-meets-criteria.json")["prefetch"]!["conditions"]!.ToJsonString();
        factory.Ehr.Given(Request.Create().WithPath("/fhir/Condition").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(conditions).WithDelay(delay));
    }

    private static async Task WaitForEhrCallAsync(CdsServiceFactory factory)
    {
        for (var i = 0; i < 200 && !factory.Ehr.LogEntries.Any(); i++)
        {
            await Task.Delay(25, Cancel);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body, string? RetryAfter)> PostQueryingAsync(CdsServiceFactory factory, HttpClient client)
    {
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request["hookInstance"] = Guid.NewGuid().ToString();
        request["prefetch"]!.AsObject().Remove("conditions");
        request["fhirServer"] = factory.FhirBase;
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/cds-services/{Hooks.SignService}", content, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, HttpContent content)
    {
        using (content)
        {
            using var response = await client.PostAsync($"/cds-services/{Hooks.SignService}", content, Cancel);
            var text = await response.Content.ReadAsStringAsync(Cancel);
            return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
        }
    }

    /// <summary>A client that sends the first bytes of its body and then nothing until told to stop.</summary>
    private sealed class StallingContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly CancellationToken _stall;

        public StallingContent(byte[] body, CancellationToken stall)
        {
            _body = body;
            _stall = stall;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(_body.AsMemory(0, 16), _stall);
            await stream.FlushAsync(_stall);
            try
            {
                await Task.Delay(Timeout.Infinite, _stall);
            }
            catch (OperationCanceledException)
            {
                // Told to stop: the rest of the body never comes.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}
