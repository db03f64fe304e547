using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Fhir;

namespace Cds.Bench.Micro;

/// <summary>
/// The floors a hook's cost is judged against, on the same bodies: <c>JsonDocumentParse</c> (the whole request body
/// parsed once), <c>ReaderPass</c> (one <c>Utf8JsonReader</c> pass over it, the least any JSON reading costs),
/// <c>FirelyAllResources</c> (every prefetch resource deserialized by the Firely SDK, <c>ClinicalRecord.Parse</c>: the
/// reference reader) and <c>FirelyScreened</c> (only the resources the policy reads, deserialized by the Firely SDK after
/// a screening of their JSON: <c>FactExtractor.Read</c>'s path). Both read through Firely alone
/// (<c>FhirJson.TryReadWithFirely</c>), as the floor is defined, although the service reads the common clean shapes
/// directly since session 22 (<see cref="DirectReadBenchmarks"/> sets the two reads side by side).
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class FloorBenchmarks
{
    private byte[] _body = [];
    private List<JsonElement> _prefetch = [];
    private string _patientId = string.Empty;
    private FactExtractor _extractor = null!;

    [Params("typical", "heavy")]
    public string Patient { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        _body = Corpora.RequestBody(Patient);
        var request = Corpora.Request(Patient, Corpora.Size(Patient));
        _prefetch = Corpora.Prefetch(request);
        _patientId = Corpora.PatientId(request);
        _extractor = new FactExtractor(PolicyFiles.LoadDefault());
    }

    [Benchmark]
    public int JsonDocumentParse()
    {
        using var document = JsonDocument.Parse(_body);
        return (int)document.RootElement.ValueKind;
    }

    [Benchmark]
    public int ReaderPass()
    {
        var reader = new Utf8JsonReader(_body);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    [Benchmark]
    public int FirelyAllResources() => ClinicalRecord.Parse(_prefetch, _patientId, null, FhirJson.TryReadWithFirely).Count;

    [Benchmark]
    public int FirelyScreened() => ClinicalRecord.Parse(_prefetch, _patientId, _extractor.IsRelevant, FhirJson.TryReadWithFirely).Count;
}
