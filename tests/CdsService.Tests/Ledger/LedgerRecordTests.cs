using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cds.Service.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// Every hook call on record, against a real SQLite file and a real PostgreSQL server: round trip by assertion id,
/// search by patient and date, concurrent calls, a restart, and retention.
/// </summary>
public sealed class LedgerRecordTests
{
    private const string SignUrl = "http://localhost/cds-services/" + Hooks.SignService;

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenAHookCall_WhenItsAssertionIsLookedUp_ThenTheWholeCallIsOnRecordAndNoTokenIs(string kind)
    {
        // Arrange: two keys come from the EHR's FHIR server (with the access token), the rest from prefetch.
        await using var backend = await LedgerBackend.CreateAsync(kind);
        using var factory = PayerIdentityProvider.Trust(backend.Configure(new CdsServiceFactory()));
        using var client = factory.CreateClient();
        var request = Hooks.MoveToEhr(LedgerCalls.Sample("order-sign-meets-criteria.json", out var accessToken), factory.Ehr, factory.FhirBase, "procedures", "observations");
        var jwt = TestTokens.Create(new TestTokens.Spec { Audience = SignUrl, Now = factory.Clock.GetUtcNow() });

        // Act
        var (status, answer) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, request, jwt);
        var assertionId = Assert.Single(LedgerCalls.AssertionIds(answer));
        var (lookup, body, response) = await LedgerCalls.GetAsync(client, $"/coverage-assertions/{assertionId}", PayerIdentityProvider.Token(factory));
        var (rawStatus, rawBody, rawResponse) = await LedgerCalls.GetAsync(client, $"/coverage-assertions/{assertionId}/response", PayerIdentityProvider.Token(factory));

