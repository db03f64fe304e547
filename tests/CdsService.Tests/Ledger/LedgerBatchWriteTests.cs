using Cds.Service.Ledger;
using Microsoft.Data.Sqlite;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// The write path of a batch on a real SQLite file (prepared single-row inserts on the writer's own connection, WAL
/// checkpoints in the background) and a real PostgreSQL server (one multi-row batch in one round trip): every row of
/// batches of any size is kept once with its own values, and the WAL reaches the database file without the commit doing it.
/// </summary>
public sealed class LedgerBatchWriteTests
{
    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenBatchesOfEverySize_WhenAppendedAndOneAgain_ThenEachRowIsKeptOnceWithItsOwnValues(string kind)
    {
        // Arrange: batches of 1, 3, 64 and 1 records, each record with two decisions and three cards of its own.
        await using var backend = await LedgerBackend.CreateAsync(kind);
        await using var store = backend.OpenStore();
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        var batches = new[] { 1, 3, 64, 1 }.Select(n => Enumerable.Range(0, n).Select(_ => Distinct()).ToList()).ToList();

        // Act: the 64-record batch is appended twice (a retry after a lost acknowledgement).
        foreach (var batch in batches)
        {
            await store.AppendAsync(batch, TestContext.Current.CancellationToken);
        }

        await store.AppendAsync(batches[2], TestContext.Current.CancellationToken);

        // Assert: counted once each; every record reads back with its own values, not another row's.
        var counts = await store.CountAsync(TestContext.Current.CancellationToken);
        Assert.Equal(69, counts.HookCalls);
        Assert.Equal(138, counts.Assertions);
        Assert.Equal(207, counts.Cards);
        foreach (var record in batches.SelectMany(b => b))
        {
            var second = record.Decisions[1];
            var found = await store.FindAssertionAsync(second.AssertionId, TestContext.Current.CancellationToken);
            Assert.NotNull(found);
            Assert.Equal(record.Id, found.Call.Id);
            Assert.Equal(record.HookInstance, found.Call.HookInstance);
            Assert.Equal(record.Response, found.Call.Response);
            Assert.Equal(record.ReceivedAt.ToUnixTimeMilliseconds(), found.Call.ReceivedAt.ToUnixTimeMilliseconds());
            Assert.Equal(record.Orders, found.Call.Orders);
            Assert.Equal(second.Reason, found.Decision.Reason);
            Assert.Equal(second.OrderReference, found.Decision.OrderReference);
            Assert.Equal(second.Detail.Criteria[0].Summary, found.Decision.Detail.Criteria[0].Summary);
            Assert.Equal(record.Decisions.Select(d => d.AssertionId), found.Call.Decisions.Select(d => d.AssertionId));
            Assert.Equal(record.Cards.Select(c => (c.Uuid, c.OrderReference)), found.Call.Cards.Select(c => (c.Uuid, c.OrderReference)));
        }
    }

    [Fact]
    public async Task GivenManyCommits_WhenTheyAreWritten_ThenBackgroundCheckpointsCarryThemIntoTheDatabaseFile()
    {
        // Arrange: one record per commit, as a lone hook writes; far fewer WAL pages than SQLite's (raised) automatic
        // checkpoint, so only a background checkpoint can move them into the database file.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        var store = (SqliteLedgerStore)backend.OpenStore();
        await using (store)
        {
            await store.MigrateAsync(TestContext.Current.CancellationToken);

            // Act
            for (var i = 0; i < 2 * SqliteCheckpointer.RecordsPerCheckpoint; i++)
            {
                await store.AppendAsync([Distinct()], TestContext.Current.CancellationToken);
            }

            // Assert: checkpoints ran, and the database file alone (without its WAL) holds records, while the store is
            // still open (SQLite also checkpoints when the last connection closes: that is not what is tested).
            Assert.True(await LedgerCalls.EventuallyAsync(() => Task.FromResult(store.Checkpoints >= 2)), $"checkpoints: {store.Checkpoints}");
            var copy = Path.Combine(backend.DataDirectory, "main-file-only.db");
            File.Copy(backend.SqlitePath, copy);
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString());
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM hook_call";
            var inFile = Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(inFile, SqliteCheckpointer.RecordsPerCheckpoint, 2 * SqliteCheckpointer.RecordsPerCheckpoint);
            Assert.Equal(2 * SqliteCheckpointer.RecordsPerCheckpoint, (await store.CountAsync(TestContext.Current.CancellationToken)).HookCalls);
        }
    }

    // A record whose every value is its own (ids, times, texts), so a row bound with another row's values shows.
    private static HookCallRecord Distinct()
    {
        var record = LedgerGroupCommitTests.Record();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var decision = record.Decisions[0];
        return record with
        {
            ReceivedAt = DateTimeOffset.UtcNow.AddMinutes(-Random.Shared.Next(1, 10_000)),
            Orders = [$"ServiceRequest/sr-{tag}-1", $"ServiceRequest/sr-{tag}-2"],
            Decisions =
            [
                decision with { AssertionId = Guid.CreateVersion7().ToString(), OrderReference = $"ServiceRequest/sr-{tag}-1", Reason = $"reason {tag} 1" },
                decision with
                {
                    AssertionId = Guid.CreateVersion7().ToString(),
                    OrderReference = $"ServiceRequest/sr-{tag}-2",
                    Reason = $"reason {tag} 2",
                    Detail = decision.Detail with { Criteria = [decision.Detail.Criteria[0] with { Summary = $"summary {tag}" }] },
                },
            ],
            Cards = [.. Enumerable.Range(0, 3).Select(i => new CardRecord(Guid.NewGuid().ToString(), i == 2 ? null : $"ServiceRequest/sr-{tag}-{i + 1}"))],
            Response = $$"""{"cards":[],"tag":"{{tag}}"}""",
        };
    }
}
