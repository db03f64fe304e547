using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Cds.Service.Ledger;
using Cds.Service.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cds.Bench.Micro;

/// <summary>
/// The latency distribution of the ledger's write path alone, as the hooks see it: <c>LedgerWriter.SubmitAsync</c> into
/// the service's SQLite store in <c>directory</c> (a fresh <c>ledger.db</c>, the service's checkpointer and spool), by
/// <c>writers</c> concurrent callers in a closed loop, each pausing <c>think</c> ms between calls (the rest of a hook),
/// for <c>seconds</c> after 3 s of warm-up. Prints the wait's p50 / p90 / p99 / p99.9 / max, the calls answered before
/// their record was written (deferred), the checkpoints, and the process's CPU per call. The hook's CPU is not in it,
/// so what it measures is the ledger and the disk under it (put <c>directory</c> on the disk or on tmpfs).
///   Cds.Benchmarks --ledger-latency DIR WRITERS SECONDS THINK_MS [dli|no-policy-order]
/// </summary>
internal static class LedgerLatency
{
    // Every call of the run, the warm-up's included: what a whole-process syscall count (strace -c) divides by.
    private static long _allCalls;

    public static async Task<int> RunAsync(string directory, int writers, int seconds, int thinkMs, string call)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        // LEDGER_LOG=1: the store's debug log (its checkpoints and the writes they held up) on the console.
        using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Debug));
        var storeLogger = Environment.GetEnvironmentVariable("LEDGER_LOG") == "1" ? loggers.CreateLogger<SqliteLedgerStore>() : NullLogger<SqliteLedgerStore>.Instance;
        var store = new SqliteLedgerStore(Path.Combine(directory, "ledger.db"), TimeProvider.System, storeLogger);
        await store.MigrateAsync(CancellationToken.None);
        var spool = new LedgerSpool(Options.Create(new CdsOptions { DataDirectory = directory }), NullLogger<LedgerSpool>.Instance);
        var readiness = new LedgerReadiness();
        readiness.MarkReady();
        using var metrics = new LedgerMetrics(services.GetRequiredService<IMeterFactory>());
        using var writer = new LedgerWriter(store, spool, readiness, metrics, Options.Create(WriterOptions()), TimeProvider.System, NullLogger<LedgerWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        using var orders = JsonDocument.Parse("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"ServiceRequest","id":"sr-cbc-001","code":{"coding":[{"system":"http://loinc.org","code":"58410-2"}]}}}]}""");
        var template = LedgerCompactRecord.Compact(call == "dli" ? LedgerWriteBenchmarks.DliCall() : LedgerWriteBenchmarks.NoPolicyOrderCall(), orders.RootElement);

        if (Environment.GetEnvironmentVariable("LEDGER_COPY_COST") == "1")
        {
            await CopyCostAsync(spool, template);
        }

        await LoadAsync(writer, template, writers, thinkMs, TimeSpan.FromSeconds(3), [], []);
        using var commits = new CommitCounter(services.GetRequiredService<IMeterFactory>());
        var waits = new List<long>[writers];
        long deferred;
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var system = process.PrivilegedProcessorTime;
        var wall = Stopwatch.StartNew();
        var deferredWaits = new List<long>();
        deferred = await LoadAsync(writer, template, writers, thinkMs, TimeSpan.FromSeconds(seconds), waits, deferredWaits);
        var elapsed = wall.Elapsed;
        process.Refresh();
        var (commitCount, committedRecords) = (commits.Commits, commits.Records);
        cpu = process.TotalProcessorTime - cpu;
        system = process.PrivilegedProcessorTime - system;
        var all = waits.SelectMany(w => w).Order().ToArray();
        var late = deferredWaits.Order().ToArray();
        var lateWaits = late.Length == 0 ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $" (their wait p50 {Stopwatch.GetElapsedTime(0, late[late.Length / 2]).TotalMicroseconds:0} µs, p99 {Stopwatch.GetElapsedTime(0, late[Math.Min(late.Length - 1, late.Length * 99 / 100)]).TotalMicroseconds:0} µs)");
        // The writes held up by checkpoints, where the build counts them (read by name: the benchmark runs on older builds too).
        var holds = store.GetType().GetProperty("WriteHolds", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)?.GetValue(store) is (long count, TimeSpan total, TimeSpan longest)
            ? string.Create(CultureInfo.InvariantCulture, $", writes held {count}× for {total.TotalMilliseconds:0.0} ms in all (longest {longest.TotalMilliseconds:0.0} ms)")
            : string.Empty;
        double Us(double p) => Stopwatch.GetElapsedTime(0, all[Math.Min(all.Length - 1, (int)(all.Length * p))]).TotalMicroseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ledger-latency {call} writers={writers} think={thinkMs}ms dir={directory}: {all.Length} calls, {all.Length / elapsed.TotalSeconds:0} calls/s, wait p50 {Us(0.5):0} µs p90 {Us(0.9):0} µs p99 {Us(0.99):0} µs p99.9 {Us(0.999):0} µs max {Us(1):0} µs, deferred {deferred}{lateWaits}, checkpoints {store.Checkpoints}{holds}, commits {commitCount} ({committedRecords / Math.Max(1.0, commitCount):0.00} records per commit, {commitCount / (double)Math.Max(1, all.Length):0.000} per call), {Interlocked.Read(ref _allCalls)} calls with the warm-up, CPU {cpu.TotalMicroseconds / all.Length:0.0} µs/call (system {system.TotalMicroseconds / all.Length:0.0})"));
        await writer.StopAsync(CancellationToken.None);
        await store.DisposeAsync();
        Directory.Delete(directory, recursive: true);
        return 0;
    }

    // The commits (one write-duration measurement each, inline or by the writer) and the records they wrote, of this
    // run's ledger only (its own meter factory).
    private sealed class CommitCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _commits;
        private long _records;

        public CommitCounter(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name is "cds.ledger.records.written" or "cds.ledger.write.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _records, value));
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _commits));
            _listener.Start();
        }

        public long Commits => Interlocked.Read(ref _commits);

        public long Records => Interlocked.Read(ref _records);

        public void Dispose() => _listener.Dispose();
    }

    // LEDGER_COPY_COST=1: CPU and wall time of one safety copy (as the build writes it) and of its removal.
    private static async Task CopyCostAsync(LedgerSpool spool, HookCallRecord template)
    {
        var save = typeof(LedgerSpool).GetMethod("SaveSafetyCopyAsync")!;
        using var process = Process.GetCurrentProcess();
        for (var round = 0; round < 2; round++)
        {
            var paths = new List<string>();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            for (var i = 0; i < 200; i++)
            {
                object?[] arguments = save.GetParameters().Length == 3 ? [LedgerWriteBenchmarks.Fresh(template), false, CancellationToken.None] : [LedgerWriteBenchmarks.Fresh(template), CancellationToken.None];
                paths.Add((await (Task<string?>)save.Invoke(spool, arguments)!)!);
            }

            var saved = wall.Elapsed;
            process.Refresh();
            var saveCpu = process.TotalProcessorTime - cpu;
            paths.ForEach(LedgerSpool.Remove);
            process.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"safety copy: {saveCpu.TotalMicroseconds / 200:0} µs CPU, {saved.TotalMicroseconds / 200:0} µs wall each; removal: {(wall.Elapsed - saved).TotalMicroseconds / 200:0} µs wall, {(process.TotalProcessorTime - cpu - saveCpu).TotalMicroseconds / 200:0} µs CPU each"));
        }
    }

    // LEDGER_LOCAL_WAIT_MS sets LocalWriteWait where the build has it (read by name, as above).
    private static LedgerOptions WriterOptions()
    {
        var options = new LedgerOptions();
        if (Environment.GetEnvironmentVariable("LEDGER_LOCAL_WAIT_MS") is { } ms)
        {
            typeof(LedgerOptions).GetProperty("LocalWriteWait")?.SetValue(options, TimeSpan.FromMilliseconds(int.Parse(ms, CultureInfo.InvariantCulture)));
        }

        return options;
    }

    // Closed loop: each caller submits, waits for the answer, pauses, again; the waits (Stopwatch ticks) go to `waits`.
    private static async Task<long> LoadAsync(LedgerWriter writer, HookCallRecord template, int writers, int thinkMs, TimeSpan duration, List<long>[] waits, List<long> deferredWaits)
    {
        var deferred = 0L;
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var callers = new Task[writers];
        for (var w = 0; w < writers; w++)
        {
            var mine = new List<long>(100_000);
            if (waits.Length > 0)
            {
                waits[w] = mine;
            }

            callers[w] = Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < end)
                {
                    var record = LedgerWriteBenchmarks.Fresh(template);
                    var started = Stopwatch.GetTimestamp();
                    var written = await writer.SubmitAsync(record, CancellationToken.None);
                    Interlocked.Increment(ref _allCalls);
                    var wait = Stopwatch.GetTimestamp() - started;
                    mine.Add(wait);
                    if (!written)
                    {
                        Interlocked.Increment(ref deferred);
                        lock (deferredWaits)
                        {
                            deferredWaits.Add(wait);
                        }
                    }

                    if (thinkMs > 0)
                    {
                        await Task.Delay(thinkMs);
                    }
                }
            });
        }

        await Task.WhenAll(callers);
        return deferred;
    }
}
