using Cds.Service.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cds.Service.Hosting;

/// <summary>
/// OpenTelemetry metrics, always collected in process (cheap); traces and logs are registered, and everything exported
/// over OTLP, only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured (environment variable or any configuration
/// source), with the standard <c>OTEL_*</c> variables for protocol, headers and resource attributes.
/// </summary>
internal static class TelemetryExtensions
{
    public const string DefaultServiceName = "dli-coverage-cds";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private static readonly string[] UnmeasuredPaths = ["/health", "/alive"];

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CdsMetrics>();

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : DefaultServiceName;
        var version = typeof(CdsMetrics).Assembly.GetName().Version?.ToString();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: version))
            .WithMetrics(metrics => metrics
                .AddMeter(CdsMetrics.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation());
        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            // Nothing would receive spans or log records: no tracer and no OpenTelemetry logger on the request path
            // (the service's own spans still start for any ActivityListener, e.g. dotnet-trace).
            return builder;
        }

        telemetry.WithTracing(tracing => tracing
            .AddSource(CdsMetrics.Name)
            .AddAspNetCoreInstrumentation(options =>
                // Probes every few seconds are noise; query strings are redacted by the instrumentation.
                options.Filter = context => !UnmeasuredPaths.Contains(context.Request.Path.Value, StringComparer.OrdinalIgnoreCase))
            .AddHttpClientInstrumentation());

        // Log records go to OTLP too, with their scopes (the hook instance) and the trace they belong to. The
        // messages are the service's [LoggerMessage] templates, which never carry patient data or tokens.
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeScopes = true;
            logging.IncludeFormattedMessage = true;
        });

        telemetry.UseOtlpExporter();
        builder.Services.AddHostedService<TelemetryFlush>();
        return builder;
    }

    /// <summary>
    /// Exports what is still buffered when the service stops (a rolling update, a scale-in), while the exporters'
    /// HTTP clients still work: disposing the container later is too late for the last metrics and logs.
    /// </summary>
    private sealed class TelemetryFlush(IServiceProvider services) : IHostedService
    {
        private const int TimeoutMilliseconds = 5_000;
        private TracerProvider? _tracer;
        private MeterProvider? _meter;
        private LoggerProvider? _logger;

        // Resolved at start: at stop the container may already be disposed (seen in tests that stop the host).
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _tracer = services.GetService<TracerProvider>();
            _meter = services.GetService<MeterProvider>();
            _logger = services.GetService<LoggerProvider>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _tracer?.ForceFlush(TimeoutMilliseconds);
            _meter?.ForceFlush(TimeoutMilliseconds);
            _logger?.ForceFlush(TimeoutMilliseconds);
            return Task.CompletedTask;
        }
    }
}
