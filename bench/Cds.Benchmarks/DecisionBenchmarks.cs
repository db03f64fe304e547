using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Modules;

namespace Cds.Bench.Micro;

/// <summary>Policy evaluation of one DLI order against a patient's facts (criteria, decision, missing data).</summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class DecisionBenchmarks
{
    private FactExtractor _extractor = null!;
    private PolicyEvaluator _evaluator = null!;
    private ClinicalFacts _facts = null!;
    private DraftOrder _order = null!;

    [Params("typical", "heavy")]
    public string Patient { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        var request = Corpora.Request(Patient, Corpora.Size(Patient));
        var policy = PolicyFiles.LoadDefault();
        _extractor = new FactExtractor(policy);
        _evaluator = new PolicyEvaluator(policy, TimeProvider.System, ModuleCatalog.All);
        _facts = _extractor.Extract(ClinicalRecord.Parse(Corpora.Prefetch(request), Corpora.PatientId(request)));
        if (!DraftOrder.TryParseBundle(request.GetProperty("context").GetProperty("draftOrders"), out var orders, out var error))
        {
            throw new InvalidOperationException(error);
        }

        _order = orders[0];
        if (Evaluate().Outcome != DecisionOutcome.MeetsCriteria)
        {
            throw new InvalidOperationException("The corpus patient should meet the criteria.");
        }
    }

    /// <summary>The order's own facts (IV, indication) and the evaluation of every criterion.</summary>
    [Benchmark]
    public CoverageDecision Evaluate() => _evaluator.Evaluate(_facts, _extractor.ExtractOrder(_order));
}
