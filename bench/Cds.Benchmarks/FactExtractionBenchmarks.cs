using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;

namespace Cds.Bench.Micro;

/// <summary>
/// The DLI fact extraction on its own, over the corpus patients (scale10 = 10 resources, typical = 50, heavy = 2,000):
/// <c>Screen</c> is the record's walk (bound to the patient, seen once) with the relevance filter judging each resource
/// on its JSON, no Firely read; <c>Extract</c> is <c>FactExtractor.Extract</c> over the record already read (the
/// Firely resources the filter let through), as <c>CoverageEngine.ReadAsync</c> calls it after the read.
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class FactExtractionBenchmarks
{
    private FactExtractor _extractor = null!;
    private List<JsonElement> _prefetch = [];
    private string _patientId = string.Empty;
    private ClinicalRecord _record = null!;

    [Params("scale10", "typical", "heavy")]
    public string Patient { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        _extractor = new FactExtractor(PolicyFiles.LoadDefault());
        var request = Patient == "scale10" ? Corpora.Request("scale", 10) : Corpora.Request(Patient, Corpora.Size(Patient));
        _prefetch = Corpora.Prefetch(request);
        _patientId = Corpora.PatientId(request);
        _record = _extractor.Read(_prefetch, _patientId);
        if (_record.Count == 0 || Extract().Malignancies.Count == 0)
        {
            throw new InvalidOperationException($"the {Patient} patient gave no record or no malignancy");
        }
    }

    /// <summary>The walk and the relevance filter: how many resources would be read.</summary>
    [Benchmark]
    public int Screen()
    {
        var walk = new RecordWalk(_patientId);
        var relevant = 0;
        foreach (var item in _prefetch)
        {
            walk.Walk(item, (type, _, json) => relevant += type is not null && _extractor.IsRelevant(type, json) ? 1 : 0);
        }

        return relevant;
    }

    /// <summary>The facts of the record already read.</summary>
    [Benchmark]
    public ClinicalFacts Extract() => _extractor.Extract(_record);
}
