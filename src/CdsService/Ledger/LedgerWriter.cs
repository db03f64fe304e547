using System.Collections.Concurrent;
using System.Data.Common;
using Cds.Service.Contract;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Cds.Service.Ledger;

/// <summary>
/// Group commit of hook call records. One writer takes every record queued by concurrent calls and writes them in one
/// transaction (SQLite WAL with synchronous=NORMAL: no fsync per commit; PostgreSQL: one round trip per batch); a hook
/// waits for the commit of its batch, never for an fsync of its own, and at most <see cref="LedgerOptions.WriteWait"/>.
/// Past that bound the hook puts a copy of its record in the spool (<see cref="LedgerSpool.SaveSafetyCopyAsync"/>) before
/// it answers, so an accepted record is either committed or in a spool file when the answer leaves, and a crash of the
/// process loses nothing (the next start replays the spool). Records not yet committed can be looked up
/// (<see cref="NotYetWrittenAsync"/>: read-your-writes). A failed write is retried with growing delays, then spooled and
/// offered again later. A record the spool cannot take either is logged as lost and counted
/// (<c>cds.ledger.records.lost</c>): never dropped silently. At shutdown the queue is drained; whatever cannot be written
/// in time goes to the spool.
/// <para>
/// With a store on this machine (<see cref="ILocalLedgerStore"/>: SQLite) three things differ. A hook waits at most
/// <see cref="LedgerOptions.LocalWriteWait"/> (20 ms) for its commit, not <see cref="LedgerOptions.WriteWait"/>. It does
/// not wait at all while the store's writes are held up by its own upkeep (a WAL restart, with its fsyncs): it keeps its
/// safety copy at once and answers. And the safety copy is written to the page cache only, not fsynced: a
/// commit of that store is itself durable against a crash of the process and not against a power loss, so the copy
/// gives the record exactly the durability its commit would have (a SIGKILL loses nothing; a power loss can lose it, as
/// it can lose the last commits), without a disk flush on the hook's time. With PostgreSQL, whose commit survives a
/// power loss, the copy is fsynced as before. Safety copies are removed in the background (on this VM's ext4 an unlink
/// is a synchronous discard of the file's blocks), never by the writer or the hook.
/// </para>
/// <para>
/// And a record that finds such a store idle (nothing queued, the store's write gate free at once, the writes not held
/// up) is committed on the hook's own thread (<see cref="ILocalLedgerStore.TryAppendNow"/>): an unloaded call does not
/// pay two thread hand-offs for a commit it would wait for anyway. Under load the records queue and share commits.
/// </para>
/// </summary>
internal sealed partial class LedgerWriter : BackgroundService
{
    private const int MaxBatch = 64;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly ILedgerStore _store;
    private readonly LedgerSpool _spool;
    private readonly LedgerReadiness _readiness;
    private readonly LedgerMetrics _metrics;
    private readonly LedgerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LedgerWriter> _logger;
    private readonly Channel<Pending> _queue;
    private readonly ILocalLedgerStore? _local;

    // Records accepted and not yet committed, by assertion id: what a lookup right after the answer must still find.
    private readonly ConcurrentDictionary<string, Pending> _unwritten = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _abort = new();
    private readonly SemaphoreSlim _spoolGate = new(1, 1);

    // A wake-up for the spool loop (capacity one: many wake-ups before it runs are one).
    private readonly Channel<bool> _recoverNow = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private volatile bool _storeAnswers = true;
    private int _inFlight; // records between the start of their SubmitAsync and its answer
    private volatile bool _spoolMayHaveRecords = true; // looked at on the first batch: an earlier run may have left records

    public LedgerWriter(ILedgerStore store, LedgerSpool spool, LedgerReadiness readiness, LedgerMetrics metrics, IOptions<LedgerOptions> options, TimeProvider time, ILogger<LedgerWriter> logger)
    {
        _store = store;
        _local = store as ILocalLedgerStore;
        _local?.OnWritesHeld(StopWaiting);
        _spool = spool;
        _readiness = readiness;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        metrics.Observe(() => _queue.Reader.Count, () => _spool.Count);
    }

    /// <summary>Records waiting to be written.</summary>
    public int Backlog => _queue.Reader.Count;

