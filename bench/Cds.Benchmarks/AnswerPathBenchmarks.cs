using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cds.FhirMapping.Coverages;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Fhir;
using Cds.Service.Contract;
using Cds.Service.Discovery;
using Cds.Service.Hooks;
using Cds.Service.Telemetry;
using Cds.Service.Policy;
using Cds.Service.Prefetch;
using Microsoft.Extensions.DependencyInjection;
using PolicyOrders = Cds.Service.Hooks.PolicyOrders;

namespace Cds.Bench.Micro;

/// <summary>
/// The answer path of a hook call once the record is read, as <c>HookHandler</c> takes it: <c>CrdAnswer.BuildAsync</c>
/// (the Coverage read and chosen per order, each policy order decided, the coverage-information actions and the cards)
/// and <c>HookResults.Map</c> (the response's bytes). <c>Build</c> stops before the bytes, so <c>Answer</c> − <c>Build</c> is
/// the serialization. Everything before it (the body parse, the gather, the index pass and the record read into facts)
/// is done once in the setup. Patients: typical (50 resources), nondli (the same prefetch, a CBC order: the
/// ungoverned-order assertion), heavy (2,000).
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class AnswerPathBenchmarks
{
    private const string ServiceId = "dli-coverage-order-sign";
    private static readonly Uri BaseUrl = new(ServiceHost.PublicBaseUrl);
    private readonly ClaimsPrincipal _caller = new(new ClaimsIdentity());
    private ServiceHost _host = null!;
    private CrdAnswer _answer = null!;
    private CdsMetrics _metrics = null!;
    private JsonDocument _document = null!;
    private HookRequest _request = null!;
    private HookConfiguration _configuration = null!;
    private PolicySet _policies = null!;
    private readonly List<PolicyOrders> _governed = [];
    private IReadOnlyList<DraftOrder> _ungoverned = [];
    private PatientData _data = null!;

    [Params("typical", "nondli", "heavy")]
    public string Patient { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        _host = ServiceHost.StartAsync([]).GetAwaiter().GetResult();
        _answer = _host.Services.GetRequiredService<CrdAnswer>();
        _metrics = _host.Services.GetRequiredService<CdsMetrics>();
        _policies = _host.Services.GetRequiredService<PolicyLibrary>().Current;
        var gatherer = _host.Services.GetRequiredService<PatientDataGatherer>();
        var service = _host.Services.GetRequiredService<DiscoveryDocument>().Find(ServiceId) ?? throw new InvalidOperationException("no service " + ServiceId);
        _document = JsonBody.Parse(Corpora.RequestBody(Patient)).Document ?? throw new InvalidOperationException("the corpus body is not strict JSON");
        _request = HookRequest.Parse(_document.RootElement, out var error) ?? throw new InvalidOperationException(error);
        if (!DraftOrder.TryParseBundle(_request.DraftOrders, _policies.MayGovern, out var orders, out error))
        {
            throw new InvalidOperationException(error);
        }

        // As HookHandler.HandleAsync: orders routed to their policy, the data gathered and bound, the record read.
        _configuration = HookConfiguration.Read(service, _request.Configuration);
        var routed = orders.Select(o => (Order: o, Policy: _policies.Route(o))).Where(r => r.Policy is not null)
            .GroupBy(r => r.Policy!, (policy, group) => (Policy: policy, Orders: (IReadOnlyList<DraftOrder>)[.. group.Select(r => r.Order)]))
            .ToList();
        _ungoverned = _answer.Ungoverned(_request, _configuration, orders, _policies);
        var data = gatherer.GatherAsync(service, _request, TimeSpan.FromSeconds(5), CancellationToken.None).GetAwaiter().GetResult();
        var index = HookHandler.Bind(data, _request);
        var bound = data with { Keyed = index.Items };
        var gaps = PatientDataGatherer.Gaps(service, data);
        foreach (var (policy, policyOrders) in routed)
        {
            var read = policy.ReadAsync(bound, _request.PatientId, gaps, CancellationToken.None).GetAwaiter().GetResult();
            _governed.Add(new PolicyOrders(policy, policyOrders, read.Facts));
        }

        _data = data with { Coverage = index.Coverage };
        if ((Patient == "nondli") != (_governed.Count == 0) || Answer().Length == 0)
        {
            throw new InvalidOperationException($"unexpected answer for {Patient}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _document.Dispose();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The answer built: Coverage, decisions, actions and cards (no bytes yet).</summary>
    [Benchmark]
    public object Build() => BuildOutcome();

    /// <summary>The answer built and serialized as the endpoint sends it.</summary>
    [Benchmark]
    public byte[] Answer() => HookResults.Map(BuildOutcome()).Body;

    /// <summary>Step: the patient's Coverages read (CoverageRecord.Read over the Coverages the index set apart) and chosen per order.</summary>
    [Benchmark]
    public int Coverage()
    {
        var record = CoverageRecord.Read(_data.CoverageItems, _request.PatientId);
        var payer = _host.Services.GetRequiredService<CoverageResolver>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return _governed.SelectMany(g => g.Orders).Concat(_ungoverned).Sum(o => payer.Choose(record, o, today).Chosen.Count);
    }

    /// <summary>Step: each policy order decided (RecordDecider.Decide: the order read, the criteria evaluated).</summary>
    [Benchmark]
    public int Decide() => _governed.Sum(g => g.Orders.Sum(o => g.Policy.Decide(g.Facts, o).Criteria.Count));

    /// <summary>Step: the coverage-information extension written on each order (CoverageInformation.AnnotateAll).</summary>
    [Benchmark]
    public int Annotate()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var count = 0;
        foreach (var (engine, orders, facts) in _governed)
        {
            foreach (var order in orders)
            {
                var decision = engine.Decide(facts, order);
                var assertion = CoverageAssertion.From(decision, "Coverage/c", engine.PriorAuthorization, mayRequestDocumentation: true, today, "a");
                count += CoverageInformation.AnnotateAll(order, [assertion], engine.Policy.BillingCodes).Count;
            }
        }

        return count;
    }

    private HookOutcome BuildOutcome()
    {
        using var measurement = _metrics.StartHook();
        return _answer.BuildAsync(_request, _configuration, _policies, _governed, _ungoverned, _data, BaseUrl, _caller, measurement, CancellationToken.None).GetAwaiter().GetResult().Outcome;
    }
}
