using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// Nothing answered is lost when the process dies: the service runs as a child process (the built Cds.Service.dll, over
/// real HTTP on loopback), is killed (SIGKILL: no shutdown, no drain) while hook calls are in flight, and started again
/// on the same data directory and store; every call that was answered 200 is then on record by its assertion id.
/// With a write wait of zero every answer leaves before its commit, so each record survives through its safety copy in
/// the spool; with the default the records are committed (SQLite synchronous=NORMAL) before the answer.
/// </summary>
public sealed class LedgerCrashTests
{
    [Theory]
    [InlineData(LedgerBackend.Sqlite, "00:00:00.050")]
    [InlineData(LedgerBackend.Sqlite, "00:00:00")]
    [InlineData(LedgerBackend.Postgres, "00:00:00")]
    public async Task GivenAServiceKilledWhileAnswering_WhenItStartsAgain_ThenEveryAnsweredCallIsOnRecord(string kind, string writeWait)
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(kind);
        var answered = new ConcurrentBag<string>();
        using (var first = await ChildService.StartAsync(backend, writeWait))
        {
            // Act: four clients call until the process is killed under them.
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(() => CallUntilStoppedAsync(first.Client, answered, stop.Token))).ToList();
            Assert.True(await LedgerCalls.EventuallyAsync(() => Task.FromResult(answered.Count >= 40), attempts: 1500));
            first.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        // The next start on the same data directory and store replays the spool.
        using var second = await ChildService.StartAsync(backend, writeWait);
        await using var store = backend.OpenStore();
        var missing = answered.ToList();
        var allThere = await LedgerCalls.EventuallyAsync(
            async () =>
            {
                var stillMissing = new List<string>();
                foreach (var id in missing)
                {
                    if (await store.FindAssertionAsync(id, TestContext.Current.CancellationToken) is null)
                    {
                        stillMissing.Add(id);
                    }
                }

                missing = stillMissing;
                return missing.Count == 0;
            },
            attempts: 500);

        // Assert
        Assert.True(allThere, $"{missing.Count} of {answered.Count} answered calls are not on record after the restart");
        Assert.True(answered.Count >= 40);
    }

    private static async Task CallUntilStoppedAsync(HttpClient client, ConcurrentBag<string> answered, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var request = LedgerCalls.Sample("order-sign-meets-criteria.json", out _);
                using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
                using var response = await client.PostAsync("/cds-services/" + Hooks.SignService, content, stop);
                var body = await response.Content.ReadAsStringAsync(stop);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    foreach (var id in LedgerCalls.AssertionIds(body))
                    {
                        answered.Add(id);
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                return; // killed under us: an unanswered call promises nothing
            }
        }
    }

    /// <summary>The service as its own process (development mode, unsigned calls), on a free loopback port.</summary>
    private sealed class ChildService : IDisposable
    {
        private readonly Process _process;

        private ChildService(Process process, HttpClient client)
        {
            _process = process;
            Client = client;
        }

        public HttpClient Client { get; }

        public static async Task<ChildService> StartAsync(LedgerBackend backend, string writeWait)
        {
            var port = FreePort();
            var directory = AppContext.BaseDirectory;
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                Path.Combine(directory, "Cds.Service.dll"), "--urls", $"http://127.0.0.1:{port}",
                "--Cds:Security:DevelopmentMode=true", $"--Cds:Security:PublicBaseUrl=http://127.0.0.1:{port}/",
                $"--Cds:DataDirectory={backend.DataDirectory}", $"--Cds:Ledger:WriteWait={writeWait}",
                "--Logging:LogLevel:Default=Warning",
            })
            {
                start.ArgumentList.Add(argument);
            }

            if (backend.ConnectionString is { } connectionString)
            {
                start.Environment["ConnectionStrings__Ledger"] = connectionString;
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("The service did not start.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            var service = new ChildService(process, client);
            for (var i = 0; i < 300 && !process.HasExited; i++)
            {
                try
                {
                    using var alive = await client.GetAsync("/alive", TestContext.Current.CancellationToken);
                    if (alive.IsSuccessStatusCode)
                    {
                        return service;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }

                await Task.Delay(100, TestContext.Current.CancellationToken);
            }

            service.Dispose();
            throw new InvalidOperationException("The service did not come up within 30 s.");
        }

        /// <summary>SIGKILL: the process gets no chance to drain its queue or flush anything.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
            Client.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
