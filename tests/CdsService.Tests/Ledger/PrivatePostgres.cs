using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// A PostgreSQL server of the test's own: <c>initdb</c> into a temporary directory, its own free port on 127.0.0.1,
/// started and stopped with <c>pg_ctl</c> (as the <c>postgres</c> OS user when the tests run as root, since initdb refuses
/// root). Never the shared server on 5432. Without PostgreSQL binaries the test is skipped, except in CI (<c>CI=true</c>),
/// where it fails.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const string User = "cds_outage";
    private readonly string _bin;
    private readonly bool _asPostgresUser;

    private PrivatePostgres(string bin, string directory, int port, bool asPostgresUser)
    {
        _bin = bin;
        Directory = directory;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>Connects to the server's <c>postgres</c> database; short timeouts, so that a stopped server fails fast.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Database = "postgres",
        Timeout = 3,
        CommandTimeout = 5,
        Pooling = true,
    }.ToString();

    /// <summary>initdb into a fresh directory (the server is not started).</summary>
    public static async Task<PrivatePostgres> CreateAsync()
    {
        var bin = FindBinaries();
        if (bin is null)
        {
            const string message = "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or CDS_PG_BIN";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"The PostgreSQL outage test must run in CI, but there are {message} (install Debian's postgresql).");
            }

            Assert.Skip($"PostgreSQL outage test skipped: {message} (apt-get install postgresql, or set CDS_PG_BIN).");
        }

        var asPostgresUser = Environment.UserName == "root";
        var directory = System.IO.Directory.CreateTempSubdirectory("cds-pg-outage-").FullName;
        if (asPostgresUser)
        {
            await RunAsync("chown", ["postgres", directory], asUser: false);
        }

        var server = new PrivatePostgres(bin, directory, FreePort(), asPostgresUser);
        await server.RunPgAsync("initdb", ["-D", Path.Combine(directory, "data"), "-U", User, "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"]);
        return server;
    }

    public Task StartAsync() => RunPgAsync("pg_ctl", [
        "-D", Path.Combine(Directory, "data"), "-l", Path.Combine(Directory, "server.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {Directory} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", "start"]);

    public Task StopAsync() => RunPgAsync("pg_ctl", ["-D", Path.Combine(Directory, "data"), "-m", "fast", "-w", "-t", "60", "stop"]);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunPgAsync("pg_ctl", ["-D", Path.Combine(Directory, "data"), "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private Task RunPgAsync(string tool, IReadOnlyList<string> arguments) =>
        RunAsync(Path.Combine(_bin, tool), arguments, _asPostgresUser);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asUser)
    {
        var start = asUser
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. arguments])
            : new ProcessStartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output} {await error}");
        }
    }

    private static string? FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("CDS_PG_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        if (System.IO.Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(System.IO.Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal).Select(v => Path.Combine(v, "bin")));
        }

        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "initdb")) && File.Exists(Path.Combine(c, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
