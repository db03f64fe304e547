using System.Diagnostics.Metrics;
using Cds.Service.Ledger;
using Cds.Service.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// Group commit on a real SQLite file and a real PostgreSQL server: the records of concurrent calls are written together
/// in one atomic batch; a record not committed within the hook's bound is in the spool before the answer, so a crash of
/// the process loses nothing; a look-up right after the answer finds a record that is not in the store yet.
/// </summary>
public sealed class LedgerGroupCommitTests
{
    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenCallsQueuedBehindAWrite_WhenItEnds_ThenTheyAreWrittenInOneBatch(string kind)
    {
        // Arrange: the first write is held until eight more records wait behind it.
        await using var backend = await LedgerBackend.CreateAsync(kind);
        await using var store = new RecordingStore(backend.OpenStore());
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var ledger = Writer(store, backend.DataDirectory, TimeSpan.FromSeconds(5));
        await ledger.Writer.StartAsync(TestContext.Current.CancellationToken);

        // Act
        var first = ledger.Writer.SubmitAsync(Record(), TestContext.Current.CancellationToken);
        Assert.True(await LedgerCalls.EventuallyAsync(() => Task.FromResult(store.Batches.Count == 1)));
        var behind = Enumerable.Range(0, 8).Select(_ => ledger.Writer.SubmitAsync(Record(), TestContext.Current.CancellationToken)).ToList();
        Assert.True(await LedgerCalls.EventuallyAsync(() => Task.FromResult(ledger.Writer.Backlog == 8)));
        store.Gate.SetResult();
        var written = await Task.WhenAll([first, .. behind]);

        // Assert: every caller saw its record committed; the eight went in one batch.
        Assert.All(written, Assert.True);
        Assert.Equal([1, 8], store.Batches);
        Assert.Equal(9, (await store.CountAsync(TestContext.Current.CancellationToken)).HookCalls);
        await ledger.Writer.StopAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenABatchWithOneRecordTheDatabaseRefuses_WhenItIsAppended_ThenNoneOfItIsKept(string kind)
    {
        // Arrange: the third record breaks a NOT NULL constraint (a reason is required).
        await using var backend = await LedgerBackend.CreateAsync(kind);
        await using var store = backend.OpenStore();
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        var broken = Record() with { Decisions = [Record().Decisions[0] with { Reason = null! }] };

        // Act
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => store.AppendAsync([Record(), Record(), broken], TestContext.Current.CancellationToken));
        await store.AppendAsync([Record(), Record()], TestContext.Current.CancellationToken);

        // Assert: all or nothing, and the store still takes the next batch.
        Assert.NotNull(refused);
        Assert.Equal(2, (await store.CountAsync(TestContext.Current.CancellationToken)).HookCalls);
        Assert.Equal(2, (await store.CountAsync(TestContext.Current.CancellationToken)).Assertions);
    }

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenARecordNotCommittedInTime_WhenTheProcessDiesAfterTheAnswer_ThenTheNextStartWritesIt(string kind)
    {
        // Arrange: a store that never finishes the write (a hung disk or database).
        await using var backend = await LedgerBackend.CreateAsync(kind);
        await using var hung = new RecordingStore(backend.OpenStore()) { Gate = new TaskCompletionSource() };
        await hung.MigrateAsync(TestContext.Current.CancellationToken);
        var crashed = Writer(hung, backend.DataDirectory, TimeSpan.FromMilliseconds(30));
        await crashed.Writer.StartAsync(TestContext.Current.CancellationToken);
        var record = Record();

        // Act: the hook answers past its bound; then the process dies: neither stopped nor drained (never disposed).
        var written = await crashed.Writer.SubmitAsync(record, TestContext.Current.CancellationToken);
        var spooledAtAnswer = crashed.Spool.Files().Count;

        // The next start, on the same data directory, with the store answering.
        await using var store = backend.OpenStore();
        using var restarted = Writer(store, backend.DataDirectory, TimeSpan.FromSeconds(1));
        var recovered = await restarted.Writer.RecoverSpoolAsync(TestContext.Current.CancellationToken);

        // Assert
        Assert.False(written);
        Assert.Equal(1, spooledAtAnswer);
        Assert.Equal(1, recovered);
        Assert.NotNull(await store.FindAssertionAsync(record.Decisions[0].AssertionId, TestContext.Current.CancellationToken));
        Assert.Empty(restarted.Spool.Files());
    }

