using System.Diagnostics.Metrics;
using Cds.Service.Ledger;
using Cds.Service.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// A local store (SQLite) whose writes are held up by its upkeep (a WAL restart and its fsyncs): a hook does not wait
/// through it, keeps an unflushed safety copy and answers; the record is committed afterwards and its copy removed; a
/// crash of the process before the commit loses nothing (the next start replays the copy). And the real SQLite store's
/// restarts: past <see cref="SqliteCheckpointer.RestartFrames"/> the WAL restarts, every record stays on record once.
/// </summary>
public sealed class LedgerWriteHoldTests
{
    [Fact]
    public async Task GivenTheWritesHeldUp_WhenAHookSubmits_ThenItAnswersAtOnceWithASafetyCopyAndTheRecordIsCommittedAfter()
    {
        // Arrange: a bound far longer than the test; the store's writes held up and its appends blocked.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        await using var store = new HeldStore(backend.OpenStore());
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        using var ledger = Writer(store, backend.DataDirectory);
        await ledger.Writer.StartAsync(TestContext.Current.CancellationToken);
        store.Hold();
        var record = LedgerGroupCommitTests.Record();

        // Act
        var started = TimeProvider.System.GetTimestamp();
        var written = await ledger.Writer.SubmitAsync(record, TestContext.Current.CancellationToken);
        var waited = TimeProvider.System.GetElapsedTime(started);
        var copies = ledger.Spool.Files().Count;
        store.Resume();
        var committed = await LedgerCalls.EventuallyAsync(async () => (await store.CountAsync(TestContext.Current.CancellationToken)).HookCalls == 1);
        var copyRemoved = await LedgerCalls.EventuallyAsync(() => Task.FromResult(ledger.Spool.Files().Count == 0));

        // Assert: no wait for the 5 s bound; the copy was there at the answer, gone after the commit.
        Assert.False(written);
        Assert.True(waited < TimeSpan.FromSeconds(2), $"waited {waited}");
        Assert.Equal(1, copies);
        Assert.True(committed);
        Assert.True(copyRemoved);
        Assert.NotNull(await store.FindAssertionAsync(record.Decisions[0].AssertionId, TestContext.Current.CancellationToken));
        await ledger.Writer.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task GivenAHookWaitingForItsCommit_WhenTheWritesBecomeHeldUp_ThenItStopsWaitingAndASafetyCopyIsKept()
    {
        // Arrange: the append blocks (a commit in progress), the hook waits within its 5 s bound.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        await using var store = new HeldStore(backend.OpenStore());
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        using var ledger = Writer(store, backend.DataDirectory);
        await ledger.Writer.StartAsync(TestContext.Current.CancellationToken);
        store.BlockAppends();
        var submitted = ledger.Writer.SubmitAsync(LedgerGroupCommitTests.Record(), TestContext.Current.CancellationToken);
        Assert.True(await LedgerCalls.EventuallyAsync(() => Task.FromResult(store.AppendsStarted == 1)));
        var answeredBeforeHold = submitted.IsCompleted;

        // Act: the writes become held up while it waits.
        store.Hold();
        var written = await submitted.WaitAsync(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        var copies = ledger.Spool.Files().Count;
        store.Resume();
        var committed = await LedgerCalls.EventuallyAsync(async () => (await store.CountAsync(TestContext.Current.CancellationToken)).HookCalls == 1);

        // Assert
        Assert.False(answeredBeforeHold);
        Assert.False(written);
        Assert.Equal(1, copies);
        Assert.True(committed);
        await ledger.Writer.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task GivenAnAnswerGivenWhileTheWritesWereHeldUp_WhenTheProcessDiesBeforeTheCommit_ThenTheNextStartWritesIt()
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        await using var held = new HeldStore(backend.OpenStore());
        await held.MigrateAsync(TestContext.Current.CancellationToken);
        var crashed = Writer(held, backend.DataDirectory);
        await crashed.Writer.StartAsync(TestContext.Current.CancellationToken);
        held.Hold();
        var record = LedgerGroupCommitTests.Record();

        // Act: answered while held; the process dies (never stopped, never disposed); the next start replays the spool.
        var written = await crashed.Writer.SubmitAsync(record, TestContext.Current.CancellationToken);
        await using var store = backend.OpenStore();
        using var restarted = LedgerGroupCommitTests.Writer(store, backend.DataDirectory, TimeSpan.FromSeconds(1));
        var recovered = await restarted.Writer.RecoverSpoolAsync(TestContext.Current.CancellationToken);

        // Assert
        Assert.False(written);
        Assert.Equal(1, recovered);
        Assert.NotNull(await store.FindAssertionAsync(record.Decisions[0].AssertionId, TestContext.Current.CancellationToken));
        Assert.Empty(restarted.Spool.Files());
    }

    [Fact]
    public async Task GivenRecordsWrittenPastTheRestartThreshold_WhenTheWalRestarts_ThenEveryRecordIsKeptOnceAndTheWalStaysBounded()
    {
        // Arrange: the service's SQLite store and writer, one caller (one record per commit: the most WAL frames per record).
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        await using var store = (SqliteLedgerStore)backend.OpenStore();
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        using var ledger = Writer(store, backend.DataDirectory);
        await ledger.Writer.StartAsync(TestContext.Current.CancellationToken);

        // Act: until the writes were held up by a restart twice (or 6,000 records).
        var submitted = 0;
        while (store.WriteHolds.Count < 2 && submitted < 6_000)
        {
            await ledger.Writer.SubmitAsync(LedgerGroupCommitTests.Record(), TestContext.Current.CancellationToken);
            submitted++;
        }

        await ledger.Writer.StopAsync(TestContext.Current.CancellationToken);
        var wal = new FileInfo(backend.SqlitePath + "-wal");

        // Assert: restarted, nothing lost or doubled, the WAL no larger than the backstop (20,000 pages of 4 KB and their headers).
        Assert.True(store.WriteHolds.Count >= 2, $"{store.WriteHolds.Count} restarts after {submitted} records");
        Assert.Equal(submitted, (await store.CountAsync(TestContext.Current.CancellationToken)).HookCalls);
        Assert.True(!wal.Exists || wal.Length < SqliteCheckpointer.BackstopPages * 4_120L, $"WAL {wal.Length} bytes after {submitted} records");
        Assert.Equal(0, ledger.Spool.Count);
    }

    [Fact]
    public async Task GivenRecordsCommittedInlineWithNoCheckpointYet_WhenTheirPagesReachTheRestartThreshold_ThenTheNextIsLeftToTheWriter()
    {
        // Arrange: the real SQLite store, its writer's connection open; records of about 100 WAL pages each, so that the
        // WAL reaches the threshold in far fewer records than start a checkpoint (250): only the commits can tell.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        await using var store = (SqliteLedgerStore)backend.OpenStore();
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        await store.AppendAsync([LargeRecord()], TestContext.Current.CancellationToken);
        var wal = new FileInfo(backend.SqlitePath + "-wal");
        var before = WalFrames(wal);
        Assert.True(store.TryAppendNow([LargeRecord()]));
        var perRecord = WalFrames(wal) - before;
        Assert.InRange(perRecord, 90, 120);

        // Act: one inline commit after another, as one caller whose commits never yield its thread, until one is refused.
        var committed = 2;
        while (committed < SqliteCheckpointer.RecordsPerCheckpoint - 1 && store.TryAppendNow([LargeRecord()]))
        {
            committed++;
        }

        var framesAtRefusal = WalFrames(wal);

        // Assert: refused at the threshold (not at the backstop, where a checkpoint would run inside a commit), before
        // the 250 records that start a checkpoint; every record committed is on record.
        Assert.True(committed < SqliteCheckpointer.RecordsPerCheckpoint - 1, $"{committed} records committed inline, none refused, WAL {framesAtRefusal} frames");
        Assert.InRange(framesAtRefusal, SqliteCheckpointer.RestartFrames, SqliteCheckpointer.RestartFrames + (2 * perRecord));
        Assert.Equal(committed, (await store.CountAsync(TestContext.Current.CancellationToken)).HookCalls);
    }

    // One call's record with a 400 KB response (about 100 pages of 4 KB).
    private static HookCallRecord LargeRecord() =>
        LedgerGroupCommitTests.Record() with { Response = $$"""{"cards":[],"detail":"{{new string('x', 400_000)}}"}""" };

    // The frames a WAL file has held (it is reused from its beginning after a restart, never shrunk): 4 KB pages, each
    // with its 24-byte frame header, after the 32-byte file header.
    private static long WalFrames(FileInfo wal)
    {
        wal.Refresh();
        return wal.Exists ? (wal.Length - 32) / 4_120 : 0;
    }

    // As the service builds it, with both bounds far longer than the tests (a hook that answers early did not wait them out).
    private static Ledger Writer(ILedgerStore store, string dataDirectory) => new(store, dataDirectory);

    private sealed class Ledger : IDisposable
    {
        private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

        public Ledger(ILedgerStore store, string dataDirectory)
        {
            Spool = new LedgerSpool(Options.Create(new CdsOptions { DataDirectory = dataDirectory }), NullLogger<LedgerSpool>.Instance);
            var readiness = new LedgerReadiness();
            readiness.MarkReady();
            var options = new LedgerOptions { WriteWait = TimeSpan.FromSeconds(5), LocalWriteWait = TimeSpan.FromSeconds(5), MaxAttempts = 1, RetryDelay = TimeSpan.Zero, SpoolRetryInterval = TimeSpan.FromHours(1) };
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

    /// <summary>A local store whose writes the test holds up (and whose appends it can block), over a real SQLite store.</summary>
    private sealed class HeldStore(SqlLedgerStore inner) : ForwardingLedgerStore(inner), ILocalLedgerStore
    {
        private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Action? _onHeld;
        private volatile bool _held;
        private volatile bool _block;
        private int _appendsStarted;

        public bool WritesHeld => _held;

        public int AppendsStarted => Volatile.Read(ref _appendsStarted);

        public void OnWritesHeld(Action held) => _onHeld += held;

        // Every record goes through the writer's AppendAsync, which these tests hold up or block.
        public bool TryAppendNow(IReadOnlyList<HookCallRecord> records) => false;

        public void Hold()
        {
            _held = true;
            _onHeld?.Invoke();
        }

        public void BlockAppends() => _block = true;

        public void Resume()
        {
            _held = false;
            _resumed.TrySetResult();
        }

        public override async Task AppendAsync(IReadOnlyList<HookCallRecord> records, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _appendsStarted);
            if (_held || _block)
            {
                await _resumed.Task.WaitAsync(cancellationToken);
            }

            await Inner.AppendAsync(records, cancellationToken);
        }
    }
}
