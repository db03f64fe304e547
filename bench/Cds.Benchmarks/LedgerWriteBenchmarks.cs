using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cds.Service.Ledger;
using Cds.Service.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cds.Bench.Micro;

/// <summary>
/// The ledger's write path as a hook takes it: <c>LedgerWriter.SubmitAsync</c> into a real SQLite file (WAL, the
/// service's own store, schema migrated), by 1 or 8 concurrent callers, for a DLI call (a decision with its criteria,
/// cards and a 7 KB answer) and a call with no policy order (an ungoverned assertion only; a compact record, as the
/// recorder hands it over). One operation is one hook
/// call handed to the ledger and waited for as the hook waits; calls/s = 1 / mean. The mean time a caller waits is
/// printed at the end of each case ("caller wait"), with the process's CPU time per call (user + system, the writer
/// thread and the fsyncs included: less sensitive to a loaded machine than the wall-clock mean).
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
[SuppressMessage("Reliability", "CA2007", Justification = "A console benchmark: no synchronization context.")]
public class LedgerWriteBenchmarks : IDisposable
{
    private const int CallsPerInvoke = 64;
    private static readonly string[] CriterionIds = ["HCT", "I.A", "I.B", "I.C", "II", "III", "IV"];

    private string _directory = string.Empty;
    private SqliteLedgerStore _store = null!;
    private LedgerWriter _writer = null!;
    private ServiceProvider _services = null!;
    private HookCallRecord _template = null!;
    private long _waitTicks;
    private long _calls;
    private TimeSpan _cpuAtStart;

    [Params(1, 8)]
    public int Writers { get; set; } = 1;

    [Params("dli", "no-policy-order")]
    public string Call { get; set; } = "dli";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("cds-ledger-bench-").FullName;
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _store = new SqliteLedgerStore(Path.Combine(_directory, "ledger.db"), TimeProvider.System, NullLogger<SqliteLedgerStore>.Instance);
        _store.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        var spool = new LedgerSpool(Options.Create(new CdsOptions { DataDirectory = _directory }), NullLogger<LedgerSpool>.Instance);
        var readiness = new LedgerReadiness();
        readiness.MarkReady();
        var metrics = new LedgerMetrics(_services.GetRequiredService<IMeterFactory>());
        _writer = new LedgerWriter(_store, spool, readiness, metrics, Options.Create(new LedgerOptions()), TimeProvider.System, NullLogger<LedgerWriter>.Instance);
        _writer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        // As the recorder hands them over: a call with no policy order becomes a compact record.
        using var orders = JsonDocument.Parse("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"ServiceRequest","id":"sr-cbc-001","code":{"coding":[{"system":"http://loinc.org","code":"58410-2"}]}}}]}""");
        _template = LedgerCompactRecord.Compact(Call == "dli" ? DliCall() : NoPolicyOrderCall(), orders.RootElement);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var calls = Interlocked.Read(ref _calls);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// caller wait ({Call}, {Writers} writer(s)): mean {TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks) / Math.Max(1, calls)).TotalMicroseconds:0.0} µs over {calls} calls; process CPU {cpu.TotalMicroseconds / Math.Max(1, calls):0.0} µs per call"));
        _writer.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        Dispose();
    }

    [Benchmark(OperationsPerInvoke = CallsPerInvoke)]
    public async Task Submit()
    {
        var perWriter = CallsPerInvoke / Writers;
        var writers = new Task[Writers];
        for (var w = 0; w < Writers; w++)
        {
            writers[w] = Task.Run(async () =>
            {
                for (var i = 0; i < perWriter; i++)
                {
                    var record = Fresh(_template);
                    var started = Stopwatch.GetTimestamp();
                    await _writer.SubmitAsync(record, CancellationToken.None);
                    Interlocked.Add(ref _waitTicks, Stopwatch.GetElapsedTime(started).Ticks);
                    Interlocked.Increment(ref _calls);
                }
            });
        }

        await Task.WhenAll(writers);
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _services?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    // Every call has its own ids (the store keeps a record once per id).
    internal static HookCallRecord Fresh(HookCallRecord template) => template with
    {
        Id = Guid.CreateVersion7().ToString(),
        HookInstance = Guid.NewGuid().ToString(),
        Decisions = [.. template.Decisions.Select(d => d with { AssertionId = Guid.CreateVersion7().ToString() })],
        Cards = [.. template.Cards.Select(c => c with { Uuid = Guid.NewGuid().ToString() })],
    };

    internal static HookCallRecord DliCall()
    {
        var criteria = CriterionIds
            .Select(id => new CriterionRecord(id, $"{id} criterion label as the policy file words it", "met", $"{id} met: evidence on record (latest 2026-10-01)", [$"Observation/obs-{id}-1", $"Procedure/proc-{id}"]))
            .ToList();
        var detail = new DecisionDetail(criteria, [], [new MissingRecord("I", "Documentation of donor availability")], ["performer"], ["withpa"]);
        var decision = new OrderDecisionRecord("ServiceRequest/sr-dli-001", "x", "Coverage/cov-001", "meets-criteria", "I", "Criterion I met: I.A, I.B, I.C and a prior allogeneic HCT on record", "covered", "auth-needed", "clinical", new DateOnly(2026, 11, 24), detail);
        return Record([decision], [new CardRecord("x", "ServiceRequest/sr-dli-001"), new CardRecord("x", "ServiceRequest/sr-dli-001")], Answer(7_000), 200);
    }

    internal static HookCallRecord NoPolicyOrderCall()
    {
        var detail = new DecisionDetail([], [], [], [], []);
        var decision = new OrderDecisionRecord("ServiceRequest/sr-cbc-001", "x", "Coverage/cov-001", LedgerEntry.NotGoverned, "none", "No policy of this service governs the order.", "conditional", "no-auth", null, new DateOnly(2026, 11, 24), detail);
        return Record([decision], [], Answer(1_600), 200);
    }

    private static HookCallRecord Record(IReadOnlyList<OrderDecisionRecord> decisions, IReadOnlyList<CardRecord> cards, string response, int status) => new()
    {
        Id = "x",
        ReceivedAt = DateTimeOffset.UtcNow,
        ServiceId = "dli-coverage-order-sign",
        Hook = "order-sign",
        HookInstance = "x",
        Issuer = "https://ehr.example.org",
        PatientId = "pat-bench-001",
        UserId = "PractitionerRole/pr-bmt-attending",
        EncounterId = "enc-001",
        FhirServer = "https://ehr.example.org/fhir",
        Status = status,
        Orders = [.. decisions.Select(d => d.OrderReference)],
        Decisions = decisions,
        Cards = cards,
        DataSources = new Dictionary<string, string> { ["patient"] = "prefetch", ["coverage"] = "prefetch", ["procedures"] = "prefetch", ["observations"] = "prefetch" },
        Timings = [new StageTiming("read", 0.2), new StageTiming("check", 0.05), new StageTiming("answer", 0.4), new StageTiming("total", 1.1)],
        Response = response,
        ResponseSha256 = new string('a', 64),
    };

    // An answer of about the given size in the shape of the service's (a JSON object of cards and system actions).
    private static string Answer(int bytes)
    {
        var text = new StringBuilder("{\"cards\":[],\"systemActions\":[{\"type\":\"update\",\"description\":\"Coverage information\",\"resource\":{\"resourceType\":\"ServiceRequest\",\"note\":[");
        while (text.Length < bytes - 40)
        {
            text.Append("{\"text\":\"an echo of the draft order as the EHR sent it\"},");
        }

        return text.Append("{\"text\":\"end\"}]}}]}").ToString();
    }
}
