using Cds.Service.Ledger;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// The SQLite replay record keeps one connection and one prepared statement across batches: the verdicts stay the
/// database's (an id recorded by another store on the same file is a replay here), a batch that fails leaves nothing
/// half written, and the batch after a failure is recorded on a fresh connection.
/// </summary>
public sealed class SqliteJwtIdRecordTests
{
    private const string Issuer = "https://ehr.example.org";

    [Fact]
    public async Task GivenIdsRecordedInManyBatches_WhenTheyComeBackInAnyBatch_ThenEachIsAReplay()
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        await using var store = backend.OpenStore();
        await using var other = backend.OpenStore();
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        var now = DateTimeOffset.UtcNow;
        JwtIdClaim Id(string jti) => new(Issuer, jti, now.AddMinutes(5));

        // Act: single ids and batches through the same prepared statement; one id recorded by the other store.
        var a = await store.TryRecordJwtIdsAsync([Id("a")], now, TestContext.Current.CancellationToken);
        var b = await store.TryRecordJwtIdsAsync([Id("b"), Id("c"), Id("b")], now, TestContext.Current.CancellationToken);
        var byOther = await other.TryRecordJwtIdsAsync([Id("d")], now, TestContext.Current.CancellationToken);
        var again = await store.TryRecordJwtIdsAsync([Id("c"), Id("d"), Id("e"), Id("a")], now, TestContext.Current.CancellationToken);
        var otherIssuer = await store.TryRecordJwtIdsAsync([new JwtIdClaim("https://other.example.org", "a", now.AddMinutes(5))], now, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal([true], a);
        Assert.Equal([true, true, false], b);
        Assert.Equal([true], byOther);
        Assert.Equal([false, false, true, false], again);
        Assert.Equal([true], otherIssuer);
        Assert.Equal(6, await backend.ScalarAsync("SELECT COUNT(*) FROM jwt_replay"));
    }

    [Fact]
    public async Task GivenTheReplayTableGone_WhenABatchFails_ThenNothingIsRecordedAndTheNextBatchUsesAFreshConnection()
    {
        // Arrange: the statement is prepared on the writer's connection, then its table disappears.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        await using var store = backend.OpenStore();
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        var now = DateTimeOffset.UtcNow;
        Assert.Equal([true], await store.TryRecordJwtIdsAsync([new JwtIdClaim(Issuer, "before", now.AddMinutes(5))], now, TestContext.Current.CancellationToken));
        await backend.ExecuteAsync("ALTER TABLE jwt_replay RENAME TO jwt_replay_away");

        // Act
        var failure = await Record(store, now, "x", "y");
        await backend.ExecuteAsync("ALTER TABLE jwt_replay_away RENAME TO jwt_replay");
        var after = await Record(store, now, "x", "y", "before");

        // Assert: the failed batch threw (the caller answers 503 or falls back), and recorded nothing.
        Assert.NotNull(failure.Error);
        Assert.Equal([true, true, false], after.Verdicts);
        Assert.Equal(3, await backend.ScalarAsync("SELECT COUNT(*) FROM jwt_replay"));
    }

    private static async Task<(IReadOnlyList<bool>? Verdicts, Exception? Error)> Record(SqlLedgerStore store, DateTimeOffset now, params string[] jtis)
    {
        try
        {
            return (await store.TryRecordJwtIdsAsync([.. jtis.Select(j => new JwtIdClaim(Issuer, j, now.AddMinutes(5)))], now, TestContext.Current.CancellationToken), null);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            return (null, e);
        }
    }
}
