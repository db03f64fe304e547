using Cds.Service.Ledger;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// The JWT replay records of concurrent signed calls are written in batches (one statement per batch) and a replayed id
/// is still refused: within a batch, across batches, and across two instances sharing the store.
/// </summary>
public sealed class LedgerJwtIdBatchTests
{
    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenIdsSentTwiceAtOnce_WhenTheyAreRecordedInBatches_ThenEachIsAcceptedExactlyOnce(string kind)
    {
        // Arrange: the first batch is held until every other call waits behind it.
        await using var backend = await LedgerBackend.CreateAsync(kind);
        await using var store = new GatedJtiStore(backend.OpenStore());
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        var batcher = new LedgerJwtIdBatcher(store, TimeProvider.System, TimeSpan.FromSeconds(10));
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);
        var ids = Enumerable.Range(0, 20).Select(i => new JwtIdClaim("https://ehr.example.org", $"jti-{i}", expires)).ToList();

        // Act
        var first = batcher.TryRecordAsync(ids[0], TestContext.Current.CancellationToken);
        Assert.True(await LedgerCalls.EventuallyAsync(() => Task.FromResult(store.Batches.Count == 1)));
        var rest = ids.Concat(ids).Skip(1).Select(id => batcher.TryRecordAsync(id, TestContext.Current.CancellationToken)).ToList();
        store.Gate.SetResult();
        var verdicts = await Task.WhenAll([first, .. rest]);
        var again = await batcher.TryRecordAsync(ids[7], TestContext.Current.CancellationToken);

        // Assert: 20 new, 20 replays; 39 calls in one statement.
        Assert.Equal(20, verdicts.Count(v => v));
        Assert.Equal(20, verdicts.Count(v => !v));
        Assert.Equal([1, 39, 1], store.Batches);
        Assert.False(again);
        Assert.Equal(20, await backend.ScalarAsync("SELECT COUNT(*) FROM jwt_replay"));
    }

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenTwoInstancesRecordingTheSameIdsAtOnce_ThenEachIdIsAcceptedByOneOfThem(string kind)
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(kind);
        await using var firstStore = backend.OpenStore();
        await using var secondStore = backend.OpenStore();
        await firstStore.MigrateAsync(TestContext.Current.CancellationToken);
        var first = new LedgerJwtIdBatcher(firstStore, TimeProvider.System, TimeSpan.FromSeconds(10));
        var second = new LedgerJwtIdBatcher(secondStore, TimeProvider.System, TimeSpan.FromSeconds(10));
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);
        var ids = Enumerable.Range(0, 30).Select(i => new JwtIdClaim("https://ehr.example.org", $"shared-{i}", expires)).ToList();

        // Act: every id sent to both instances at once, three times each.
        var verdicts = await Task.WhenAll(ids.SelectMany(id => new[] { first, second, first, second, first, second }.Select(b => b.TryRecordAsync(id, TestContext.Current.CancellationToken))));

        // Assert
        Assert.Equal(ids.Count, verdicts.Count(v => v));
        Assert.Equal(ids.Count * 5, verdicts.Count(v => !v));
    }

    [Fact]
    public async Task GivenAnExpiredId_WhenItIsSentAgain_ThenItIsAcceptedAndRecordedUntilItsNewExpiry()
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        await using var store = backend.OpenStore();
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        var now = DateTimeOffset.UtcNow;
        var old = new JwtIdClaim("https://ehr.example.org", "jti-expired", now.AddMinutes(-1));
        var renewed = old with { Expires = now.AddMinutes(5) };

        // Act
        var firstUse = await store.TryRecordJwtIdsAsync([old], now.AddMinutes(-2), TestContext.Current.CancellationToken);
        var afterExpiry = await store.TryRecordJwtIdsAsync([renewed, renewed], now, TestContext.Current.CancellationToken);
        var replay = await store.TryRecordJwtIdsAsync([renewed], now, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal([true], firstUse);
        Assert.Equal([true, false], afterExpiry);
        Assert.Equal([false], replay);
    }

    /// <summary>The real store; holds the first batch of JWT ids back until the gate opens and records each batch's size.</summary>
    private sealed class GatedJtiStore(SqlLedgerStore inner) : ForwardingLedgerStore(inner)
    {
        private readonly List<int> _batches = [];

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<int> Batches
        {
            get
            {
                lock (_batches)
                {
                    return [.. _batches];
                }
            }
        }

        public override async Task<IReadOnlyList<bool>> TryRecordJwtIdsAsync(IReadOnlyList<JwtIdClaim> ids, DateTimeOffset now, CancellationToken cancellationToken)
        {
            lock (_batches)
            {
                _batches.Add(ids.Count);
            }

            await Gate.Task.WaitAsync(cancellationToken);
            return await Inner.TryRecordJwtIdsAsync(ids, now, cancellationToken);
        }
    }
}
