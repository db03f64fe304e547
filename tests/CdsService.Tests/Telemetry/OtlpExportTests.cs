using System.Net;
using System.Text;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Cds.Service.Tests.Telemetry;

/// <summary>OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set: traces, metrics and logs reach the collector, PHI-free.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task GivenAnOtlpEndpoint_WhenAHookIsAnsweredAndTheServiceStops_ThenTracesMetricsAndLogsAreExportedWithoutPatientData()
    {
        // Arrange: a WireMock collector speaking OTLP/HTTP (protobuf).
        using var collector = WireMockServer.Start();
        collector.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/x-protobuf"));
        var factory = new CdsServiceFactory()
            .With("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Url)
            .With("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .With("OTEL_SERVICE_NAME", "dli-coverage-test");
        HttpStatusCode status;
        try
        {
            var request = Hooks.MoveToEhr(Repository.Sample("order-sign-meets-criteria.json"), factory.Ehr, factory.FhirBase, "conditions");
            using var client = factory.CreateSignedClient();

            // Act
            (status, _) = await Hooks.PostAsync(client, Hooks.SignService, request);
        }
        finally
        {
            // Stopping the host flushes the exporters.
            await factory.DisposeAsync();
        }

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var exports = collector.LogEntries
            .Where(e => e.RequestMessage is not null)
            .GroupBy(e => e.RequestMessage!.Path)
            .ToDictionary(g => g.Key, g => string.Concat(g.Select(e => Encoding.UTF8.GetString(e.RequestMessage!.BodyAsBytes ?? []))));
        Assert.Contains("/v1/traces", exports.Keys);
        Assert.Contains("/v1/metrics", exports.Keys);
        Assert.Contains("/v1/logs", exports.Keys);
        Assert.Contains("cds.hook", exports["/v1/traces"], StringComparison.Ordinal);
        Assert.Contains(TelemetryPrivacy.HookInstance, exports["/v1/traces"], StringComparison.Ordinal);
        Assert.Contains("dli-coverage-test", exports["/v1/traces"], StringComparison.Ordinal);
        Assert.Contains("cds.hook.duration", exports["/v1/metrics"], StringComparison.Ordinal);
        Assert.Contains("cds.prefetch.keys", exports["/v1/metrics"], StringComparison.Ordinal);
        Assert.Contains(TelemetryPrivacy.HookInstance, exports["/v1/logs"], StringComparison.Ordinal);
        Assert.Empty(exports.Values.SelectMany(TelemetryPrivacy.Leaks));
    }
}
