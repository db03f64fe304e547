using Cds.Service.Hosting;
using Cds.Service.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cds.Bench.Micro;

/// <summary>
/// The service composed as its Program.cs composes it (same extension methods, Production environment, SQLite ledger in
/// a temporary directory), started on a loopback port that no benchmark calls: the hosted services run (the ledger's
/// schema is migrated), and benchmarks resolve the service's own singletons from it.
/// </summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private ServiceHost(WebApplication app, string dataDirectory)
    {
        _app = app;
        _dataDirectory = dataDirectory;
    }

    public const string PublicBaseUrl = "http://127.0.0.1:5080/";

    public IServiceProvider Services => _app.Services;

    public static async Task<ServiceHost> StartAsync(IEnumerable<string> arguments)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("cds-bench-").FullName;
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--Cds:DataDirectory={dataDirectory}",
            $"--Cds:Security:PublicBaseUrl={PublicBaseUrl}",
            "--Logging:LogLevel:Default=Warning",
            .. arguments,
        ];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        builder.AddCdsService();
        var app = builder.Build();
        app.UseCdsErrorHandling();
        app.UseCdsSecurity();
        await app.StartAsync();
        return new ServiceHost(app, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
