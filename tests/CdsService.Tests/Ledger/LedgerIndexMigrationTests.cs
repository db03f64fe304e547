using Cds.Service.Ledger;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// Schema version 4 drops the two indexes no query of the ledger uses (<c>ix_hook_call_instance</c>,
/// <c>ix_coverage_assertion_policy</c>): each was one more B-tree page in every hook's commit. A ledger a version-3 build
/// wrote is migrated in place: the indexes are gone, its old rows read back whole (decision, policy revision, cards, the
/// response as sent, the patient search), and new rows are written beside them.
/// </summary>
public sealed class LedgerIndexMigrationTests
{
    private static readonly string[] Dropped = ["ix_hook_call_instance", "ix_coverage_assertion_policy"];

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenALedgerAtSchemaVersionThree_WhenANewBuildMigratesIt_ThenTheUnusedIndexesAreDroppedAndItsRowsKept(string kind)
    {
        // Arrange: a ledger as a version-3 build left it (both indexes in place), with a call on record.
        await using var backend = await LedgerBackend.CreateAsync(kind);
        var template = LedgerGroupCommitTests.Record();
        var old = template with { Decisions = [template.Decisions[0] with { Policy = new PolicyRevisionRecord("dli-45.03", "2024.1", "2024-12-01", new string('a', 64)) }] };
        await using (var store = backend.OpenStore())
        {
            await store.MigrateAsync(TestContext.Current.CancellationToken);
            await store.AppendAsync([old], TestContext.Current.CancellationToken);
        }

        await backend.ExecuteAsync("CREATE INDEX ix_hook_call_instance ON hook_call (hook_instance)");
        await backend.ExecuteAsync("CREATE INDEX ix_coverage_assertion_policy ON coverage_assertion (policy_id, policy_version)");
        await backend.ExecuteAsync("DELETE FROM ledger_schema WHERE version > 3");
        var indexesAtThree = await IndexCountAsync(backend);

        // Act
        await using var migrated = backend.OpenStore();
        var version = await migrated.MigrateAsync(TestContext.Current.CancellationToken);
        var again = await migrated.MigrateAsync(TestContext.Current.CancellationToken);
        var found = await migrated.FindAssertionAsync(old.Decisions[0].AssertionId, TestContext.Current.CancellationToken);
        var added = LedgerGroupCommitTests.Record();
        await migrated.AppendAsync([added], TestContext.Current.CancellationToken);
        var search = await migrated.SearchAsync(old.PatientId!, old.ReceivedAt.AddDays(-1), old.ReceivedAt.AddDays(1), 10, TestContext.Current.CancellationToken);

        // Assert: version 4, the two indexes gone, the old call whole, the new one beside it.
        Assert.Equal(2, indexesAtThree);
        Assert.Equal(4, version);
        Assert.Equal(4, again);
        Assert.Equal(0, await IndexCountAsync(backend));
        Assert.NotNull(found);
        Assert.Equal(old.Response, found.Call.Response);
        Assert.Equal(old.ResponseSha256, found.Call.ResponseSha256);
        Assert.Equal(old.HookInstance, found.Call.HookInstance);
        Assert.Equal(old.Decisions[0].Outcome, found.Decision.Outcome);
        Assert.Equal(old.Decisions[0].Policy, found.Decision.Policy);
        Assert.Equal(old.Cards.Select(c => c.Uuid), found.Call.Cards.Select(c => c.Uuid));
        Assert.NotNull(await migrated.FindAssertionAsync(added.Decisions[0].AssertionId, TestContext.Current.CancellationToken));
        Assert.Contains(search, s => s.AssertionId == old.Decisions[0].AssertionId);
        Assert.Equal(2, await backend.ScalarAsync($"SELECT COUNT(*) FROM hook_call WHERE hook_instance IN ('{old.HookInstance}', '{added.HookInstance}')"));
    }

    // How many of the dropped indexes the ledger's schema has.
    private static Task<long> IndexCountAsync(LedgerBackend backend)
    {
        var names = string.Join(", ", Dropped.Select(n => $"'{n}'"));
        return backend.ScalarAsync(backend.Kind == LedgerBackend.Sqlite
            ? $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ({names})"
            : $"SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN ({names})");
    }
}
