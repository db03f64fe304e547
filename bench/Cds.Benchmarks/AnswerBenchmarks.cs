using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Modules;
using Cds.Service.Contract;
using Cds.Service.Hooks;

namespace Cds.Bench.Micro;

/// <summary>From a decision to the answer: the CRD coverage-information extension on the order, the cards, the JSON body.</summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class AnswerBenchmarks
{
    private static readonly (string System, string Code)[] BillingCode = [("http://www.ama-assn.org/go/cpt", "38242")];
    private static readonly DateOnly Today = new(2026, 11, 24);

    private CoverageDecision _decision = null!;
    private DraftOrder _order = null!;
    private CardBuilder.Context _context = null!;
    private object _response = null!;

    [Params("typical", "heavy")]
    public string Patient { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        var request = Corpora.Request(Patient, Corpora.Size(Patient));
        var policy = PolicyFiles.LoadDefault();
        var extractor = new FactExtractor(policy);
        var facts = extractor.Extract(ClinicalRecord.Parse(Corpora.Prefetch(request), Corpora.PatientId(request)));
        if (!DraftOrder.TryParseBundle(request.GetProperty("context").GetProperty("draftOrders"), out var orders, out var error))
        {
            throw new InvalidOperationException(error);
        }

        _order = orders[0];
        _decision = new PolicyEvaluator(policy, TimeProvider.System, ModuleCatalog.All).Evaluate(facts, extractor.ExtractOrder(_order));
        _context = new CardBuilder.Context(policy.Insurer, policy.Document.PolicyNumber, policy.Service.Description, new Uri("http://127.0.0.1:5080/policies/dli-45.03"), false, [])
        {
            ServiceName = policy.ServiceName,
            PolicyVersion = policy.Version,
        };
        _response = Response();
    }

    /// <summary>CRD codes for the decision and the order as received with ext-coverage-information added.</summary>
    [Benchmark]
    public JsonObject Extension()
    {
        var assertion = CoverageAssertion.From(_decision, "Coverage/cov-regence-001", "auth-needed", mayRequestDocumentation: true, Today, Guid.CreateVersion7().ToString());
        return CoverageInformation.Annotate(_order, assertion, BillingCode);
    }

    /// <summary>The order-sign status card (criteria table with evidence) and the missing-data card.</summary>
    [Benchmark]
    public object Cards() => new[] { CardBuilder.Status(_decision, _context), CardBuilder.Missing(_decision, _context) };

    /// <summary>Cards, extension and the CDS Hooks response serialized to UTF-8, as sent.</summary>
    [Benchmark]
    public byte[] ResponseBody() => JsonSerializer.SerializeToUtf8Bytes((CdsResponse)_response, CdsJsonContext.Default.CdsResponse);

    /// <summary>Everything from the decision to the bytes on the wire.</summary>
    [Benchmark]
    public byte[] WholeAnswer() => JsonSerializer.SerializeToUtf8Bytes(Response(), CdsJsonContext.Default.CdsResponse);

    private CdsResponse Response()
    {
        var cards = new List<Card> { CardBuilder.Status(_decision, _context) };
        if (CardBuilder.Missing(_decision, _context) is { } missing)
        {
            cards.Add(missing);
        }

        return new CdsResponse(cards, [new CdsAction("update", $"Coverage information for {_order.Reference} under Medical Policy 45.03", Extension())]);
    }
}
