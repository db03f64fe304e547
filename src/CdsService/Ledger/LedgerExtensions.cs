using Cds.Service.Hooks;
using Cds.Service.Policy;
using Cds.Service.Security;
using Microsoft.Extensions.Options;

namespace Cds.Service.Ledger;

/// <summary>
/// Wires the coverage assertion ledger: the store (PostgreSQL when <c>ConnectionStrings:Ledger</c> is set, else SQLite in
/// the data directory), its migration at start-up, the background writer, retention, the shared JWT replay cache,
/// the health check and the payer-only read endpoints.
/// </summary>
internal static partial class LedgerExtensions
{
    public static WebApplicationBuilder AddLedger(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LedgerOptions>().BindConfiguration(LedgerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(CreateStore);
        services.AddSingleton<LedgerMetrics>();
        services.AddSingleton<LedgerSpool>();
        services.AddSingleton<LedgerReadiness>();
        services.AddSingleton<LedgerWriter>();
        services.AddSingleton<LedgerRecorder>();
        services.AddSingleton<LedgerLookup>();
        services.AddSingleton<IHookObserver>(sp => sp.GetRequiredService<LedgerRecorder>());
        services.AddSingleton<LedgerRetention>();

        // Started in this order: the migrator tries the schema before the writer, the retention or a request touches it;
        // if the store is down it retries in the background and the service starts anyway (records go to the spool).
        services.AddHostedService<LedgerMigrator>();
        services.AddHostedService(sp => sp.GetRequiredService<LedgerWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<LedgerRetention>());

        // JWT ids live in the ledger's store: shared by every instance that shares it.
        services.AddSingleton<IReplayCache, LedgerReplayCache>();

        services.AddHealthChecks().AddCheck<LedgerHealthCheck>("ledger");
        // First among the exception handlers, whatever registers a catch-all one: a lost store is a 503, not a 500.
        services.Insert(0, ServiceDescriptor.Singleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler, LedgerUnavailableHandler>());
        LedgerAuthentication.AddLedgerAuthentication(services);
        return builder;
    }

    public static WebApplication MapLedger(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<LedgerOptions>>().Value;
        if (options.Authority is null)
        {
            Log.NoAuthority(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cds.Service.Ledger"));
        }

        app.MapLedgerEndpoints();
        return app;
    }

    /// <summary>The configured store (used by the container; tests wrap it).</summary>
    internal static ILedgerStore CreateStore(IServiceProvider services)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var connectionString = services.GetRequiredService<IConfiguration>().GetConnectionString(LedgerOptions.ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new PostgresLedgerStore(connectionString, time, loggers.CreateLogger<PostgresLedgerStore>());
        }

        var dataDirectory = services.GetRequiredService<IOptions<CdsOptions>>().Value.DataDirectory;
        return new SqliteLedgerStore(Path.Combine(dataDirectory, "ledger.db"), time, loggers.CreateLogger<SqliteLedgerStore>());
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Cds:Ledger:Authority is not set: the coverage assertion endpoints (/coverage-assertions) refuse every call until the payer's identity provider is configured.")]
        public static partial void NoAuthority(ILogger logger);
    }
}
