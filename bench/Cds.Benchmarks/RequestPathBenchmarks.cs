using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Cds.Bench.Corpus;
using Cds.FhirMapping.Coverages;
using Cds.FhirMapping.Fhir;
using Cds.Service.Contract;
using Cds.Service.Hooks;
using Cds.Service.Hosting;
using Cds.Service.Policy;
using Cds.Service.Prefetch;
using Cds.Service.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cds.Bench.Micro;

/// <summary>
/// The service's own request path (issue 14, "p14-path"), in process with the service's real wiring (no HTTP, no
/// ledger): the body read from the request stream (<see cref="JsonBody.ReadAsync"/>), and the whole hook handler for
/// a DLI order and for a non-DLI order (a CBC, CPT 85025) beside the same prefetch. Allocations per call are the robust
/// figure on a shared machine.
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class RequestPathBenchmarks : IDisposable
{
    private static readonly Uri BaseUrl = new("http://127.0.0.1:5080/");

    private byte[] _dli = [];
    private byte[] _cbc = [];
    private WebApplication _app = null!;
    private HookHandler _handler = null!;
    private FactExtractor _extractor = null!;
    private JsonDocument _cbcDocument = null!;
    private JsonElement _cbcOrders;
    private List<KeyedItem> _prefetch = [];
    private string _patientId = string.Empty;

    [Params("typical", "heavy")]
    public string Patient { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        var request = PatientRecord.HookRequest(Patient, Corpora.Size(Patient), Corpora.Seed);
        _dli = JsonSerializer.SerializeToUtf8Bytes(request);
        var order = request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!.AsObject();
        order["id"] = "sr-cbc-001";
        order["code"] = new JsonObject
        {
            ["coding"] = new JsonArray { new JsonObject { ["system"] = "http://www.ama-assn.org/go/cpt", ["code"] = "85025", ["display"] = "Complete blood count (CBC) with automated differential" } },
            ["text"] = "CBC with differential",
        };
        _cbc = JsonSerializer.SerializeToUtf8Bytes(request);

        var builder = WebApplication.CreateBuilder(["--Cds:Security:DevelopmentMode=true", "--Cds:Security:PublicBaseUrl=http://127.0.0.1:5080/", "--Logging:LogLevel:Default=Warning"]);
        builder.AddCdsServices();
        builder.AddTelemetry();
        builder.AddCdsSecurity();
        _app = builder.Build();
        _handler = _app.Services.GetRequiredService<HookHandler>();
        _extractor = _app.Services.GetRequiredService<PolicyLibrary>().Current.Policies[0].Extractor;
        _cbcDocument = JsonDocument.Parse(_cbc);
        _cbcOrders = _cbcDocument.RootElement.GetProperty("context").GetProperty("draftOrders");
        _patientId = _cbcDocument.RootElement.GetProperty("context").GetProperty("patientId").GetString()!;
        _prefetch = [.. _cbcDocument.RootElement.GetProperty("prefetch").EnumerateObject().Select(p => new KeyedItem(p.Name, p.Value))];
        if (DliHook().GetAwaiter().GetResult() != nameof(HookOutcome.Answered) || CbcHook().GetAwaiter().GetResult() != nameof(HookOutcome.Answered))
        {
            throw new InvalidOperationException("no answer");
        }
    }

    /// <summary>The body from the request stream to a checked JSON document, as the hook endpoint reads it.</summary>
    [Benchmark]
    public async Task<int> ReadBody()
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = _dli.Length;
        context.Request.Body = new MemoryStream(_dli, writable: false);
        var (body, problem) = await JsonBody.ReadAsync(context.Request, 8 * 1024 * 1024, TimeSpan.FromSeconds(10), CancellationToken.None);
        using (body)
        {
            return body?.RootElement.ValueKind == JsonValueKind.Object ? 1 : throw new InvalidOperationException(problem?.Diagnostics);
        }
    }

    /// <summary>A DLI order: checked, the record read, decided, answered (everything but HTTP and the ledger).</summary>
    [Benchmark]
    public async Task<string> DliHook() => (await HandleAsync(_dli)).GetType().Name;

    /// <summary>A CBC beside the same prefetch: no policy governs it (a coverage-information action, no card).</summary>
    [Benchmark]
    public async Task<string> CbcHook() => (await HandleAsync(_cbc)).GetType().Name;

    /// <summary>The draft orders as before: every order deserialized by Firely (the reference reader).</summary>
    [Benchmark]
    public int OrdersFirely() => DraftOrder.TryParseBundle(_cbcOrders, out var orders, out _) ? orders.Count(_extractor.IsPolicyOrder) : -1;

    /// <summary>The draft orders screened on their JSON code: Firely only for an order the policy may govern.</summary>
    [Benchmark]
    public int OrdersScreened() => DraftOrder.TryParseBundle(_cbcOrders, _extractor.MayBePolicyOrder, out var orders, out _) ? orders.Count(_extractor.IsPolicyOrder) : -1;

    /// <summary>The Coverages as before: the Coverage selection walks the whole record again.</summary>
    [Benchmark]
    public int CoverageWholeRecord() => CoverageRecord.Read(_prefetch.Select(k => k.Item), _patientId).Coverages.Count;

    /// <summary>The Coverages from the one pass that binds the record (which a call with no policy order needs anyway).</summary>
    [Benchmark]
    public int CoverageFromIndex() => CoverageRecord.Read(PatientDataIndex.Build(_prefetch, _patientId).Coverage, _patientId).Coverages.Count;

    public void Dispose()
    {
        _cbcDocument?.Dispose();
        _app?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    private async Task<HookOutcome> HandleAsync(byte[] body)
    {
        var (document, problem) = JsonBody.Parse(body);
        using (document)
        {
            if (document is null)
            {
                throw new InvalidOperationException(problem?.Diagnostics);
            }

            return await _handler.HandleAsync(new HookCall("dli-coverage-order-sign", document.RootElement, BaseUrl, new ClaimsPrincipal(), TimeSpan.FromSeconds(5)), CancellationToken.None);
        }
    }
}
