using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Cds.Service.Tests.Browser;

/// <summary>The service on the test host with the sandbox page switched on (the Testing environment has it off).</summary>
public sealed class SandboxServiceFixture : IDisposable
{
    public CdsServiceFactory Factory { get; } = new CdsServiceFactory().With("Cds:Sandbox:Enabled", "true");

    public void Dispose() => Factory.Dispose();
}

/// <summary>
/// The service on real Kestrel, bound to 127.0.0.1 on a free port, in development mode with the sandbox page (in the
/// Development environment without a PublicBaseUrl, so links follow the URL the page called), and a
/// headless Debian Chromium driven by Playwright. Chromium is the system one (<c>/usr/bin/chromium</c>, installed by
/// .ci/run; <c>CDS_CHROMIUM</c> points elsewhere): Playwright never downloads a browser here.
/// </summary>
public sealed class BrowserSandboxFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _missing;

    public CdsServiceFactory Factory { get; } = new CdsServiceFactory { Environment = "Development" }
        .With("Cds:Security:PublicBaseUrl", null)
        .With("Cds:Security:DevelopmentMode", "true")
        .With("Cds:Sandbox:Enabled", "true");

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>
    /// The browser. Without Chromium the test is skipped with a clear message, except in CI (<c>CI=true</c>), where it
    /// fails: there it must run.
    /// </summary>
    public IBrowser Browser
    {
        get
        {
            if (_missing is { } missing)
            {
                if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.Fail($"CI must run the browser tests: {missing}");
                }

                Assert.Skip($"Browser test skipped: {missing}");
            }

            return _browser ?? throw new InvalidOperationException("The browser is not started.");
        }
    }

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CDS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async ValueTask InitializeAsync()
    {
        Factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        Factory.StartServer();
        var addresses = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.Single().TrimEnd('/') + "/");

        if (!File.Exists(ChromiumPath))
        {
            // Reported by each test (skip locally, fail in CI), not thrown here: a fixture that throws fails every test.
            _missing = $"no Chromium at {ChromiumPath}. Install Debian's chromium (apt-get install -y --no-install-recommends chromium; .ci/run does this) or set CDS_CHROMIUM to a Chromium binary.";
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Factory.DisposeAsync();
    }
}

/// <summary>
/// The browser tests run on their own, after the parallel ones: Chromium takes most of a 2-core machine, and the other
/// tests have time limits (FHIR budgets, regex timeouts) that it should not eat into.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserTests
{
    public const string Name = "Browser";
}

/// <summary>The sample patients' catalog (samples/patients/catalog.json): their documented outcomes.</summary>
public static class SamplePatients
{
    public static JsonObject Catalog { get; } = JsonNode.Parse(File.ReadAllText(Repository.Path("samples", "patients", "catalog.json")))!.AsObject();

    public static IReadOnlyList<JsonObject> All { get; } = [.. Catalog["patients"]!.AsArray().OfType<JsonObject>()];

    public static JsonObject Get(string id) => All.Single(p => p["patientId"]!.GetValue<string>() == id);

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var patient in All)
        {
            data.Add(patient["patientId"]!.GetValue<string>());
        }

        return data;
    }

    public static JsonObject Bundle(string id) =>
        JsonNode.Parse(File.ReadAllText(Repository.Path("samples", "patients", Get(id)["file"]!.GetValue<string>())))!.AsObject();

    public static JsonObject Expected(string id) => Get(id)["expected"]!.AsObject();
}
