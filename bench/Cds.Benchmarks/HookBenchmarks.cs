using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cds.FhirMapping.Coverages;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;
using Cds.Service.Contract;
using Cds.Service.Hooks;

namespace Cds.Bench.Micro;

/// <summary>
/// One whole hook in process, by record size: request bytes → JsonDocument → hook request → Firely resources → facts →
/// decision → cards and extension → response bytes. No HTTP, no ledger: the service's own work, to show how it scales.
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class HookBenchmarks
{
    private static readonly (string System, string Code)[] BillingCode = [("http://www.ama-assn.org/go/cpt", "38242")];
    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = 64 };

    private byte[] _body = [];
    private FactExtractor _extractor = null!;
    private PolicyEvaluator _evaluator = null!;
    private PolicyDefinition _policy = null!;
    private CardBuilder.Context _context = null!;

    [Params(10, 100, 500, 1000, 5000)]
    public int Resources { get; set; } = 10;

    [GlobalSetup]
    public void Setup()
    {
        _body = Corpora.RequestBody($"scale{Resources}", Resources);
        _policy = PolicyDefinition.LoadDefault();
        _extractor = new FactExtractor(_policy);
        _evaluator = new PolicyEvaluator(_policy, TimeProvider.System);
        _context = new CardBuilder.Context(_policy.Insurer, _policy.Document.PolicyNumber, _policy.Service.Description, new Uri("http://127.0.0.1:5080/policies/dli-45.03"), false, []);
        if (Hook().Length == 0)
        {
            throw new InvalidOperationException("no answer");
        }
    }

    [Benchmark]
    public byte[] Hook()
    {
        using var document = JsonDocument.Parse(_body, ReadOptions);
        var request = HookRequest.Parse(document.RootElement, out var error) ?? throw new InvalidOperationException(error);
        if (!DraftOrder.TryParseBundle(request.DraftOrders, out var orders, out error))
        {
            throw new InvalidOperationException(error);
        }

        var facts = _extractor.Extract(ClinicalRecord.Parse(request.Prefetch.Values, request.PatientId));
        var coverage = CoverageRecord.Read(request.Prefetch.Values, request.PatientId).Coverages[0].Reference;
        var cards = new List<Card>();
        var actions = new List<CdsAction>();
        foreach (var order in orders.Where(_extractor.IsPolicyOrder))
        {
            var decision = _evaluator.Evaluate(facts, _extractor.ExtractOrder(order));
            var assertion = CoverageAssertion.From(decision, coverage, "auth-needed", mayRequestDocumentation: true, DateOnly.FromDateTime(DateTime.UtcNow), Guid.CreateVersion7().ToString());
            actions.Add(new CdsAction("update", $"Coverage information for {order.Reference}", CoverageInformation.Annotate(order, assertion, BillingCode)));
            cards.Add(CardBuilder.Status(decision, _context));
            if (CardBuilder.Missing(decision, _context) is { } missing)
            {
                cards.Add(missing);
            }
        }

        return JsonSerializer.SerializeToUtf8Bytes(new CdsResponse(cards, actions), CdsJsonContext.Default.CdsResponse);
    }
}
