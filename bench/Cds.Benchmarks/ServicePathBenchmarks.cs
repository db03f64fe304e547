using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.Service.Contract;
using Cds.Service.Discovery;
using Cds.Service.Hooks;
using Cds.Service.Policy;
using Cds.Service.Prefetch;
using Microsoft.Extensions.DependencyInjection;

namespace Cds.Bench.Micro;

/// <summary>
/// "Where the time goes", on the path a hook call really takes: the service composed as Program.cs composes it, its own
/// singletons (<c>HookHandler</c>, <c>PatientDataGatherer</c>, <c>CoverageEngine</c>) called as the endpoint calls them.
/// <c>Hook</c> is one whole call in process (body checked and parsed by <c>JsonBody.Parse</c>, as the endpoint does, →
/// <c>HookHandler.HandleAsync</c> → response bytes); no HTTP, no ledger write, logging switched off. The steps:
/// <c>ParseRequest</c> (the body's checks and JsonDocument with its duplicate-key check, HookRequest, draft orders read as
/// the handler reads them), <c>ReadRecord</c> (prefetch gathered, the one JSON pass that binds it to the patient and
/// finds the Coverages, and, only when a policy order is in scope, the record read: screening, Firely for what the
/// policy reads, facts) and <c>Decide</c> (each policy order's decision). What is left of <c>Hook</c> is the flow and
/// the answer's rendering.
/// Patients: typical (50 resources), nondli (the same prefetch, a CBC order: no policy order, an ungoverned-order
/// assertion), heavy (2,000).
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class ServicePathBenchmarks
{
    private const string ServiceId = "dli-coverage-order-sign";
    private ServiceHost _host = null!;
    private HookHandler _handler = null!;
    private PatientDataGatherer _gatherer = null!;
    private PolicySet _policies = null!;
    private CoverageEngine _engine = null!;
    private ServiceDefinition _service = null!;
    private byte[] _body = [];
    private JsonDocument _document = null!;
    private HookRequest _request = null!;
    private List<DraftOrder> _policyOrders = [];
    private ClinicalFacts _facts = null!;

    [Params("typical", "nondli", "heavy")]
    public string Patient { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        _host = ServiceHost.StartAsync([]).GetAwaiter().GetResult();
        _handler = _host.Services.GetRequiredService<HookHandler>();
        _gatherer = _host.Services.GetRequiredService<PatientDataGatherer>();
        _policies = _host.Services.GetRequiredService<PolicyLibrary>().Current;
        _engine = _policies.Policies[0];
        _service = _host.Services.GetRequiredService<DiscoveryDocument>().Find(ServiceId) ?? throw new InvalidOperationException("no service " + ServiceId);
        _body = Corpora.RequestBody(Patient);
        _document = Parse(_body);
        _request = HookRequest.Parse(_document.RootElement, out var error) ?? throw new InvalidOperationException(error);
        if (!DraftOrder.TryParseBundle(_request.DraftOrders, _policies.MayGovern, out var orders, out error))
        {
            throw new InvalidOperationException(error);
        }

        _policyOrders = [.. orders.Where(_engine.Extractor.IsPolicyOrder)];
        _facts = Read().GetAwaiter().GetResult().Facts;

        // What is measured must be what the service does: a DLI order to decide for the DLI patients, none for the CBC
        // (which, under CRD 2.0.1's every-invocation rule, still gets the ungoverned-order assertion: Cds:Crd:UngovernedOrders).
        var answer = Hook().GetAwaiter().GetResult();
        if ((Patient == "nondli") != (_policyOrders.Count == 0) || answer.Length == 0)
        {
            throw new InvalidOperationException($"unexpected answer for {Patient}: {answer.Length} bytes, {_policyOrders.Count} policy order(s)");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _document.Dispose();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>One whole hook call in process; the answer's bytes (empty when the service has nothing to say).</summary>
    [Benchmark]
    public async Task<byte[]> Hook()
    {
        using var document = Parse(_body);
        var call = new HookCall(ServiceId, document.RootElement, new Uri(ServiceHost.PublicBaseUrl), new ClaimsPrincipal(new ClaimsIdentity()), TimeSpan.FromSeconds(5));
        return await _handler.HandleAsync(call, CancellationToken.None) switch
        {
            HookOutcome.Answered answered => JsonSerializer.SerializeToUtf8Bytes(answered.Response, CdsJsonContext.Default.CdsResponse),
            HookOutcome.NothingToSay => [],
            var other => throw new InvalidOperationException("not answered: " + other.GetType().Name),
        };
    }

    /// <summary>The body checked and parsed as the endpoint parses it, the hook request and its draft orders read as the handler reads them.</summary>
    [Benchmark]
    public int ParseRequest()
    {
        using var document = Parse(_body);
        var request = HookRequest.Parse(document.RootElement, out var error) ?? throw new InvalidOperationException(error);
        return DraftOrder.TryParseBundle(request.DraftOrders, _policies.MayGovern, out var orders, out _) ? orders.Count : -1;
    }

    /// <summary>
    /// The prefetch gathered (no query: all of it is in the request), bound to the patient by the index pass, and read
    /// into facts by the engine only when a policy order is in scope (as <c>HookHandler</c> does): the resources counted.
    /// </summary>
    [Benchmark]
    public async Task<int> ReadRecord() => (await Read()).Resources;

    private async Task<PatientRecordRead> Read()
    {
        var data = await _gatherer.GatherAsync(_service, _request, TimeSpan.FromSeconds(5), CancellationToken.None);
        var index = HookHandler.Bind(data, _request);
        if (_policyOrders.Count == 0)
        {
            return new PatientRecordRead(index.Count, new ClinicalFacts(), [], []);
        }

        return await _engine.ReadAsync(data with { Keyed = index.Items }, _request.PatientId, PatientDataGatherer.Gaps(_service, data), CancellationToken.None);
    }

    private static JsonDocument Parse(byte[] body) => JsonBody.Parse(body).Document ?? throw new InvalidOperationException("the corpus body is not strict JSON");

    /// <summary>Each policy order decided from the facts (none for the CBC).</summary>
    [Benchmark]
    public int Decide()
    {
        var decided = 0;
        foreach (var order in _policyOrders)
        {
            decided += _engine.Decide(_facts, order).Criteria.Count;
        }

        return decided;
    }
}
