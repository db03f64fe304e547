using Cds.Service.Contract;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Cds.Service.Ledger;

/// <summary>
/// Creates or migrates the ledger's schema before anything reads or writes it: once at start-up and, if the store cannot
/// be reached then (PostgreSQL down), again in the background with growing delays until it can. The service starts
/// either way; hook records wait in the spool meanwhile.
/// </summary>
internal sealed partial class LedgerMigrator(
    ILedgerStore store,
    LedgerReadiness readiness,
    TimeProvider time,
    ILogger<LedgerMigrator> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _retrying;
    private volatile bool _disposed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await TryMigrateAsync(1, cancellationToken))
        {
            _retrying = RetryAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_retrying is null || _disposed)
        {
            return; // migrated at start (nothing runs in the background), or already torn down
        }

        await _stopping.CancelAsync();
        if (_retrying is { } retrying)
        {
            await retrying.WaitAsync(cancellationToken).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _stopping.Dispose();
    }

    private async Task RetryAsync(CancellationToken stoppingToken)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 2; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (await TryMigrateAsync(attempt, stoppingToken))
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private async Task<bool> TryMigrateAsync(int attempt, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AttemptTimeout);
        try
        {
            var version = await store.MigrateAsync(timeout.Token);
            readiness.MarkReady();
            Log.Ready(logger, store.Kind, version, store is SqliteLedgerStore sqlite ? sqlite.FilePath : "shared store (ConnectionStrings:Ledger)");
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Log.NotReady(logger, store.Kind, attempt, e.GetType().Name, LogText.Safe(e.Message));
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Coverage assertion ledger ready: {Kind}, schema version {Version}, {Location}")]
        public static partial void Ready(ILogger logger, string kind, int version, string location);

        [LoggerMessage(2, LogLevel.Error, "Coverage assertion ledger ({Kind}) cannot be reached (attempt {Attempt}: {Error}: {Message}); the service runs on, hook records are spooled locally, and the schema is retried in the background")]
        public static partial void NotReady(ILogger logger, string kind, int attempt, string error, string message);
    }
}

/// <summary>
/// Purges what is older than <see cref="LedgerOptions.Retention"/> (hook calls with their assertions and cards, and
/// feedback) and expired JWT ids: at start, then every <see cref="LedgerOptions.PurgeInterval"/>. Every instance
/// purges; the deletes are idempotent.
/// </summary>
internal sealed partial class LedgerRetention(ILedgerStore store, IOptions<LedgerOptions> options, TimeProvider time, ILogger<LedgerRetention> logger) : BackgroundService
{
    public async Task<LedgerPurgeResult> PurgeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var result = await store.PurgeAsync(now - options.Value.Retention, now, cancellationToken);
        if (result.HookCalls > 0 || result.Feedback > 0)
        {
            Log.Purged(logger, result.HookCalls, result.Feedback, result.JwtIds, options.Value.Retention.TotalDays);
        }

        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, time);
        do
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.Failed(logger, e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Ledger retention: purged {HookCalls} hook call(s) and {Feedback} feedback item(s) older than {RetentionDays} days, and {JwtIds} expired JWT id(s)")]
        public static partial void Purged(ILogger logger, int hookCalls, int feedback, int jwtIds, double retentionDays);

        [LoggerMessage(2, LogLevel.Error, "Ledger retention: purge failed: {Error}: {Message}")]
        public static partial void Failed(ILogger logger, string error, string message);
    }
}

/// <summary>
/// Health of the ledger: Healthy when the store answers and nothing waits in the spool; Degraded (never Unhealthy: the
/// hooks still answer, and records wait in the local spool) while the store is down, its schema not yet in place, or
/// records wait in the spool or were set aside.
/// </summary>
internal sealed class LedgerHealthCheck(ILedgerStore store, LedgerReadiness readiness, LedgerSpool spool, LedgerWriter writer) : IHealthCheck
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["store"] = store.Kind, ["ready"] = readiness.IsReady, ["queue"] = writer.Backlog, ["spool"] = spool.Count, ["rejected"] = spool.RejectedCount,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        try
        {
            await store.PingAsync(timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            data["error"] = e.GetType().Name;
            return HealthCheckResult.Degraded("The ledger store cannot be reached: hook records are spooled locally and written when it is back.", data: data);
        }

        return (readiness.IsReady, spool.Count, spool.RejectedCount) switch
        {
            (false, _, _) => HealthCheckResult.Degraded("The ledger store answers; its schema is not in place yet (retried in the background).", data: data),
            (_, > 0, _) => HealthCheckResult.Degraded("Ledger records wait in the local spool for the store.", data: data),
            (_, _, > 0) => HealthCheckResult.Degraded("Ledger records refused by the store are set aside in the spool (.rejected) for manual recovery.", data: data),
            _ => HealthCheckResult.Healthy("The ledger store answers.", data),
        };
    }
}
