using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Cds.Service.Tests.Telemetry;

/// <summary>Structured logs: every record of a hook call carries its hook instance, and none carries patient data.</summary>
public sealed class HookLoggingTests : IClassFixture<CdsServiceFactory>, IDisposable
{
    private readonly CdsServiceFactory _factory;
    private readonly WebApplicationFactory<Program> _logged;

    public HookLoggingTests(CdsServiceFactory factory)
    {
        _factory = factory;
        _factory.Ehr.Reset();
        _logged = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddFakeLogging()));
    }

    public void Dispose() => _logged.Dispose();

    [Fact]
    public async Task GivenAHookWhoseFhirQueryFails_WhenLogged_ThenTheGathererWarningCarriesTheHookInstanceScope()
    {
        // Arrange: conditions must be queried, and the EHR fails.
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request["prefetch"]!.AsObject().Remove("conditions");
        request["fhirServer"] = _factory.FhirBase;
        Hooks.Serve(_factory.Ehr, "conditions", "{}", status: 503);
        using var client = _logged.CreateDefaultClient(new JwtSigningHandler(() => _factory.Clock.GetUtcNow()));

        // Act
        var (status, _) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var records = _logged.Services.GetFakeLogCollector().GetSnapshot();
        var warning = Assert.Single(records, r => (r.Category ?? string.Empty).EndsWith("PatientDataGatherer", StringComparison.Ordinal) && r.Level == LogLevel.Warning);
        Assert.Contains("conditions", warning.Message, StringComparison.Ordinal);
        Assert.Equal(TelemetryPrivacy.HookInstance, ScopeValue(warning, "HookInstance"));
        var answered = Assert.Single(records, r => (r.Category ?? string.Empty).EndsWith("HookHandler", StringComparison.Ordinal) && r.Message.Contains("decisions", StringComparison.Ordinal));
        Assert.Equal(TelemetryPrivacy.HookInstance, ScopeValue(answered, "HookInstance"));
    }

    [Theory]
    [InlineData("order-sign-meets-criteria.json")]
    [InlineData("order-sign-missing-data.json")]
    [InlineData("order-sign-not-dli.json")]
    public async Task GivenEachSample_WhenTheHookIsLogged_ThenNoRecordHoldsPatientDataOrATokenAndTheHookInstanceIsTheUuid(string sample)
    {
        // Arrange: the coverage comes from the EHR too, so the FHIR query path is logged as well.
        var request = Hooks.MoveToEhr(Repository.Sample(sample), _factory.Ehr, _factory.FhirBase, "coverage");
        request["hookInstance"] = TelemetryPrivacy.HookInstance;
        using var client = _logged.CreateDefaultClient(new JwtSigningHandler(() => _factory.Clock.GetUtcNow()));

        // Act
        var (status, _) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var records = _logged.Services.GetFakeLogCollector().GetSnapshot();
        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            var text = string.Join(
                "\n",
                new[] { record.Message, record.Exception?.ToString() ?? string.Empty }
                    .Concat(record.StructuredState?.Select(s => $"{s.Key}={s.Value}") ?? [])
                    .Concat(record.Scopes.Select(Describe)));
            Assert.Empty(TelemetryPrivacy.Leaks(text));
            if (ScopeValue(record, "HookInstance") is { } instance)
            {
                Assert.Equal(TelemetryPrivacy.HookInstance, instance);
            }
        }
    }

    private static string? ScopeValue(FakeLogRecord record, string key) =>
        record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>()
            .SelectMany(s => s)
            .Where(p => p.Key == key)
            .Select(p => p.Value?.ToString())
            .LastOrDefault();

    private static string Describe(object? scope) => scope switch
    {
        IEnumerable<KeyValuePair<string, object?>> pairs => string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")),
        _ => scope?.ToString() ?? string.Empty,
    };
}
