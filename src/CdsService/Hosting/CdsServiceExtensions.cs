using Cds.Service.Discovery;
using Cds.Service.Feedback;
using Cds.Service.Hooks;
using Cds.Service.Policy;
using Cds.Service.Prefetch;
using Cds.Service.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cds.Service.Hosting;

/// <summary>Wires the service: options, the policy engine, discovery, FHIR access, feedback.</summary>
internal static class CdsServiceExtensions
{
    public static WebApplicationBuilder AddCdsServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CdsOptions>().BindConfiguration(CdsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<FhirOptions>().BindConfiguration(FhirOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DeadlineOptions>().BindConfiguration(DeadlineOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<FeedbackOptions>().BindConfiguration(FeedbackOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.ConfigureDeadlines();

        // The plain-text log: one escaped, bounded line per record (OneLineConsoleFormatter), written to standard output
        // by one background writer (OneLineConsoleLoggerProvider) instead of the stock console logger, whose queue takes
        // a lock per line on the request thread.
        builder.Logging.AddConsoleFormatter<OneLineConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(console => console.FormatterName = OneLineConsoleFormatter.FormatterName);
        foreach (var stock in builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider)).ToList())
        {
            builder.Services.Remove(stock);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, OneLineConsoleLoggerProvider>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PolicyLibrary>();
        builder.Services.AddHostedService<PolicyStartupCheck>();
        builder.Services.AddHostedService<PolicyFolderWatcher>();
        builder.Services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IOptions<CdsOptions>>().Value.DiscoveryFile;
            return DiscoveryDocument.Load(string.IsNullOrWhiteSpace(path) ? Path.Combine(AppContext.BaseDirectory, "cds-services.json") : path);
        });
        builder.Services.AddSingleton<PatientDataGatherer>();
        builder.Services.AddOptions<PayerOptions>().BindConfiguration(PayerOptions.SectionName);
        builder.Services.AddOptions<CrdOptions>().BindConfiguration(CrdOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<CoverageResolver>();
        builder.Services.AddSingleton<CrdAnswer>();
        builder.Services.AddSingleton<HookHandler>();
        builder.Services.AddSingleton<HookGate>();
        builder.Services.AddSingleton<BodyBudget>();
        builder.Services.AddSingleton<DeadlineMetrics>();
        builder.Services.AddSingleton<FeedbackStore>();

        // The access token goes to fhirServer only: no redirects are followed, private addresses are refused at
        // connect time (FhirServerGuard), and the time limits are ours (FhirOptions). No HttpClientFactory logging
        // handlers: they open a log scope with the URL for every request (nine per hook without prefetch) and log
        // nothing at the shipped level; the gatherer logs each query's outcome itself, without the URL.
        builder.Services.AddHttpClient(PatientDataGatherer.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = FhirServerGuard.ConnectCallback(sp.GetRequiredService<IOptions<SecurityOptions>>()),
            });

        builder.Services.AddHealthChecks();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<CdsExceptionHandler>();
        return builder;
    }

    public static WebApplication UseCdsErrorHandling(this WebApplication app)
    {
        // Anything unexpected is a 500 OperationOutcome without a stack trace (CdsExceptionHandler).
        app.UseExceptionHandler();
        return app;
    }

    private const long RequestReadAhead = 64 * 1024;

    // Kestrel's own deadlines: headers and bodies that arrive too slowly are cut off, so a slow client holds a
    // connection, never a hook slot (bodies are read before a slot is taken, within Cds:Deadlines:BodyRead).
    private static void ConfigureDeadlines(this WebApplicationBuilder builder)
    {
        var deadlines = builder.Configuration.GetSection(DeadlineOptions.SectionName).Get<DeadlineOptions>() ?? new DeadlineOptions();
        var maxBody = builder.Configuration.GetValue<long?>($"{SecurityOptions.SectionName}:{nameof(SecurityOptions.MaxRequestBodyBytes)}") ?? new SecurityOptions().MaxRequestBodyBytes;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.RequestHeadersTimeout = deadlines.RequestHeaders;
            kestrel.Limits.MaxRequestBodySize = maxBody;

            // A body the service is not reading yet (its call waits for the request-body budget) stays in the client's
            // socket, not in Kestrel's pinned buffers: 64 KB read ahead per connection instead of 1 MB. This limit is
            // for connection middleware (TLS); the socket transport has its own, below.
            kestrel.Limits.MaxRequestBufferSize = RequestReadAhead;
            kestrel.Limits.MinRequestBodyDataRate = deadlines.MinBodyBytesPerSecond > 0
                ? new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(deadlines.MinBodyBytesPerSecond, TimeSpan.FromSeconds(2))
                : null;
        });

        // The socket transport reads up to 1 MB ahead per connection by default, into Kestrel's pinned blocks, whether
        // or not the body is being read: 32 heavy connections waiting for the budget grew the pinned heap from 3 to
        // ~30 MB (dotnet-counters; bench/fixes.md, third round).
        builder.WebHost.UseSockets(sockets => sockets.MaxReadBufferSize = RequestReadAhead);
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
        return app;
    }
}
