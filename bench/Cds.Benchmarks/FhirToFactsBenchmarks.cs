using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;

namespace Cds.Bench.Micro;

/// <summary>FHIR JSON to clinical facts: reading the prefetch into Firely resources, then the one pass that extracts facts.</summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class FhirToFactsBenchmarks
{
    private List<JsonElement> _prefetch = [];
    private FactExtractor _extractor = null!;
    private ClinicalRecord _record = null!;
    private string _patientId = null!;

    [Params("typical", "heavy")]
    public string Patient { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        var request = Corpora.Request(Patient, Corpora.Size(Patient));
        _prefetch = Corpora.Prefetch(request);
        _patientId = Corpora.PatientId(request);
        _extractor = new FactExtractor(PolicyDefinition.LoadDefault());
        _record = ClinicalRecord.Parse(_prefetch, _patientId);
    }

    /// <summary>Prefetch JSON (already a JsonElement, as the service holds it) to Firely POCOs, deduplicated.</summary>
    [Benchmark]
    public ClinicalRecord ParseRecord() => ClinicalRecord.Parse(_prefetch, _patientId);

    /// <summary>Firely POCOs to the facts the policy needs (value sets and text patterns).</summary>
    [Benchmark]
    public ClinicalFacts ExtractFacts() => _extractor.Extract(_record);
}
