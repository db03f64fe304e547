using System.Diagnostics.Metrics;
using Cds.Service.Ledger;
using Cds.Service.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// A hook whose record finds the SQLite writer idle commits it on its own thread (no hand-off to the writer's thread and
/// back): its submit has completed when the call returns, with the record committed. Records that find a write in
/// progress still queue and share one commit (group commit under load), and a record that finds the writes held up by
/// a checkpoint keeps its safety copy as before (<see cref="LedgerWriteHoldTests"/>).
/// </summary>
public sealed class LedgerInlineCommitTests
{
    [Fact]
    public async Task GivenAnIdleWriter_WhenAHookSubmits_ThenItsRecordIsCommittedBeforeTheCallReturns()
    {
        // Arrange: a real SQLite store; a first record opens the writer's connection (and looks at the spool).
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        await using var store = (SqliteLedgerStore)backend.OpenStore();
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        using var ledger = new Ledger(store, backend.DataDirectory);
        await ledger.Writer.StartAsync(TestContext.Current.CancellationToken);
        Assert.True(await ledger.Writer.SubmitAsync(LedgerGroupCommitTests.Record(), TestContext.Current.CancellationToken));
        var record = LedgerGroupCommitTests.Record();

        // Act: not awaited; a record handed to the writer's thread would still be pending here.
        var submitted = ledger.Writer.SubmitAsync(record, TestContext.Current.CancellationToken);
        var completedAtReturn = submitted.IsCompleted;
        var written = await submitted;

        // Assert: committed on the caller's thread, findable at once, nothing in the spool.
        Assert.True(completedAtReturn);
        Assert.True(written);
        Assert.Equal(2, (await store.CountAsync(TestContext.Current.CancellationToken)).HookCalls);
        Assert.NotNull(await store.FindAssertionAsync(record.Decisions[0].AssertionId, TestContext.Current.CancellationToken));
        Assert.Null(await ledger.Writer.NotYetWrittenAsync(record.Decisions[0].AssertionId, TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.Equal(0, ledger.Spool.Count);
        await ledger.Writer.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task GivenAWriteInProgress_WhenHooksSubmit_ThenTheyQueueAndShareCommits()
    {
        // Arrange: the writer is warm; then the file's write gate is held, as by a write in progress.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        await using var store = (SqliteLedgerStore)backend.OpenStore();
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        using var ledger = new Ledger(store, backend.DataDirectory);
        await ledger.Writer.StartAsync(TestContext.Current.CancellationToken);
        Assert.True(await ledger.Writer.SubmitAsync(LedgerGroupCommitTests.Record(), TestContext.Current.CancellationToken));
        using var commits = new WriteCounter(ledger.Meters);
        var gate = await store.EnterWriteGateAsync(TestContext.Current.CancellationToken);

        // Act: twenty hooks while the gate is held; none may commit on its own thread (that would wait), all must queue.
        var submits = Enumerable.Range(0, 20).Select(_ => ledger.Writer.SubmitAsync(LedgerGroupCommitTests.Record(), TestContext.Current.CancellationToken)).ToList();
        var pendingWhileHeld = submits.Count(s => !s.IsCompleted);
        gate!.Dispose();
        var written = await Task.WhenAll(submits);

        // Assert: every record committed, in far fewer commits than records (the writer's batches).
        Assert.Equal(20, pendingWhileHeld);
        Assert.All(written, Assert.True);
        Assert.Equal(21, (await store.CountAsync(TestContext.Current.CancellationToken)).HookCalls);
        Assert.Equal(20, commits.Records);
        Assert.InRange(commits.Writes, 1, 3);
        Assert.Equal(0, ledger.Spool.Count);
        await ledger.Writer.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task GivenAnotherHooksRecordTakenByTheWriterAndNotYetCommitted_WhenAHookSubmits_ThenItQueuesInsteadOfCommittingInline()
    {
        // Arrange: a real SQLite store whose writer's appends the test can stall (between the writer taking a batch and
        // its commit); a first record opens the writer's connection.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        var sqlite = (SqliteLedgerStore)backend.OpenStore(); // disposed by the wrapper
        await using var store = new StalledAppends(sqlite);
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        using var ledger = new Ledger(store, backend.DataDirectory);
        await ledger.Writer.StartAsync(TestContext.Current.CancellationToken);
        Assert.True(await ledger.Writer.SubmitAsync(LedgerGroupCommitTests.Record(), TestContext.Current.CancellationToken));

        // A first hook's record goes to the writer (the gate is held meanwhile), which takes it and stalls before its commit.
        store.Stall();
        var gate = await sqlite.EnterWriteGateAsync(TestContext.Current.CancellationToken);
        var first = ledger.Writer.SubmitAsync(LedgerGroupCommitTests.Record(), TestContext.Current.CancellationToken);
        Assert.True(await LedgerCalls.EventuallyAsync(() => Task.FromResult(store.AppendsStarted == 1)));
        gate!.Dispose();

        // Act: a second hook finds nothing queued and the gate free, but the first hook's record in flight.
        var second = ledger.Writer.SubmitAsync(LedgerGroupCommitTests.Record(), TestContext.Current.CancellationToken);
        var completedAtReturn = second.IsCompleted;
        store.Resume();
        var written = await Task.WhenAll(first, second);

        // Assert: not committed on its own thread (it would have taken the gate ahead of the writer's batch); both on record.
        Assert.False(completedAtReturn);
        Assert.All(written, Assert.True);
        Assert.Equal(3, (await sqlite.CountAsync(TestContext.Current.CancellationToken)).HookCalls);
        Assert.Equal(0, ledger.Spool.Count);
        await ledger.Writer.StopAsync(TestContext.Current.CancellationToken);
    }

    // The real SQLite store (its inline commit included) whose appends by the writer wait while stalled.
    private sealed class StalledAppends(SqliteLedgerStore inner) : ForwardingLedgerStore(inner), ILocalLedgerStore
    {
        private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _stalled;
        private int _appendsStarted;

        public int AppendsStarted => Volatile.Read(ref _appendsStarted);

        public bool WritesHeld => inner.WritesHeld;

        public void OnWritesHeld(Action held) => inner.OnWritesHeld(held);

        public bool TryAppendNow(IReadOnlyList<HookCallRecord> records) => inner.TryAppendNow(records);

        public void Stall() => _stalled = true;

        public void Resume() => _resumed.TrySetResult();

        public override async Task AppendAsync(IReadOnlyList<HookCallRecord> records, CancellationToken cancellationToken)
        {
            if (_stalled)
            {
                Interlocked.Increment(ref _appendsStarted);
                await _resumed.Task.WaitAsync(cancellationToken);
            }

            await inner.AppendAsync(records, cancellationToken);
        }
    }

    // Counts this ledger's commits (one write-duration measurement per write) and the records they wrote; other tests'
    // ledgers (their own meter factories) are not counted.
    private sealed class WriteCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _writes;
        private long _records;

        public WriteCounter(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name is "cds.ledger.records.written" or "cds.ledger.write.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _records, value));
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _writes));
            _listener.Start();
        }

        public int Writes => Volatile.Read(ref _writes);

        public long Records => Interlocked.Read(ref _records);

        public void Dispose() => _listener.Dispose();
    }

    private sealed class Ledger : IDisposable
    {
        private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

        public Ledger(ILedgerStore store, string dataDirectory)
        {
            Spool = new LedgerSpool(Options.Create(new CdsOptions { DataDirectory = dataDirectory }), NullLogger<LedgerSpool>.Instance);
            var readiness = new LedgerReadiness();
            readiness.MarkReady();
            var options = new LedgerOptions { WriteWait = TimeSpan.FromSeconds(5), LocalWriteWait = TimeSpan.FromSeconds(5), MaxAttempts = 1, RetryDelay = TimeSpan.Zero, SpoolRetryInterval = TimeSpan.FromHours(1) };
            Meters = _services.GetRequiredService<IMeterFactory>();
            Writer = new LedgerWriter(store, Spool, readiness, new LedgerMetrics(Meters), Options.Create(options), TimeProvider.System, NullLogger<LedgerWriter>.Instance);
        }

        public IMeterFactory Meters { get; }

        public LedgerSpool Spool { get; }

        public LedgerWriter Writer { get; }

        public void Dispose()
        {
            Writer.Dispose();
            _services.Dispose();
        }
    }
}
