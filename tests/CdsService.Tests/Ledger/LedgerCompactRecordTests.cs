using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cds.Service.Ledger;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// A call with no policy order is kept as a compact record (no answer body; hook instance, time, caller, service, orders
/// with their codes, outcome no-policy-order, the assertion issued and the answer's hash), and the read endpoints show it;
/// the schema change that makes room for it is additive (columns added to an existing ledger, its rows kept).
/// </summary>
public sealed class LedgerCompactRecordTests
{
    private const string SignUrl = "http://localhost/cds-services/" + Hooks.SignService;

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenAnOrderNoPolicyGoverns_WhenItsAssertionIsLookedUp_ThenTheCompactRecordIsShownWithoutTheAnswerBody(string kind)
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(kind);
        using var factory = PayerIdentityProvider.Trust(backend.Configure(new CdsServiceFactory()));
        using var client = factory.CreateClient();
        var request = LedgerCalls.Sample("order-sign-not-dli.json", out _);
        var jwt = TestTokens.Create(new TestTokens.Spec { Audience = SignUrl, Now = factory.Clock.GetUtcNow() });

        // Act
        var (status, answer) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, request, jwt);
        var assertionId = Assert.Single(LedgerCalls.AssertionIds(answer));
        var (lookup, body, _) = await LedgerCalls.GetAsync(client, $"/coverage-assertions/{assertionId}", PayerIdentityProvider.Token(factory));
        var (rawStatus, rawBody, rawResponse) = await LedgerCalls.GetAsync(client, $"/coverage-assertions/{assertionId}/response", PayerIdentityProvider.Token(factory));
        var (searched, found, _) = await LedgerCalls.GetAsync(client, $"/coverage-assertions?patient={Hooks.PatientId}", PayerIdentityProvider.Token(factory));

        // Assert: what a payer must show, without the answer body.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(JsonNode.Parse(answer)!["cards"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, lookup);
        var record = JsonNode.Parse(body)!;
        var call = record["call"]!;
        Assert.Equal(LedgerCompactRecord.NoPolicyOrder, call["outcome"]!.GetValue<string>());
        Assert.Equal(request["hookInstance"]!.GetValue<string>(), call["hookInstance"]!.GetValue<string>());
        Assert.Equal(TestTokens.Issuer, call["issuer"]!.GetValue<string>());
        Assert.Equal(Hooks.SignService, call["serviceId"]!.GetValue<string>());
        Assert.Equal(CdsServiceFactory.Now, call["receivedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(["ServiceRequest/sr-bm-biopsy"], call["orders"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Equal(["http://www.ama-assn.org/go/cpt|38221"], call["orderCodes"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Empty(call["cards"]!.AsArray());
        Assert.Null(call["response"]);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(answer)));
        Assert.Equal(sha, call["responseSha256"]!.GetValue<string>());
        Assert.Equal(LedgerEntry.NotGoverned, record["decision"]!["outcome"]!.GetValue<string>());
        Assert.Equal("conditional", record["decision"]!["covered"]!.GetValue<string>());

        // The answer body is not kept: the /response look-up says so and gives the hash to check a copy against.
        Assert.Equal(HttpStatusCode.NotFound, rawStatus);
        Assert.Contains("compact record", rawBody, StringComparison.Ordinal);
        Assert.Equal(sha, rawResponse.Headers.GetValues("X-Response-SHA256").Single());
        Assert.Equal(HttpStatusCode.OK, searched);
        Assert.Equal(assertionId, JsonNode.Parse(found)!["assertions"]![0]!["assertionId"]!.GetValue<string>());
        Assert.Equal(0, await backend.ScalarAsync("SELECT COUNT(*) FROM hook_call WHERE response IS NOT NULL"));
    }

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenADliOrder_WhenItIsRecorded_ThenTheFullRecordIsKept(string kind)
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(kind);
        using var factory = backend.Configure(new CdsServiceFactory());
        using var client = factory.CreateSignedClient();

        // Act
        var (status, answer) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _));
        var assertionId = Assert.Single(LedgerCalls.AssertionIds(answer));
        await using var store = backend.OpenStore();
        var kept = await store.FindAssertionAsync(assertionId, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(answer, kept?.Call.Response);
        Assert.Null(kept?.Call.Outcome);
        Assert.Null(kept?.Call.OrderCodes);
    }

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenALedgerAtSchemaVersionOne_WhenANewBuildMigratesIt_ThenColumnsAreAddedAndItsRowsKept(string kind)
    {
        // Arrange: a ledger as the previous build left it (version 1, without the compact-record columns), with a call.
        await using var backend = await LedgerBackend.CreateAsync(kind);
        var record = LedgerGroupCommitTests.Record();
        await using (var store = backend.OpenStore())
        {
            await store.MigrateAsync(TestContext.Current.CancellationToken);
            await store.AppendAsync([record], TestContext.Current.CancellationToken);
        }

        await backend.DowngradeToVersion1Async();

        // Act
        await using var migrated = backend.OpenStore();
        var version = await migrated.MigrateAsync(TestContext.Current.CancellationToken);
        var old = await migrated.FindAssertionAsync(record.Decisions[0].AssertionId, TestContext.Current.CancellationToken);
        var compact = LedgerGroupCommitTests.Record() with { Cards = [], Response = null, Outcome = LedgerCompactRecord.NoPolicyOrder, OrderCodes = ["http://loinc.org|58410-2"] };
        await migrated.AppendAsync([compact], TestContext.Current.CancellationToken);
        var added = await migrated.FindAssertionAsync(compact.Decisions[0].AssertionId, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(migrated.CurrentVersion, version);
        Assert.Equal(record.Response, old?.Call.Response);
        Assert.Null(old?.Call.Outcome);
        Assert.Equal(LedgerCompactRecord.NoPolicyOrder, added?.Call.Outcome);
        Assert.Equal(["http://loinc.org|58410-2"], added?.Call.OrderCodes);
        Assert.Equal(2, await backend.ScalarAsync("SELECT COUNT(*) FROM hook_call"));
    }
}