        // Assert: the call, as asked and as answered.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, lookup);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var record = JsonNode.Parse(body)!;
        Assert.Equal(assertionId, record["assertionId"]!.GetValue<string>());
        Assert.Equal("ServiceRequest/sr-dli-001", record["orderReference"]!.GetValue<string>());
        var call = record["call"]!;
        Assert.Equal("order-sign", call["hook"]!.GetValue<string>());
        Assert.Equal(request["hookInstance"]!.GetValue<string>(), call["hookInstance"]!.GetValue<string>());
        Assert.Equal(Hooks.SignService, call["serviceId"]!.GetValue<string>());
        Assert.Equal(TestTokens.Issuer, call["issuer"]!.GetValue<string>());
        Assert.Equal(Hooks.PatientId, call["patientId"]!.GetValue<string>());
        Assert.Equal("PractitionerRole/pr-bmt-attending", call["userId"]!.GetValue<string>());
        Assert.Equal(200, call["status"]!.GetValue<int>());
        Assert.Equal(["ServiceRequest/sr-dli-001"], call["orders"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Equal(assertionId, call["assertions"]![0]!["assertionId"]!.GetValue<string>());
        Assert.Equal(CdsServiceFactory.Now, call["receivedAt"]!.GetValue<DateTimeOffset>());

        // Which data came from prefetch and which was queried.
        Assert.Equal("query", call["dataSources"]!["procedures"]!.GetValue<string>());
        Assert.Equal("query", call["dataSources"]!["observations"]!.GetValue<string>());
        Assert.Equal("prefetch", call["dataSources"]!["coverage"]!.GetValue<string>());
        Assert.Empty(call["dataFailures"]!.AsArray());

        // How long each stage took.
        var stages = call["timings"]!.AsArray().Select(t => t!["stage"]!.GetValue<string>()).ToList();
        Assert.Equal(["read", "check", "gather", "extract", "answer", "serialize", "total"], stages);
        var milliseconds = call["timings"]!.AsArray().Select(t => t!["milliseconds"]!.GetValue<double>()).ToList();
        Assert.All(milliseconds, ms => Assert.True(ms >= 0));
        Assert.True(milliseconds[^1] > 0);
        Assert.Equal(milliseconds[..^1].Sum(), milliseconds[^1], 0.01);

        // The decision with each criterion's status and evidence references.
        var decision = record["decision"]!;
        Assert.Equal("meets-criteria", decision["outcome"]!.GetValue<string>());
        Assert.Equal("covered", decision["covered"]!.GetValue<string>());
        var criteria = decision["criteria"]!.AsArray();
        var hct = criteria.Single(c => c!["id"]!.GetValue<string>() == "HCT")!;
        Assert.Equal("met", hct["status"]!.GetValue<string>());
        Assert.Contains(hct["evidence"]!.AsArray(), e => e!.GetValue<string>().StartsWith("Procedure/", StringComparison.Ordinal));
        Assert.Equal("I", decision["decidingCriterion"]!.GetValue<string>());
        Assert.Contains(criteria, c => c!["id"]!.GetValue<string>() == "IV");
        Assert.All(criteria, c => Assert.Contains(c!["status"]!.GetValue<string>(), new[] { "met", "not-met", "unknown" }));

        // The response as sent: the same JSON, the same bytes, the same hash; its cards are linked to the order.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(answer), call["response"]));
        Assert.Equal(HttpStatusCode.OK, rawStatus);
        Assert.Equal(answer, rawBody);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(answer)));
        Assert.Equal(sha, call["responseSha256"]!.GetValue<string>());
        Assert.Equal(sha, rawResponse.Headers.GetValues("X-Response-SHA256").Single());
        var cardIds = JsonNode.Parse(answer)!["cards"]!.AsArray().Select(c => c!["uuid"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(cardIds);
        Assert.Equal(cardIds, decision["cards"]!.AsArray().Select(c => c!.GetValue<string>()));

        // Never the access token, never the JWT: not in any table, not in the file's bytes.
        var dump = await backend.DumpAsync();
        Assert.Contains(assertionId, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(accessToken, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(jwt, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(jwt.Split('.')[2], dump, StringComparison.Ordinal);
        if (kind == LedgerBackend.Sqlite)
        {
            var bytes = Encoding.Latin1.GetString(await backend.SqliteBytesAsync());
            Assert.Contains(assertionId, bytes, StringComparison.Ordinal);
            Assert.DoesNotContain(accessToken, bytes, StringComparison.Ordinal);
            Assert.DoesNotContain(jwt.Split('.')[2], bytes, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenCallsOnTwoDays_WhenAPatientsAssertionsAreSearched_ThenOnlyThoseInTheRangeAreListed(string kind)
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(kind);
        using var factory = PayerIdentityProvider.Trust(backend.Configure(new CdsServiceFactory()));
        using var ehr = factory.CreateSignedClient();
        using var client = factory.CreateClient();
        var (_, first) = await LedgerCalls.PostHookAsync(ehr, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _));
        factory.Clock.Advance(TimeSpan.FromDays(2));
        var (_, second) = await LedgerCalls.PostHookAsync(ehr, Hooks.SignService, LedgerCalls.Sample("order-sign-not-medically-necessary.json", out _));
        var firstId = Assert.Single(LedgerCalls.AssertionIds(first));
        var secondId = Assert.Single(LedgerCalls.AssertionIds(second));

        // Act
        async Task<(HttpStatusCode Status, JsonNode? Body)> Search(string query)
        {
            var (status, body, _) = await LedgerCalls.GetAsync(client, $"/coverage-assertions?{query}", PayerIdentityProvider.Token(factory));
            return (status, JsonNode.Parse(body));
        }

        var firstDay = await Search($"patient={Hooks.PatientId}&from=2026-11-24&to=2026-11-24");
        var later = await Search($"patient={Hooks.PatientId}&from=2026-11-25T00:00:00Z");
        var all = await Search($"patient={Hooks.PatientId}");
        var one = await Search($"patient={Hooks.PatientId}&_count=1");
        var nobody = await Search("patient=pat-someone-else");
        var noPatient = await Search("from=2026-11-24");
        var badDate = await Search($"patient={Hooks.PatientId}&from=yesterday");

        // Assert
        static List<string> Ids(JsonNode? body) => [.. body!["assertions"]!.AsArray().Select(a => a!["assertionId"]!.GetValue<string>())];
        Assert.Equal(HttpStatusCode.OK, firstDay.Status);
        Assert.Equal([firstId], Ids(firstDay.Body));
        Assert.Equal([secondId], Ids(later.Body));
        Assert.Equal([secondId, firstId], Ids(all.Body));
        Assert.Equal("not-covered", all.Body!["assertions"]![0]!["covered"]!.GetValue<string>());
        Assert.Equal($"/coverage-assertions/{secondId}", all.Body!["assertions"]![0]!["href"]!.GetValue<string>());
        Assert.Equal([secondId], Ids(one.Body));
        Assert.True(one.Body!["truncated"]!.GetValue<bool>());
        Assert.False(all.Body!["truncated"]!.GetValue<bool>());
        Assert.Empty(Ids(nobody.Body));
        Assert.Equal(HttpStatusCode.BadRequest, noPatient.Status);
        Assert.Equal(HttpStatusCode.BadRequest, badDate.Status);
    }

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenManyConcurrentHookCalls_WhenTheServiceStops_ThenEveryCallAndAssertionIsOnRecord(string kind)
    {
        // Arrange: answers do not wait for the ledger at all, so every record is written in the background.
        const int Calls = 40;
        await using var backend = await LedgerBackend.CreateAsync(kind);
        var requests = Enumerable.Range(0, Calls).Select(i => LedgerCalls.Sample(i % 2 == 0 ? "order-sign-meets-criteria.json" : "order-sign-investigational.json", out _)).ToList();
        (HttpStatusCode Status, string Body)[] answers;

        // Act
        // The slot wait is raised: this test is about the ledger, not the overload answer (a 503 is tested elsewhere).
        using (var factory = backend.Configure(new CdsServiceFactory()).With("Cds:Ledger:WriteWait", "00:00:00").With("Cds:Deadlines:SlotWait", "00:00:30").With("Cds:Security:ReplayCheckTimeout", "00:00:10"))
        {
            using var client = factory.CreateSignedClient();
            answers = await Task.WhenAll(requests.Select(r => LedgerCalls.PostHookAsync(client, Hooks.SignService, r)));
        }

        // Assert: read back by another store on the same ledger, after the service stopped.
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, $"{a.Status}: {a.Body}"));
        var ids = answers.SelectMany(a => LedgerCalls.AssertionIds(a.Body)).ToList();
        Assert.Equal(Calls, ids.Distinct(StringComparer.Ordinal).Count());
        await using var store = backend.OpenStore();
        var counts = await store.CountAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Calls, counts.HookCalls);
        Assert.Equal(Calls, counts.Assertions);
        var instances = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var found = await store.FindAssertionAsync(id, TestContext.Current.CancellationToken);
            Assert.NotNull(found);
            instances.Add(found.Call.HookInstance!);
        }

        Assert.Equal(requests.Select(r => r["hookInstance"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal), instances);
    }

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenCallsAndFeedback_WhenTheServiceRestarts_ThenEverythingIsStillThere(string kind)
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(kind);
        var samples = new[] { "order-sign-meets-criteria.json", "order-sign-not-medically-necessary.json", "order-sign-investigational.json" };
        var ids = new List<string>();
        var cardId = string.Empty;
        using (var before = backend.Configure(new CdsServiceFactory()).With("Cds:Ledger:WriteWait", "00:00:00"))
        {
            using var client = before.CreateSignedClient();
            foreach (var sample in samples)
            {
                var (_, answer) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, LedgerCalls.Sample(sample, out _));
                ids.AddRange(LedgerCalls.AssertionIds(answer));
                if (ids.Count == 1)
                {
                    cardId = JsonNode.Parse(answer)!["cards"]![0]!["uuid"]!.GetValue<string>();
                }
            }

            var feedback = $$"""{"feedback":[{"card":"{{cardId}}","outcome":"accepted","acceptedSuggestions":[],"outcomeTimestamp":"2026-11-24T18:20:00Z"}]}""";
            var (feedbackStatus, _) = await Hooks.PostRawAsync(client, $"/cds-services/{Hooks.SignService}/feedback", feedback);
            Assert.Equal(HttpStatusCode.OK, feedbackStatus);
        }

        // Act: a new instance on the same ledger.
        using var after = PayerIdentityProvider.Trust(backend.Configure(new CdsServiceFactory()));
        using var reader = after.CreateClient();
        var found = new List<JsonNode>();
        foreach (var id in ids)
        {
            var (status, body, _) = await LedgerCalls.GetAsync(reader, $"/coverage-assertions/{id}", PayerIdentityProvider.Token(after));
            Assert.Equal(HttpStatusCode.OK, status);
            found.Add(JsonNode.Parse(body)!);
        }

        // Assert
        Assert.Equal(["covered", "not-covered", "not-covered"], found.Select(f => f["decision"]!["covered"]!.GetValue<string>()));
        var feedbackOnFirst = Assert.Single(found[0]["feedback"]!.AsArray())!;
        Assert.Equal(cardId, feedbackOnFirst["card"]!.GetValue<string>());
        Assert.Equal("ServiceRequest/sr-dli-001", feedbackOnFirst["orderReference"]!.GetValue<string>());
        Assert.Equal("accepted", feedbackOnFirst["outcome"]!.GetValue<string>());
        Assert.Empty(found[1]["feedback"]!.AsArray());
    }

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenARetentionPeriod_WhenRecordsOutliveIt_ThenOnlyTheExpiredOnesArePurged(string kind)
    {
        // Arrange: 30 days of retention, purged weekly.
        await using var backend = await LedgerBackend.CreateAsync(kind);
        using var factory = backend.Configure(new CdsServiceFactory())
            .With("Cds:Ledger:Retention", "30.00:00:00")
            .With("Cds:Ledger:PurgeInterval", "7.00:00:00");
        using var client = factory.CreateSignedClient();
        var store = factory.Services.GetRequiredService<ILedgerStore>();
        var ct = TestContext.Current.CancellationToken;

        var (oldId, oldCard) = await CallWithFeedbackAsync(client);
        factory.Clock.Advance(TimeSpan.FromDays(20));
        var (keptId, keptCard) = await CallWithFeedbackAsync(client);

        // Act: 35 days after the first call, 15 after the second; the weekly purge runs on the way.
        factory.Clock.Advance(TimeSpan.FromDays(15));
        var purged = await LedgerCalls.EventuallyAsync(async () => await store.FindAssertionAsync(oldId, ct) is null, advance: factory, step: TimeSpan.FromHours(1));

        // Assert: the old call, its assertion, cards and feedback are gone; the recent one is whole.
        Assert.True(purged);
        var kept = await store.FindAssertionAsync(keptId, ct);
        Assert.NotNull(kept);
        Assert.Equal(keptCard, Assert.Single(kept.Feedback).CardUuid);
        var counts = await store.CountAsync(ct);
        Assert.Equal(1, counts.HookCalls);
        Assert.Equal(1, counts.Assertions);
        Assert.Equal(kept.Call.Cards.Count, counts.Cards);
        Assert.Equal(1, counts.Feedback);
        Assert.Equal(0, await backend.ScalarAsync($"SELECT COUNT(*) FROM card_feedback WHERE card_uuid = '{oldCard}'"));

        // JWT ids: the expired ones go, a live one stays.
        var (_, fresh) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _));
        var result = await factory.Services.GetRequiredService<LedgerRetention>().PurgeAsync(ct);
        Assert.Equal(0, result.HookCalls);
        var after = await store.CountAsync(ct);
        Assert.Equal(1, after.JwtIds);
        Assert.Equal(2, after.HookCalls);
        Assert.NotNull(await store.FindAssertionAsync(Assert.Single(LedgerCalls.AssertionIds(fresh)), ct));
    }

    [Fact]
    public async Task GivenACallThatFailsUnexpectedly_WhenItIsAnswered500_ThenTheFailureIsOnRecordToo()
    {
        // Arrange: the EHR's FHIR client breaks in a way the service does not expect.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        using var factory = backend.Configure(new CdsServiceFactory()).WithServices(services =>
            services.AddHttpClient("fhir").ConfigurePrimaryHttpMessageHandler(() => new BrokenHandler()));
        using var client = factory.CreateSignedClient();
        var request = Hooks.MoveToEhr(LedgerCalls.Sample("order-sign-meets-criteria.json", out var accessToken), factory.Ehr, factory.FhirBase, "procedures");
        var instance = request["hookInstance"]!.GetValue<string>();

        // Act
        var (status, _) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal(500, await backend.ScalarAsync($"SELECT status FROM hook_call WHERE hook_instance = '{instance}'"));
        Assert.Equal(1, await backend.ScalarAsync($"SELECT COUNT(*) FROM hook_call WHERE hook_instance = '{instance}' AND error = 'InvalidOperationException' AND patient_id = '{Hooks.PatientId}' AND response IS NULL"));
        Assert.DoesNotContain(accessToken, await backend.DumpAsync(), StringComparison.Ordinal);
    }

    private sealed class BrokenHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("broken on purpose");
    }

    private static async Task<(string AssertionId, string CardId)> CallWithFeedbackAsync(HttpClient client)
    {
        var (_, answer) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _));
        var card = JsonNode.Parse(answer)!["cards"]![0]!["uuid"]!.GetValue<string>();
        var feedback = $$"""{"feedback":[{"card":"{{card}}","outcome":"accepted","acceptedSuggestions":[],"outcomeTimestamp":"2026-11-24T18:20:00Z"}]}""";
        var (status, _) = await Hooks.PostRawAsync(client, $"/cds-services/{Hooks.SignService}/feedback", feedback);
        Assert.Equal(HttpStatusCode.OK, status);
        return (Assert.Single(LedgerCalls.AssertionIds(answer)), card);
    }
}
