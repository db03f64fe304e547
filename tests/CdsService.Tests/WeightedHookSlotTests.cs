using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cds.Service.Hooks;
using Cds.Service.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cds.Service.Tests;

/// <summary>
/// Hook slots weighted by body size (<c>Cds:BodyBytesPerHookSlot</c>, issue 14): a call takes one slot per that many
/// bytes of body, so a large body is decided with fewer others at once; slots are given first come, first served, and a
/// call that cannot have its slots within the slot wait is answered 503 with Retry-After, as with unweighted slots.
/// Here: 2 slots of 32 KB each; the sample request (about 18 KB) takes one, the sample padded past 64 KB both.
/// </summary>
public sealed class WeightedHookSlotTests
{
    private const int PerSlot = 32 * 1024;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // The EHR's log gets an entry once it has answered, so a call is known to be in progress by the slots it holds.
    [Fact]
    public async Task GivenTwoSlots_WhenTwoSmallCallsArriveTogether_ThenTheyAreDecidedAtOnce()
    {
        // Arrange: each call's EHR answers after 2.5 s (conditions for the first, procedures for the second).
        using var factory = Weighted();
        using var client = factory.CreateSignedClient();
        var gate = factory.Services.GetRequiredService<HookGate>();
        var first = SendAsync(client, Small(factory, "conditions", TimeSpan.FromMilliseconds(2500)));
        await WaitUntilAsync(() => gate.Available == 1);

        // Act
        var second = SendAsync(client, Small(factory, "procedures", TimeSpan.FromMilliseconds(2500)));

        // Assert: both held a slot at once (one each), nobody waited, and both were decided.
        await WaitUntilAsync(() => gate.Available == 0);
        Assert.Equal(0, gate.Waiting);
        var answers = await Task.WhenAll(first, second);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(2, gate.Available);
    }

    [Fact]
    public async Task GivenALargeBodyThatTakesEverySlot_WhenASmallCallArrivesWhileItIsDecided_ThenTheSmallOneStartsOnlyAfterTheLargeIsAnswered()
    {
        // Arrange: the large call's conditions come from the EHR after 1.5 s; it holds both slots meanwhile.
        using var factory = Weighted();
        using var client = factory.CreateSignedClient();
        var gate = factory.Services.GetRequiredService<HookGate>();
        var large = SendAsync(client, Large(factory, "conditions", TimeSpan.FromMilliseconds(1500)));
        await WaitUntilAsync(() => gate.Available == 0);

        // Act
        var small = await SendAsync(client, Small(factory, "procedures", null));
        var largeAnswer = await large;

        // Assert: the small one was decided after the large one (its query came after the large call's EHR answered), not
        // refused. (Not the client's view of which answer came first: the large call gives its slots back before its
        // answer is written.)
        Assert.Equal(HttpStatusCode.OK, small.Status);
        Assert.Equal(HttpStatusCode.OK, largeAnswer.Status);
        var gap = QueryTime(factory, "/fhir/Procedure") - QueryTime(factory, "/fhir/Condition");
        Assert.True(gap >= TimeSpan.FromMilliseconds(1400), $"queries started {gap.TotalMilliseconds} ms apart");
        Assert.Equal(2, gate.Available);
    }

