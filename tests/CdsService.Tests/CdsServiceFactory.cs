using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WireMock.Server;

namespace Cds.Service.Tests;

/// <summary>
/// The service on the ASP.NET test host with a fixed clock (2026-11-24), a private data directory, tight FHIR time
/// limits, and a WireMock.Net server standing in for the EHR's FHIR server.
/// </summary>
public sealed class CdsServiceFactory : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 18, 15, 0, TimeSpan.Zero);

    private readonly List<KeyValuePair<string, string?>> _settings = [];
    private readonly List<Action<IServiceCollection>> _services = [];

    public CdsServiceFactory()
    {
        Ehr = WireMockServer.Start();
        DataDirectory = Directory.CreateTempSubdirectory("cds-tests-").FullName;
    }

    /// <summary>The host environment (Testing unless a test needs Development's defaults).</summary>
    public string Environment { get; init; } = "Testing";

    /// <summary>The EHR's FHIR server.</summary>
    public WireMockServer Ehr { get; }

    public string DataDirectory { get; }

    public FakeTimeProvider Clock { get; } = new(Now);

    /// <summary>Everything the service logged.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Extra settings for a variant of the service (call before the first client is created).</summary>
    public CdsServiceFactory With(string key, string? value)
    {
        _settings.Add(new(key, value));
        return this;
    }

    /// <summary>Changes to the service's registrations (after the service's own; call before the first client is created).</summary>
    public CdsServiceFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>
    /// The exception that stops the service at start-up. WebApplicationFactory races with a host whose start fails: its
    /// deferred host may ask the already disposed provider for the application lifetime (an ObjectDisposedException
    /// that carries nothing of the service's error). That race is the test host's, not the service's, so a start that
    /// ends that way is tried again with a new factory (a few times at most).
    /// </summary>
    public static Exception? StartupFailure(Func<CdsServiceFactory> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        for (var attempt = 1; ; attempt++)
        {
            using var factory = create();
            var error = Record.Exception(() => factory.CreateClient());
            if (error is not ObjectDisposedException || attempt == 5)
            {
                return error;
            }
        }
    }

    /// <summary>A client that signs every request as the trusted test EHR.</summary>
    public HttpClient CreateSignedClient() => CreateDefaultClient(new JwtSigningHandler(() => Clock.GetUtcNow()));

    /// <summary>The fhirServer URL a hook request should name.</summary>
    public string FhirBase => $"{Ehr.Url}/fhir";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("Cds:DataDirectory", DataDirectory);
        builder.UseSetting("Cds:Fhir:RequestTimeout", "00:00:02");
        builder.UseSetting("Cds:Fhir:HookBudget", "00:00:04");
        builder.UseSetting("Cds:Fhir:MaxPages", "5");

        // One trusted EHR with inline keys (ES384 and RS384), one publishing a JWK Set; both may use the WireMock EHR.
        var trust = new List<KeyValuePair<string, string?>>
        {
            new("Cds:Security:Clients:0:Issuer", TestTokens.Issuer),
            new("Cds:Security:Clients:0:FhirServers:0", FhirBase),
            new("Cds:Security:Clients:1:Issuer", TestTokens.JwksIssuer),
            new("Cds:Security:Clients:1:JwksUrl", $"{Ehr.Url}/jwks.json"),
            new("Cds:Security:Clients:1:FhirServers:0", FhirBase),
            new("Cds:Security:FhirServers:AllowHttp", "true"),
            new("Cds:Security:FhirServers:AllowPrivateNetworks", "true"),
            new("Cds:Security:AllowedOrigins:0", "https://sandbox.cds-hooks.org"),
            new("Cds:Security:MaxRequestBodyBytes", "1048576"),
            new("Cds:Security:PublicBaseUrl", "http://localhost/"),

            // The tests run in parallel on a shared machine, where one replay record can wait on the ledger's writer for
            // more than the 1 s a production instance allows it; the tests of that timeout set their own.
            new("Cds:Security:ReplayCheckTimeout", "00:00:10"),
        };
        trust.AddRange(TestTokens.EcJwkSettings("Cds:Security:Clients:0:Keys:0", TestTokens.EcKey, TestTokens.EcKid));
        trust.AddRange(TestTokens.RsaJwkSettings("Cds:Security:Clients:0:Keys:1", TestTokens.RsaKey, TestTokens.RsaKid));
        foreach (var (key, value) in trust.Concat(_settings))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            _services.ForEach(configure => configure(services));
        });
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Ehr.Stop();
            Ehr.Dispose();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless.
            }
        }

        base.Dispose(disposing);
    }
}

/// <summary>Finds the repository's files (samples, cds-services.json) from the test binary.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>A sample hook request from samples/, as a mutable JSON object.</summary>
    public static JsonObject Sample(string name) => JsonNode.Parse(File.ReadAllText(Path("samples", name)))!.AsObject();

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Cds.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Cds.sln not found above the test binary.");
    }
}
