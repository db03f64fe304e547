using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Fhir;

namespace Cds.Bench.Micro;

/// <summary>
/// The direct reader against Firely's read, in the same run (session 22). <c>TryReadAll</c>: <c>FhirJson.TryRead</c>
/// (the direct reader first, Firely for what it does not handle) over every resource of the prefetch, the searchset
/// Bundles unpacked; <c>TryReadAllWithFirely</c>: the same resources through Firely alone (<c>FhirJson.TryReadWithFirely</c>,
/// the read before). <c>ReadRecord</c> / <c>ReadRecordWithFirely</c>: the record read path the service takes before it
/// extracts facts (<c>FactExtractor.Read</c>: the relevance filter on the JSON, then the read of what it lets through),
/// with each of the two reads.
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class DirectReadBenchmarks
{
    private List<JsonElement> _prefetch = [];
    private List<JsonElement> _resources = [];
    private string _patientId = string.Empty;
    private FactExtractor _extractor = null!;

    [Params("typical", "heavy")]
    public string Patient { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        var request = Corpora.Request(Patient, Corpora.Size(Patient));
        _prefetch = Corpora.Prefetch(request);
        _resources = [.. _prefetch.SelectMany(Unpacked)];
        _patientId = Corpora.PatientId(request);
        _extractor = new FactExtractor(PolicyFiles.LoadDefault());
        if (TryReadAll() != TryReadAllWithFirely() || ReadRecord() != ReadRecordWithFirely())
        {
            throw new InvalidOperationException("the direct reader and Firely read a different number of resources");
        }
    }

    [Benchmark]
    public int TryReadAll() => Count(FhirJson.TryRead);

    [Benchmark(Baseline = true)]
    public int TryReadAllWithFirely() => Count(FhirJson.TryReadWithFirely);

    [Benchmark]
    public int ReadRecord() => ClinicalRecord.Parse(_prefetch, _patientId, _extractor.IsRelevant, FhirJson.TryRead).Count;

    [Benchmark]
    public int ReadRecordWithFirely() => ClinicalRecord.Parse(_prefetch, _patientId, _extractor.IsRelevant, FhirJson.TryReadWithFirely).Count;

    private int Count(Func<JsonElement, object?> read)
    {
        var count = 0;
        foreach (var resource in _resources)
        {
            count += read(resource) is null ? 0 : 1;
        }

        return count;
    }

    private static IEnumerable<JsonElement> Unpacked(JsonElement value) =>
        value.TryGetProperty("resourceType", out var type) && type.GetString() == "Bundle"
            ? value.TryGetProperty("entry", out var entries) ? entries.EnumerateArray().Select(e => e.GetProperty("resource")) : []
            : [value];
}
