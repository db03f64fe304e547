using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Cds.Service.Ledger;

/// <summary>Creates or migrates the ledger's schema at start-up, before anything reads or writes it.</summary>
internal sealed partial class LedgerMigrator(ILedgerStore store, ILogger<LedgerMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var version = await store.MigrateAsync(cancellationToken);
        Log.Ready(logger, store.Kind, version, store is SqliteLedgerStore sqlite ? sqlite.FilePath : "shared store (ConnectionStrings:Ledger)");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Coverage assertion ledger ready: {Kind}, schema version {Version}, {Location}")]
        public static partial void Ready(ILogger logger, string kind, int version, string location);
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

/// <summary>Health of the ledger: the store answers, and nothing waits in the spool.</summary>
internal sealed class LedgerHealthCheck(ILedgerStore store, LedgerSpool spool, LedgerWriter writer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["store"] = store.Kind, ["queue"] = writer.Backlog, ["spool"] = spool.Count };
        try
        {
            await store.PingAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The ledger store cannot be reached.", e, data);
        }

        return spool.Count > 0
            ? HealthCheckResult.Degraded("Ledger records wait in the local spool for the store.", data: data)
            : HealthCheckResult.Healthy("The ledger store answers.", data);
    }
}
