using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Cds.Service.Tests;

public sealed class HookGateTests
{
    [Fact]
    public async Task GivenOneHookSlot_WhenTwoHooksArriveTogether_ThenTheSecondStartsOnlyAfterTheFirstIsAnswered()
    {
        // Arrange: each hook must query its conditions, which the EHR answers after 400 ms.
        // A long slot wait: on a loaded machine the first call may take longer than the default 2.5 s.
        using var factory = new CdsServiceFactory()
            .With("Cds:MaxConcurrentHooks", "1")
            .With("Cds:Deadlines:HookBudget", "00:00:20")
            .With("Cds:Deadlines:SlotWait", "00:00:15");
        using var client = factory.CreateSignedClient();
        var conditions = Repository.Sample("order-sign-meets-criteria.json")["prefetch"]!["conditions"]!.ToJsonString();
        factory.Ehr.Given(Request.Create().WithPath("/fhir/Condition").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(conditions).WithDelay(TimeSpan.FromMilliseconds(400)));
        Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode? Body)> Call()
        {
            var request = Repository.Sample("order-sign-meets-criteria.json");
            request["prefetch"]!.AsObject().Remove("conditions");
            request["fhirServer"] = factory.FhirBase;
            return Hooks.PostAsync(client, Hooks.SignService, request);
        }

        // Act
        var answers = await Task.WhenAll(Call(), Call());

        // Assert: both answered; the EHR saw the second query only once the first had been answered (400 ms later).
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var started = factory.Ehr.LogEntries.Select(e => e.RequestMessage!.DateTime).Order().ToList();
        Assert.Equal(2, started.Count);
        Assert.True(started[1] - started[0] >= TimeSpan.FromMilliseconds(350), $"queries started {(started[1] - started[0]).TotalMilliseconds} ms apart");
    }
}
