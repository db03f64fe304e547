using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Cds.Service.Hooks;
using Cds.Service.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cds.Service.Tests;

/// <summary>
/// The request-body budget (<c>Cds:MaxBodyBytesInFlight</c>, issue 14): a call reserves its body's size before reading
/// it; when the budget is spent it waits within the slot wait and is then answered 503 with Retry-After, like a call
/// with no hook slot; the reservation is given back however the call ends (answer, 408, client gone, a bug).
/// </summary>
public sealed class BodyBudgetTests
{
    /// <summary>The smallest budget the options allow; the sample request (about 18 KB) fits, a stalled 60 KB body leaves no room for it.</summary>
    private const int Budget = 65_536;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GivenTheBudgetHeldByABodyStillArriving_WhenAnotherCallArrives_ThenItIs503WithRetryAfterAndCounted()
    {
        // Arrange: a body that declares 60 KB sends 16 bytes and stalls (its 60 KB stay reserved).
        using var factory = Budgeted().With("Cds:Deadlines:SlotWait", "00:00:00.300");
        using var refused = new MetricCollector<long>(factory.Services.GetRequiredService<IMeterFactory>(), CdsMetrics.Name, "cds.hook.deadline.refused");
        using var client = factory.CreateSignedClient();
        var budget = factory.Services.GetRequiredService<BodyBudget>();
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var stalled = SendAsync(client, new StallingContent(new byte[60_000], declareLength: true, stall.Token), Cancel);
        await WaitUntilAsync(() => budget.Available < Budget);

        // Act
        var (status, body, retryAfter) = await SendAsync(client, Json(Repository.Sample("order-sign-meets-criteria.json").ToJsonString()), Cancel);
        await stall.CancelAsync();
        await IgnoreEndAsync(stalled);

        // Assert: refused fast with the gate's 503, counted under its own reason; the budget is whole again.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("1", retryAfter);
        InputCheckTests.AssertIssue(body, "throttled", "The request-body budget is spent");
        Assert.Equal(1, refused.GetMeasurementSnapshot().Where(m => (string?)m.Tags["cds.reason"] == DeadlineMetrics.NoBodyBudget).Sum(m => m.Value));
        await WaitUntilAsync(() => budget.Available == Budget);
        Assert.Equal(Budget, budget.Available);
    }

    [Fact]
    public async Task GivenACallRefusedForTheBudget_WhenTheLedgerIsRead_ThenThe503IsOnRecord()
    {
        // Arrange: the ledger observes every outcome at the endpoint, a 503 for the body budget included.
        await using var backend = await Ledger.LedgerBackend.CreateAsync(Ledger.LedgerBackend.Sqlite);
        using var factory = backend.Configure(Budgeted()).With("Cds:Deadlines:SlotWait", "00:00:00.300");
        using var client = factory.CreateSignedClient();
        var budget = factory.Services.GetRequiredService<BodyBudget>();
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var stalled = SendAsync(client, new StallingContent(new byte[60_000], declareLength: true, stall.Token), Cancel);
        await WaitUntilAsync(() => budget.Available < Budget);

        // Act
        var (status, _, _) = await SendAsync(client, Json(Repository.Sample("order-sign-meets-criteria.json").ToJsonString()), Cancel);
        await stall.CancelAsync();
        await IgnoreEndAsync(stalled);
        await factory.DisposeAsync(); // drains the ledger writer

        // Assert: on record as a refusal (its body was never read, so no request identifiers are).
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(1, await backend.ScalarAsync("SELECT COUNT(*) FROM hook_call WHERE status = 503 AND response LIKE '%request-body budget%'"));
    }