    [Fact]
    public async Task GivenARecordCommittedAfterTheBound_WhenTheWriterCommitsIt_ThenTheSafetyCopyIsRemovedAndNothingHoldsBackTheNext()
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        await using var store = new RecordingStore(backend.OpenStore()) { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        using var ledger = Writer(store, backend.DataDirectory, TimeSpan.FromMilliseconds(30));
        await ledger.Writer.StartAsync(TestContext.Current.CancellationToken);

        // Act: answered past the bound (a copy in the spool), then the store commits it; the next call is not spooled.
        var late = await ledger.Writer.SubmitAsync(Record(), TestContext.Current.CancellationToken);
        var copies = ledger.Spool.Files().Count;
        store.Gate.SetResult();
        var copyRemoved = await LedgerCalls.EventuallyAsync(() => Task.FromResult(ledger.Spool.Files().Count == 0));
        var next = await ledger.Writer.SubmitAsync(Record(), TestContext.Current.CancellationToken);

        // Assert
        Assert.False(late);
        Assert.Equal(1, copies);
        Assert.True(copyRemoved);
        Assert.True(next);
        Assert.Equal(0, ledger.Spool.Count);
        Assert.Equal(2, (await store.CountAsync(TestContext.Current.CancellationToken)).HookCalls);
        await ledger.Writer.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task GivenARecordNotInTheStoreYet_WhenItsAssertionIsLookedUp_ThenItIsFoundAndThenFoundInTheStore()
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        await using var store = new RecordingStore(backend.OpenStore()) { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        using var ledger = Writer(store, backend.DataDirectory, TimeSpan.FromMilliseconds(10));
        await ledger.Writer.StartAsync(TestContext.Current.CancellationToken);
        var lookup = new LedgerLookup(store, ledger.Writer);
        var record = Record();
        var id = record.Decisions[0].AssertionId;

        // Act: answered before the commit; looked up at once (while the store holds it), then after the commit.
        await ledger.Writer.SubmitAsync(record, TestContext.Current.CancellationToken);
        var inStoreBefore = await store.FindAssertionAsync(id, TestContext.Current.CancellationToken);
        var beforeCommit = await lookup.FindAssertionAsync(id, TestContext.Current.CancellationToken);
        var waitingLookup = lookup.FindAssertionAsync(id, TestContext.Current.CancellationToken);
        store.Gate.SetResult();
        var atCommit = await waitingLookup;
        var afterCommit = await lookup.FindAssertionAsync(id, TestContext.Current.CancellationToken);

        // Assert
        Assert.Null(inStoreBefore);
        Assert.Equal(record.Id, beforeCommit?.Call.Id);
        Assert.Equal(record.Id, atCommit?.Call.Id);
        Assert.Equal(record.Id, afterCommit?.Call.Id);
        Assert.Null(await ledger.Writer.NotYetWrittenAsync(id, TimeSpan.Zero, TestContext.Current.CancellationToken));
        await ledger.Writer.StopAsync(TestContext.Current.CancellationToken);
    }

    internal static HookCallRecord Record()
    {
        var id = Guid.CreateVersion7().ToString();
        var detail = new DecisionDetail([new CriterionRecord("I.C", "I.C Mixed donor chimerism", "met", "T-cell 72%", ["Observation/obs-1"])], [], [], [], []);
        return new HookCallRecord
        {
            Id = id,
            ReceivedAt = DateTimeOffset.UtcNow,
            ServiceId = Hooks.SignService,
            Hook = "order-sign",
            HookInstance = Guid.NewGuid().ToString(),
            PatientId = Hooks.PatientId,
            Status = 200,
            Orders = ["ServiceRequest/sr-dli-001"],
            Decisions = [new OrderDecisionRecord("ServiceRequest/sr-dli-001", Guid.CreateVersion7().ToString(), "Coverage/cov-1", "meets-criteria", "I", "Criterion I met", "covered", "auth-needed", null, new DateOnly(2026, 11, 24), detail)],
            Cards = [new CardRecord(Guid.NewGuid().ToString(), "ServiceRequest/sr-dli-001")],
            Response = """{"cards":[]}""",
            ResponseSha256 = new string('0', 64),
        };
    }

    /// <summary>A writer of its own on <paramref name="store"/> and the data directory's spool, as the service builds it.</summary>
    internal static Ledger Writer(ILedgerStore store, string dataDirectory, TimeSpan writeWait) => new(store, dataDirectory, writeWait);

    internal sealed class Ledger : IDisposable
    {
        private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

        public Ledger(ILedgerStore store, string dataDirectory, TimeSpan writeWait)
        {
            Spool = new LedgerSpool(Options.Create(new CdsOptions { DataDirectory = dataDirectory }), NullLogger<LedgerSpool>.Instance);
            var readiness = new LedgerReadiness();
            readiness.MarkReady();
            var options = new LedgerOptions { WriteWait = writeWait, MaxAttempts = 1, RetryDelay = TimeSpan.Zero, SpoolRetryInterval = TimeSpan.FromHours(1) };
            Writer = new LedgerWriter(store, Spool, readiness, new LedgerMetrics(_services.GetRequiredService<IMeterFactory>()), Options.Create(options), TimeProvider.System, NullLogger<LedgerWriter>.Instance);
        }

        public LedgerSpool Spool { get; }

        public LedgerWriter Writer { get; }

        public void Dispose()
        {
            Writer.Dispose();
            _services.Dispose();
        }
    }

    /// <summary>The real store; records the size of each batch appended, and can hold appends back until a gate opens.</summary>
    internal sealed class RecordingStore(SqlLedgerStore inner) : ForwardingLedgerStore(inner)
    {
        private readonly List<int> _batches = [];

        public TaskCompletionSource? Gate { get; set; }

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

        public override async Task AppendAsync(IReadOnlyList<HookCallRecord> records, CancellationToken cancellationToken)
        {
            lock (_batches)
            {
                _batches.Add(records.Count);
            }

            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            await Inner.AppendAsync(records, cancellationToken);
        }
    }
}
