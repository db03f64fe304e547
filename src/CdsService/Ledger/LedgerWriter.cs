using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Cds.Service.Ledger;

/// <summary>
/// Writes hook call records in the background. A hook hands its record over and waits for it at most
/// <see cref="LedgerOptions.WriteWait"/>; the record is then written in batches, retried with growing delays, and if the
/// store still refuses it, spooled to the data directory and offered again later. A record the spool cannot take either
/// is logged as lost and counted (<c>cds.ledger.records.lost</c>): never dropped silently. At shutdown the queue is
/// drained; whatever cannot be written in time goes to the spool.
/// </summary>
internal sealed partial class LedgerWriter : BackgroundService
{
    private const int MaxBatch = 64;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly ILedgerStore _store;
    private readonly LedgerSpool _spool;
    private readonly LedgerMetrics _metrics;
    private readonly LedgerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LedgerWriter> _logger;
    private readonly Channel<Pending> _queue;
    private readonly CancellationTokenSource _abort = new();
    private readonly SemaphoreSlim _spoolGate = new(1, 1);

    public LedgerWriter(ILedgerStore store, LedgerSpool spool, LedgerMetrics metrics, IOptions<LedgerOptions> options, TimeProvider time, ILogger<LedgerWriter> logger)
    {
        _store = store;
        _spool = spool;
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
        var started = _time.GetTimestamp();
        var pending = new Pending(record);
        if (!_queue.Writer.TryWrite(pending))
        {
            using var bound = new CancellationTokenSource(_options.WriteWait, _time);
            try
            {
                await _queue.Writer.WriteAsync(pending, bound.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
                // The queue is full (the store is down or slow) or the service is stopping: keep it in the spool.
                Log.Bypassed(_logger, record.HookInstance, e is ChannelClosedException ? "the service is stopping" : "the queue is full");
                await SpoolRecordsAsync([record], CancellationToken.None);
                return false;
            }
        }

        var remaining = _options.WriteWait - _time.GetElapsedTime(started);
        // Wait for the write at most the remaining bound, without an exception per deferred record (measured: about
        // seven TimeoutExceptions a second under load with WaitAsync).
        if (remaining > TimeSpan.Zero && !pending.Written.Task.IsCompleted)
        {
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(pending.Written.Task, Task.Delay(remaining, _time, stopWaiting.Token));
            await stopWaiting.CancelAsync();
        }

        // Answer now if it is not written yet (or the caller went away); the record is written in the background.
        var written = pending.Written.Task.IsCompletedSuccessfully;

        if (!written)
        {
            _metrics.Deferred();
        }

        var waited = _time.GetElapsedTime(started);
        _metrics.HookWaited(waited);
        Log.Waited(_logger, record.HookInstance, written, waited.TotalMilliseconds);
        return written;
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

    /// <summary>Offers the spooled records to the store again: now, then every <see cref="LedgerOptions.SpoolRetryInterval"/>.</summary>
    internal async Task<int> RecoverSpoolAsync(CancellationToken cancellationToken)
    {
        await _spoolGate.WaitAsync(cancellationToken);
        try
        {
            var recovered = 0;
            foreach (var chunk in _spool.Files().Chunk(MaxBatch))
            {
                var records = new List<(string Path, HookCallRecord Record)>();
                foreach (var path in chunk)
                {
                    if (await _spool.ReadAsync(path, cancellationToken) is { } record)
                    {
                        records.Add((path, record));
                    }
                }

                try
                {
                    await _store.AppendAsync([.. records.Select(r => r.Record)], cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    Log.SpoolRecoveryFailed(_logger, _spool.Count, e.GetType().Name, e.Message);
                    return recovered; // the store is still refusing; try again at the next interval
                }

                foreach (var (path, _) in records)
                {
                    LedgerSpool.Remove(path);
                }

                recovered += records.Count;
                _metrics.Written(records.Count, TimeSpan.Zero);
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

    private async Task RecoverSpoolLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SpoolRetryInterval, _time);
        do
        {
            try
            {
                await RecoverSpoolAsync(stoppingToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.SpoolRecoveryFailed(_logger, -1, e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
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
        var records = batch.Select(p => p.Record).ToList();
        if (await TryWriteAsync(records, _options.MaxAttempts, cancellationToken))
        {
            batch.ForEach(p => p.Written.TrySetResult());
            return;
        }

        // One record may be what the store refuses: give each its own chance before spooling.
        var failed = new List<Pending>();
        foreach (var pending in batch)
        {
            if (batch.Count > 1 && await TryWriteAsync([pending.Record], 1, cancellationToken))
            {
                pending.Written.TrySetResult();
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
                _metrics.Written(records.Count, elapsed);
                Log.Written(_logger, records.Count, elapsed.TotalMilliseconds);
                return true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                Log.WriteFailed(_logger, records.Count, attempt, attempts, e.GetType().Name, e.Message);
                if (attempt >= attempts)
                {
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
            pending.Written.TrySetResult();
        }
    }

    private async Task SpoolRecordsAsync(List<HookCallRecord> records, CancellationToken cancellationToken)
    {
        foreach (var record in records)
        {
            if (await _spool.SaveAsync(record, cancellationToken))
            {
                _metrics.Spooled(1);
                Log.Spooled(_logger, record.Id, record.HookInstance, string.Join(",", record.AssertionIds));
            }
            else
            {
                _metrics.Lost(1);
                Log.Lost(_logger, record.Id, record.HookInstance, string.Join(",", record.AssertionIds));
            }
        }
    }

    /// <summary>A record on its way, and a signal for the hook that waits for it.</summary>
    private sealed class Pending(HookCallRecord record)
    {
        public HookCallRecord Record { get; } = record;

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