    [Fact]
    public async Task GivenACallWaitingForTheBudget_WhenTheBodyHoldingItTimesOut_ThenItsBytesGoToTheWaitingCallWhichIsAnswered()
    {
        // Arrange: bodies must arrive within 1 s; a call may wait 3 s for the budget and its slot.
        using var factory = Budgeted()
            .With("Cds:Deadlines:BodyRead", "00:00:01")
            .With("Cds:Deadlines:SlotWait", "00:00:03");
        using var client = factory.CreateSignedClient();
        var budget = factory.Services.GetRequiredService<BodyBudget>();
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var stalled = SendAsync(client, new StallingContent(new byte[60_000], declareLength: true, stall.Token), Cancel);
        await WaitUntilAsync(() => budget.Available < Budget);

        // Act: this call cannot be read until the stalled one is cut off.
        var (status, answer, _) = await SendAsync(client, Json(Repository.Sample("order-sign-meets-criteria.json").ToJsonString()), Cancel);
        var (stalledStatus, stalledBody, _) = await stalled;
        await stall.CancelAsync();

        // Assert: nothing accepted is lost: the waiting call is decided, the stalled one is told why it was cut off.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(answer!["systemActions"]![0]!), "covered"));
        Assert.Equal(HttpStatusCode.RequestTimeout, stalledStatus);
        InputCheckTests.AssertIssue(stalledBody, "timeout", "did not arrive within 1 s");
        await WaitUntilAsync(() => budget.Available == Budget);
        Assert.Equal(Budget, budget.Available);
    }