    [Fact]
    public async Task GivenALargeCallHoldingEverySlotPastTheWait_WhenASmallCallArrives_ThenItIs503WithRetryAfterWithinTheWait()
    {
        // Arrange: the large call's EHR answers after 3 s; calls may wait 300 ms for their slots.
        using var factory = Weighted().With("Cds:Deadlines:SlotWait", "00:00:00.300");
        using var refused = new MetricCollector<long>(factory.Services.GetRequiredService<IMeterFactory>(), CdsMetrics.Name, "cds.hook.deadline.refused");
        using var client = factory.CreateSignedClient();
        var gate = factory.Services.GetRequiredService<HookGate>();
        var large = SendAsync(client, Large(factory, "conditions", TimeSpan.FromSeconds(3)));
        await WaitUntilAsync(() => gate.Available == 0);

        // Act
        var small = await SendAsync(client, Small(factory, "procedures", null));
        var largeDone = large.IsCompleted;
        var largeAnswer = await large;

        // Assert: told to come back while the large call was still decided, counted as a call without a slot.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, small.Status);
        Assert.Equal("1", small.RetryAfter);
        InputCheckTests.AssertIssue(small.Body, "throttled", "Every hook slot is busy");
        Assert.False(largeDone, "the small call waited for the large one to end");
        Assert.Equal(1, refused.GetMeasurementSnapshot().Where(m => (string?)m.Tags["cds.reason"] == DeadlineMetrics.NoSlot).Sum(m => m.Value));
        Assert.Equal(HttpStatusCode.OK, largeAnswer.Status);
    }

    [Fact]
    public async Task GivenALargeCallWaitingForEverySlot_WhenASmallCallArrivesWithOneSlotFree_ThenTheSmallOneWaitsItsTurn()
    {
        // Arrange: a small call holds one slot (its conditions come after 1.5 s); a large call then waits for both.
        using var factory = Weighted();
        using var client = factory.CreateSignedClient();
        var gate = factory.Services.GetRequiredService<HookGate>();
        var holding = SendAsync(client, Small(factory, "conditions", TimeSpan.FromMilliseconds(1500)));
        await WaitUntilAsync(() => gate.Available == 1);
        var large = SendAsync(client, Large(factory, "procedures", null));
        await WaitUntilAsync(() => gate.Waiting == 1);

        // Act: one slot is free, but the large call is ahead in line.
        var small = SendAsync(client, Small(factory, "documents", null));
        await WaitUntilAsync(() => gate.Waiting == 2);
        var freeWhileWaiting = gate.Available;
        var answers = await Task.WhenAll(holding, large, small);

        // Assert: the late small call queued behind the large one although a slot was free; the large call's query came first.
        Assert.Equal(1, freeWhileWaiting);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.True(QueryTime(factory, "/fhir/DocumentReference") >= QueryTime(factory, "/fhir/Procedure"), "the small call was decided before the large one ahead of it");
        Assert.Equal(2, gate.Available);
    }

    private static CdsServiceFactory Weighted() => new CdsServiceFactory()
        .With("Cds:MaxConcurrentHooks", "2")
        .With("Cds:BodyBytesPerHookSlot", PerSlot.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("Cds:Deadlines:HookBudget", "00:00:20")
        .With("Cds:Deadlines:SlotWait", "00:00:15"); // room for a loaded machine: waits end when slots come free, not at the wait

    /// <summary>The sample request with <paramref name="key"/> served by the EHR (after <paramref name="delay"/>): one slot.</summary>
    private static string Small(CdsServiceFactory factory, string key, TimeSpan? delay)
    {
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var data = request["prefetch"]![key]!.ToJsonString();
        request["prefetch"]!.AsObject().Remove(key);
        request["fhirServer"] = factory.FhirBase;
        Hooks.Serve(factory.Ehr, key, data, delay: delay);
        var body = request.ToJsonString();
        Assert.True(Encoding.UTF8.GetByteCount(body) <= PerSlot, "the small request must fit one slot");
        return body;
    }

    /// <summary>The same, padded with whitespace past two slots' worth of bytes: every slot.</summary>
    private static string Large(CdsServiceFactory factory, string key, TimeSpan? delay) => Small(factory, key, delay) + new string(' ', 2 * PerSlot);

    private static async Task<(HttpStatusCode Status, JsonNode? Body, string? RetryAfter)> SendAsync(HttpClient client, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/cds-services/{Hooks.SignService}", content, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static DateTime QueryTime(CdsServiceFactory factory, string path) =>
        factory.Ehr.LogEntries.Single(e => e.RequestMessage!.Path == path).RequestMessage!.DateTime;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(25, Cancel);
        }

        Assert.True(condition(), "the condition was not met within 10 s");
    }
}