    /// <summary>
    /// Hands <paramref name="record"/> over and waits until it is written, but no longer than the configured bound; past
    /// it the write goes on in the background. Returns true when the record was written within the bound.
    /// </summary>
    public async Task<bool> SubmitAsync(HookCallRecord record, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            var started = _time.GetTimestamp();
            record = LedgerLimits.Bound(record);
            var pending = new Pending(record);
            foreach (var assertionId in record.AssertionIds)
            {
                _unwritten[assertionId] = pending;
            }

            if (!TryCommitNow(pending) && !_queue.Writer.TryWrite(pending))
            {
                using var bound = new CancellationTokenSource(_options.WriteWait, _time);
                try
                {
                    await _queue.Writer.WriteAsync(pending, bound.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
                {
                    // The queue is full (the store is down or slow) or the service is stopping: keep it in the spool.
                    Log.Bypassed(_logger, LogText.Safe(record.HookInstance), e is ChannelClosedException ? "the service is stopping" : "the queue is full");
                    await SpoolAsync([pending], CancellationToken.None);
                    return false;
                }
            }

            var remaining = (_local is null ? _options.WriteWait : TimeSpan.FromTicks(Math.Min(_options.WriteWait.Ticks, _options.LocalWriteWait.Ticks)))
                - _time.GetElapsedTime(started);
            // Wait for the write at most the remaining bound, without an exception per deferred record (SuppressThrowing: a
            // timeout or a cancellation ends the wait, it throws nothing) and without a linked token source and a delay task
            // per call.
            // A local store's writes held up by its upkeep: no wait (and a wait in progress ends when they become held).
            if (remaining > TimeSpan.Zero && !pending.Written.Task.IsCompleted && _local is not { WritesHeld: true })
            {
                await pending.Written.Task.WaitAsync(remaining, _time, cancellationToken)
                    .ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
            }

            // Answer now if it is not written yet (or the caller went away); the record is written in the background, and
            // a copy waits in the spool first, so that a crash before the commit loses nothing.
            var written = Volatile.Read(ref pending.State) == Pending.Done;

            if (!written)
            {
                _metrics.Deferred();
                await KeepSafetyCopyAsync(pending);
            }

            var waited = _time.GetElapsedTime(started);
            _metrics.HookWaited(waited);
            Log.Waited(_logger, LogText.Safe(record.HookInstance), written, waited.TotalMilliseconds);
            return written;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    // A local store with nothing else to write: the hook commits its own record on its own thread, so that an unloaded
    // call does not pay two thread hand-offs (to the writer's thread and back to its continuation). Only when nothing is
    // queued (queued records are the writer's next batch: under load records still share commits), no other hook's record
    // is in flight (one the writer has taken but not yet committed would wait for this commit, and commit alone after it:
    // at c 8 that halved the records per commit), no record may wait in the spool (this one would overtake it), the store
    // took the last write, and the store can start at once (no write of the writer, the JWT ids, a feedback or a purge in
    // progress, no checkpoint holding the writes up: never a wait and never an fsync on the hook's thread). A failed write
    // here is the writer's to retry and, failing that, spool.
    private bool TryCommitNow(Pending pending)
    {
        if (_local is null || Volatile.Read(ref _inFlight) > 1 || _spoolMayHaveRecords || !_storeAnswers || _queue.Reader.Count > 0)
        {
            return false;
        }

        var started = _time.GetTimestamp();
        try
        {
            if (!_local.TryAppendNow([pending.Record]))
            {
                return false;
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            Log.WriteFailed(_logger, 1, 1, _options.MaxAttempts, e.GetType().Name, LogText.Safe(e.Message));
            return false;
        }

        var elapsed = _time.GetElapsedTime(started);
        _metrics.Written(1, elapsed);
        Log.Written(_logger, 1, elapsed.TotalMilliseconds);
        Complete(pending, inStore: true);
        return true;
    }

    // The store's writes are held up (inside its write gate, on its thread): the hooks waiting for a commit stop waiting
    // and keep their safety copies. Those waiting are the records not written yet; a record without an assertion id is
    // not among them and waits out its (short) bound.
    private void StopWaiting()
    {
        foreach (var pending in _unwritten.Values)
        {
            pending.Written.TrySetResult();
        }
    }

    /// <summary>
    /// Read-your-writes: the record that issued <paramref name="assertionId"/> while it is accepted but not in the store
    /// yet. Waits for its commit up to <paramref name="wait"/>; null when the store has it (or this instance does not hold
    /// it: read the store), else the record as accepted (still queued or being written).
    /// </summary>
    public async Task<HookCallRecord?> NotYetWrittenAsync(string assertionId, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!_unwritten.TryGetValue(assertionId, out var pending))
        {
            return null;
        }

        if (!pending.Written.Task.IsCompleted)
        {
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(pending.Written.Task, Task.Delay(wait, _time, stopWaiting.Token));
            await stopWaiting.CancelAsync();
        }

        return pending.InStore ? null : pending.Record;
    }

    // The hook's own copy of a record not committed within the bound. Whoever finishes second removes it: the writer once
    // the record is committed (or spooled by it), or this method when the writer was first.
    private async Task KeepSafetyCopyAsync(Pending pending)
    {
        if (Volatile.Read(ref pending.State) != Pending.Queued)
        {
            return;
        }

        if (await _spool.SaveSafetyCopyAsync(pending.Record, flushToDisk: _local is null, CancellationToken.None) is not { } path)
        {
            return; // logged by the spool; the writer still has the record
        }

        pending.SafetyCopy = path;
        if (Interlocked.CompareExchange(ref pending.State, Pending.Copied, Pending.Queued) != Pending.Queued)
        {
            _spool.RemoveLater(path); // committed meanwhile
        }
    }

    // The record is in the store (or in a spool file of the writer's): the hook's copy is no longer needed.
    private void Complete(Pending pending, bool inStore)
    {
        pending.InStore = inStore;
        if (Interlocked.Exchange(ref pending.State, Pending.Done) == Pending.Copied && pending.SafetyCopy is { } copy)
        {
            _spool.RemoveLater(copy);
        }

        pending.Written.TrySetResult();
        foreach (var assertionId in pending.Record.AssertionIds)
        {
            _unwritten.TryRemove(new KeyValuePair<string, Pending>(assertionId, pending));
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // No new records (late ones go to the spool); what is queued is written while the host allows.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCompleted: false } running)
        {
            await _abort.CancelAsync();
            await running;
        }
    }

    public override void Dispose()
    {
        _recoverNow.Writer.TryComplete();
        _abort.Dispose();
        _spoolGate.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var spoolLoop = RecoverSpoolLoopAsync(stoppingToken);
        await ConsumeAsync();
        try
        {
            await spoolLoop;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// Offers the spooled records to the store again, oldest first, until the spool is empty or the store refuses: at
    /// start once the schema is in place, every <see cref="LedgerOptions.SpoolRetryInterval"/>, and at once when new
    /// records were spooled behind older ones while the store answers.
    /// </summary>
    internal async Task<int> RecoverSpoolAsync(CancellationToken cancellationToken)
    {
        await _spoolGate.WaitAsync(cancellationToken);
        try
        {
            var recovered = 0;
            while (_spool.Files() is { Count: > 0 } files)
            {
                var chunk = files.Take(MaxBatch).ToList();
                var records = new List<(string Path, HookCallRecord Record)>();
                foreach (var path in chunk)
                {
                    if (await _spool.ReadAsync(path, cancellationToken) is { } record)
                    {
                        records.Add((path, record));
                    }
                }

                var written = await TryRecoverAsync(records, cancellationToken);
                recovered += written;
                if (written == 0 && records.Count > 0)
                {
                    break; // the store is still refusing; try again at the next interval
                }
            }

            if (recovered > 0)
            {
                Log.SpoolRecovered(_logger, recovered);
            }

            return recovered;
        }
        finally
        {
            _spoolGate.Release();
        }
    }

    // Writes a chunk in one transaction; if that fails, one by one, so one record the store refuses (while it takes
    // the ones after it) is set aside instead of holding the spool. Returns how many were written or set aside.
    private async Task<int> TryRecoverAsync(List<(string Path, HookCallRecord Record)> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return 0;
        }

        try
        {
            await _store.AppendAsync([.. records.Select(r => r.Record)], cancellationToken);
            records.ForEach(r => LedgerSpool.Remove(r.Path));
            _metrics.Written(records.Count, TimeSpan.Zero);
            _storeAnswers = true;
            return records.Count;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (records.Count == 1)
            {
                _storeAnswers = false;
                Log.SpoolRecoveryFailed(_logger, _spool.Count, e.GetType().Name, LogText.Safe(e.Message));
                return 0;
            }
        }

        var failed = new List<(string Path, HookCallRecord Record, string Error)>();
        var done = 0;
        foreach (var (path, record) in records)
        {
            try
            {
                await _store.AppendAsync([record], cancellationToken);
                LedgerSpool.Remove(path);
                _metrics.Written(1, TimeSpan.Zero);
                done++;

                // The store took this one: those before it that it refused are refused for what they hold.
                failed.ForEach(f => _spool.Reject(f.Path, f.Record.Id, f.Error));
                done += failed.Count;
                failed.Clear();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failed.Add((path, record, e.GetType().Name));
            }
        }

        _storeAnswers = failed.Count < records.Count;
        if (done == 0)
        {
            Log.SpoolRecoveryFailed(_logger, _spool.Count, failed[0].Error, "every record of the spool's oldest chunk was refused");
        }

        return done;
    }

    private async Task RecoverSpoolLoopAsync(CancellationToken stoppingToken)
    {
        // Nothing is replayed before the schema is in place (the store may have been down at start).
        await _readiness.WaitAsync(stoppingToken);
        do
        {
            try
            {
                await RecoverSpoolAsync(stoppingToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.SpoolRecoveryFailed(_logger, -1, e.GetType().Name, LogText.Safe(e.Message));
            }
        }
        while (await NextRoundAsync(stoppingToken));
    }

    // The next spool round: after the interval, or sooner when woken.
    private async Task<bool> NextRoundAsync(CancellationToken stoppingToken)
    {
        using var round = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var interval = Task.Delay(_options.SpoolRetryInterval, _time, round.Token);
        var woken = _recoverNow.Reader.WaitToReadAsync(round.Token).AsTask();
        await Task.WhenAny(interval, woken);
        await round.CancelAsync();
        _recoverNow.Reader.TryRead(out _);
        return !stoppingToken.IsCancellationRequested;
    }

    private async Task ConsumeAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                await WriteAsync(batch, _abort.Token);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Out of time at shutdown: everything not yet written goes to the spool.
            while (reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await SpoolAsync(batch, CancellationToken.None);
        }
    }

    private async Task WriteAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        // Older records wait in the spool: these go behind them, so the store receives records in order. The directory
        // is only looked at while something may be there (cleared first, then checked, so a concurrent spool is seen).
        if (_spoolMayHaveRecords && SpoolHasRecords())
        {
            await SpoolAsync(batch, cancellationToken);
            if (_storeAnswers && _readiness.IsReady)
            {
                _recoverNow.Writer.TryWrite(true);
            }

            return;
        }

        var records = batch.Select(p => p.Record).ToList();
        if (await TryWriteAsync(records, _options.MaxAttempts, cancellationToken))
        {
            batch.ForEach(p => Complete(p, inStore: true));
            return;
        }

        // One record may be what the store refuses: give each its own chance before spooling.
        var failed = new List<Pending>();
        foreach (var pending in batch)
        {
            if (batch.Count > 1 && await TryWriteAsync([pending.Record], 1, cancellationToken))
            {
                Complete(pending, inStore: true);
            }
            else
            {
                failed.Add(pending);
            }
        }

        await SpoolAsync(failed, cancellationToken);
    }

    private async Task<bool> TryWriteAsync(List<HookCallRecord> records, int attempts, CancellationToken cancellationToken)
    {
        var delay = _options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var started = _time.GetTimestamp();
            try
            {
                await _store.AppendAsync(records, cancellationToken);
                var elapsed = _time.GetElapsedTime(started);
                _storeAnswers = true;
                _metrics.Written(records.Count, elapsed);
                Log.Written(_logger, records.Count, elapsed.TotalMilliseconds);
                return true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                Log.WriteFailed(_logger, records.Count, attempt, attempts, e.GetType().Name, LogText.Safe(e.Message));
                if (attempt >= attempts)
                {
                    _storeAnswers = false;
                    return false;
                }
            }

            _metrics.Retried();
            await Task.Delay(delay, _time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private async Task SpoolAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken)
    {
        await SpoolRecordsAsync([.. batch.Select(p => p.Record)], cancellationToken);
        foreach (var pending in batch)
        {
            Complete(pending, inStore: false);
        }
    }

    private bool SpoolHasRecords()
    {
        _spoolMayHaveRecords = false;
        if (_spool.HasRecords)
        {
            _spoolMayHaveRecords = true;
        }

        return _spoolMayHaveRecords;
    }

    private async Task SpoolRecordsAsync(List<HookCallRecord> records, CancellationToken cancellationToken)
    {
        foreach (var record in records)
        {
            if (await _spool.SaveAsync(record, cancellationToken) is not null)
            {
                _spoolMayHaveRecords = true;
                _metrics.Spooled(1);
                Log.Spooled(_logger, record.Id, LogText.Safe(record.HookInstance), string.Join(",", record.AssertionIds));
            }
            else
            {
                _metrics.Lost(1);
                Log.Lost(_logger, record.Id, LogText.Safe(record.HookInstance), string.Join(",", record.AssertionIds));
            }
        }
    }

    /// <summary>A record on its way, a signal for the hook that waits for it, and the hook's copy in the spool if any.</summary>
    private sealed class Pending(HookCallRecord record)
    {
        public const int Queued = 0;
        public const int Copied = 1;
        public const int Done = 2;

        /// <summary><see cref="Queued"/>, <see cref="Copied"/> (the hook kept a copy in the spool) or <see cref="Done"/> (written or spooled by the writer).</summary>
        public int State;

        public HookCallRecord Record { get; } = record;

        /// <summary>
        /// Completed when the writer has the record (committed or in its spool: <see cref="State"/> is <see cref="Done"/>),
        /// or earlier when a local store's writes are held up: then the waits end and the record is not written yet.
        /// </summary>
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string? SafetyCopy { get; set; }

        public bool InStore { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Ledger write of {Records} record(s) failed (attempt {Attempt} of {Attempts}): {Error}: {Message}")]
        public static partial void WriteFailed(ILogger logger, int records, int attempt, int attempts, string error, string message);

        [LoggerMessage(2, LogLevel.Error, "Ledger record {RecordId} (hook {HookInstance}, assertions {AssertionIds}) was not written to the store; kept in the spool and retried later")]
        public static partial void Spooled(ILogger logger, string recordId, string? hookInstance, string assertionIds);

        [LoggerMessage(3, LogLevel.Critical, "Ledger record {RecordId} (hook {HookInstance}, assertions {AssertionIds}) could be neither written nor spooled: it is LOST from the ledger")]
        public static partial void Lost(ILogger logger, string recordId, string? hookInstance, string assertionIds);

        [LoggerMessage(4, LogLevel.Warning, "Ledger record of hook {HookInstance} went straight to the spool: {Reason}")]
        public static partial void Bypassed(ILogger logger, string? hookInstance, string reason);

        [LoggerMessage(5, LogLevel.Information, "Ledger: {Records} spooled record(s) written to the store")]
        public static partial void SpoolRecovered(ILogger logger, int records);

        [LoggerMessage(7, LogLevel.Debug, "Ledger record of hook {HookInstance}: written before the answer: {Written}, the answer waited {WaitedMs:0.000} ms")]
        public static partial void Waited(ILogger logger, string? hookInstance, bool written, double waitedMs);

        [LoggerMessage(8, LogLevel.Debug, "Ledger: {Records} record(s) written in {ElapsedMs:0.000} ms")]
        public static partial void Written(ILogger logger, int records, double elapsedMs);

        [LoggerMessage(6, LogLevel.Warning, "Ledger: {Pending} spooled record(s) still not accepted by the store: {Error}: {Message}")]
        public static partial void SpoolRecoveryFailed(ILogger logger, int pending, string error, string message);
    }
}
