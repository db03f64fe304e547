using System.Net;
using Cds.Service.Tests.Ledger;

namespace Cds.Service.Tests.Policy;

/// <summary>
/// The ledger's policy columns come by an additive migration (schema version 2): a ledger written by the previous build
/// is migrated at start-up, and from then on each assertion carries the revision that decided it (none for an order
/// no policy governs). Against a real SQLite file and a real PostgreSQL server.
/// </summary>
public sealed class PolicyLedgerTests
{
    private const string SignUrl = "http://localhost/cds-services/" + Hooks.SignService;

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenALedgerAtSchemaVersion1_WhenTheServiceStartsAndDecides_ThenThePolicyColumnsAreAddedAndFilled(string kind)
    {
        // Arrange: a ledger as the previous build left it (version 1: no policy columns).
        await using var backend = await LedgerBackend.CreateAsync(kind);
        await using (var store = backend.OpenStore())
        {
            await store.MigrateAsync(TestContext.Current.CancellationToken);
        }

        await backend.DowngradeToVersion1Async();
        Assert.Equal(1, await backend.ScalarAsync("SELECT MAX(version) FROM ledger_schema"));
        using var factory = backend.Configure(new CdsServiceFactory());
        using var client = factory.CreateClient();

        // Act: a DLI order, and an order no policy governs.
        var governed = await LedgerCalls.PostHookAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"), Jwt(factory));
        var ungoverned = await LedgerCalls.PostHookAsync(client, Hooks.SignService, Repository.Sample("order-sign-not-dli.json"), Jwt(factory));

        // Assert: migrated to the current version (4; version 3 added the policy revision columns); the DLI assertion names its revision, the ungoverned one none.
        Assert.Equal(HttpStatusCode.OK, governed.Status);
        Assert.Equal(HttpStatusCode.OK, ungoverned.Status);
        Assert.Equal(4, await backend.ScalarAsync("SELECT MAX(version) FROM ledger_schema"));
        Assert.True(await LedgerCalls.EventuallyAsync(async () => await backend.ScalarAsync("SELECT COUNT(*) FROM coverage_assertion") == 2));
        var sha = PolicyFolder.Sha256(PolicyFolder.ShippedBytes());
        Assert.Equal(1, await backend.ScalarAsync(
            $"SELECT COUNT(*) FROM coverage_assertion WHERE order_ref = 'ServiceRequest/sr-dli-001' AND policy_id = 'dli-45.03' AND policy_version = '2024.1' AND policy_effective = '2024-12-01' AND policy_sha256 = '{sha}'"));
        Assert.Equal(1, await backend.ScalarAsync("SELECT COUNT(*) FROM coverage_assertion WHERE policy_id IS NULL AND policy_version IS NULL AND policy_sha256 IS NULL"));
    }

    private static string Jwt(CdsServiceFactory factory) => TestTokens.Create(new TestTokens.Spec { Audience = SignUrl, Now = factory.Clock.GetUtcNow() });
}
