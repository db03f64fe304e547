using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

    public CdsServiceFactory()
    {
        Ehr = WireMockServer.Start();
        DataDirectory = Directory.CreateTempSubdirectory("cds-tests-").FullName;
    }

    /// <summary>The EHR's FHIR server.</summary>
    public WireMockServer Ehr { get; }

    public string DataDirectory { get; }

    public FakeTimeProvider Clock { get; } = new(Now);

    /// <summary>The fhirServer URL a hook request should name.</summary>
    public string FhirBase => $"{Ehr.Url}/fhir";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Cds:DataDirectory", DataDirectory);
        builder.UseSetting("Cds:Fhir:RequestTimeout", "00:00:00.400");
        builder.UseSetting("Cds:Fhir:HookBudget", "00:00:01.500");
        builder.UseSetting("Cds:Fhir:MaxPages", "5");
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
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