    [Fact]
    public async Task GivenAClientThatGivesUpMidBody_WhenItDisconnects_ThenItsReservationIsGivenBack()
    {
        // Arrange
        using var factory = Budgeted();
        using var client = factory.CreateSignedClient();
        var budget = factory.Services.GetRequiredService<BodyBudget>();
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var stalled = SendAsync(client, new StallingContent(new byte[60_000], declareLength: true, CancellationToken.None), abort.Token);
        await WaitUntilAsync(() => budget.Available < Budget);
        var held = budget.Available;

        // Act: the client cancels its request while the body is being read.
        await abort.CancelAsync();
        await IgnoreEndAsync(stalled);
        await WaitUntilAsync(() => budget.Available == Budget);

        // Assert: the 60 KB body held its Content-Length and one spare byte, and holds nothing now.
        Assert.Equal(Budget - 60_001, held);
        Assert.Equal(Budget, budget.Available);
        var (status, _, _) = await SendAsync(client, Json(Repository.Sample("order-sign-meets-criteria.json").ToJsonString()), Cancel);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task GivenABugInsideTheHookFlow_WhenTheCallEndsIn500_ThenItsReservationIsGivenBack()
    {
        // Arrange: the EHR's FHIR client throws what the service does not expect.
        using var factory = Budgeted().WithServices(services =>
            services.AddHttpClient("fhir").ConfigurePrimaryHttpMessageHandler(() => new BrokenHandler()));
        using var client = factory.CreateSignedClient();
        var budget = factory.Services.GetRequiredService<BodyBudget>();
        var request = Hooks.MoveToEhr(Repository.Sample("order-sign-meets-criteria.json"), factory.Ehr, factory.FhirBase, "procedures");

        // Act
        var (status, _) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        await WaitUntilAsync(() => budget.Available == Budget);
        Assert.Equal(Budget, budget.Available);
    }

    [Fact]
    public async Task GivenAChunkedBody_WhenItOutgrowsTheRoomLeft_ThenItIs503AndWhenAloneItIsReadEvenPastTheWholeBudget()
    {
        // Arrange: a valid request padded with 100 KB of whitespace, sent without a Content-Length (chunked): its buffer
        // grows 16 KB → 32 KB → … and each step is reserved first; a stalled 40 KB body leaves 24 KB of room.
        using var factory = Budgeted().With("Cds:Deadlines:SlotWait", "00:00:00.300");
        using var client = factory.CreateSignedClient();
        var budget = factory.Services.GetRequiredService<BodyBudget>();
        var padded = Repository.Sample("order-sign-meets-criteria.json").ToJsonString() + new string(' ', 100_000);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var stalled = SendAsync(client, new StallingContent(new byte[40_000], declareLength: true, stall.Token), Cancel);
        await WaitUntilAsync(() => budget.Available < Budget);

        // Act
        var (crowded, crowdedBody, _) = await SendAsync(client, new ChunkedContent(Encoding.UTF8.GetBytes(padded)), Cancel);
        await stall.CancelAsync();
        await IgnoreEndAsync(stalled);
        await WaitUntilAsync(() => budget.Available == Budget);
        var (alone, answer, _) = await SendAsync(client, new ChunkedContent(Encoding.UTF8.GetBytes(padded)), Cancel);

        // Assert: refused while crowded; alone, the 118 KB body is read within the 64 KB budget (its reservation is cut to the budget).
        Assert.Equal(HttpStatusCode.ServiceUnavailable, crowded);
        InputCheckTests.AssertIssue(crowdedBody, "throttled", "The request-body budget is spent");
        Assert.Equal(HttpStatusCode.OK, alone);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(answer!["systemActions"]![0]!), "covered"));
        await WaitUntilAsync(() => budget.Available == Budget);
        Assert.Equal(Budget, budget.Available);
    }

    [Fact]
    public async Task GivenEverySlotBusy_WhenAMalformedBodyWaitsPastTheSlotWait_ThenItIs400NotARetry()
    {
        // Arrange: one slot held by a call whose EHR answers after 1.5 s; a 300 ms slot wait. Bodies are parsed only
        // once a slot is had, or once the wait is over: a malformed one is then refused for what it is.
        using var factory = Budgeted()
            .With("Cds:MaxConcurrentHooks", "1")
            .With("Cds:Deadlines:SlotWait", "00:00:00.300");
        using var client = factory.CreateSignedClient();
        var conditions = Repository.Sample("order-sign-meets-criteria.json")["prefetch"]!["conditions"]!.ToJsonString();
        factory.Ehr.Given(WireMock.RequestBuilders.Request.Create().WithPath("/fhir/Condition").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(conditions).WithDelay(TimeSpan.FromMilliseconds(1500)));
        var busy = Repository.Sample("order-sign-meets-criteria.json");
        busy["prefetch"]!.AsObject().Remove("conditions");
        busy["fhirServer"] = factory.FhirBase;
        var first = Hooks.PostAsync(client, Hooks.SignService, busy);
        for (var i = 0; i < 200 && !factory.Ehr.LogEntries.Any(); i++)
        {
            await Task.Delay(25, Cancel);
        }

        // Act
        var (status, outcome, _) = await SendAsync(client, Json("{\"hook\": \"order-sign\","), Cancel);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        InputCheckTests.AssertIssue(outcome, "invalid", "not valid JSON");
        Assert.Equal(HttpStatusCode.OK, (await first).Status);
    }

    private static CdsServiceFactory Budgeted() => new CdsServiceFactory().With("Cds:MaxBodyBytesInFlight", Budget.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static ByteArrayContent Json(string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(25, Cancel);
        }
    }

    /// <summary>Waits for a call that was cut off by its own client; how it ends on the client's side does not matter.</summary>
    private static async Task IgnoreEndAsync(Task call)
    {
        try
        {
            await call;
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            // The client gave up: there is no answer to read.
        }
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body, string? RetryAfter)> SendAsync(HttpClient client, HttpContent content, CancellationToken cancellationToken)
    {
        using (content)
        {
            using var response = await client.PostAsync($"/cds-services/{Hooks.SignService}", content, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A client that sends the first 16 bytes of its body and then nothing until told to stop.</summary>
    private sealed class StallingContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly bool _declareLength;
        private readonly CancellationToken _stall;

        public StallingContent(byte[] body, bool declareLength, CancellationToken stall)
        {
            _body = body;
            _declareLength = declareLength;
            _stall = stall;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(_stall, cancellationToken);
            await stream.WriteAsync(_body.AsMemory(0, 16), stop.Token);
            await stream.FlushAsync(stop.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Told to stop: the rest of the body never comes.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return _declareLength;
        }
    }

    /// <summary>A body sent without a Content-Length, in 8 KB writes.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly byte[] _body;

        public ChunkedContent(byte[] body)
        {
            _body = body;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var at = 0; at < _body.Length; at += 8192)
            {
                await stream.WriteAsync(_body.AsMemory(at, Math.Min(8192, _body.Length - at)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private sealed class BrokenHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a bug");
    }
}
