using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cds.FhirMapping.Fhir;

namespace Cds.Bench.Micro;

/// <summary>
/// Reading one FHIR resource as the service reads every resource it uses (<c>FhirJson.TryRead</c>: the direct reader
/// for the common clean shapes, else Firely's Ostrich deserialization, then the check that every element can be used),
/// over each resource of the typical patient's prefetch (the searchset Bundles unpacked, 50 resources): the cost per
/// patient. <see cref="DirectReadBenchmarks"/> sets it beside Firely's read alone.
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class FhirReadBenchmarks
{
    private JsonDocument? _document;
    private List<JsonElement> _resources = [];

    [GlobalSetup]
    public void Setup()
    {
        _document = JsonDocument.Parse(Corpora.RequestBody("typical"));
        _resources = [.. _document.RootElement.GetProperty("prefetch").EnumerateObject().SelectMany(p => Unpacked(p.Value))];
    }

    [GlobalCleanup]
    public void Cleanup() => _document?.Dispose();

    [Benchmark]
    public int TryReadTypicalPatient()
    {
        var read = 0;
        foreach (var resource in _resources)
        {
            read += FhirJson.TryRead(resource) is null ? 0 : 1;
        }

        return read == _resources.Count ? read : throw new InvalidOperationException($"{_resources.Count - read} resources unreadable");
    }

    private static IEnumerable<JsonElement> Unpacked(JsonElement value) =>
        value.TryGetProperty("resourceType", out var type) && type.GetString() == "Bundle"
            ? value.TryGetProperty("entry", out var entries) ? entries.EnumerateArray().Select(e => e.GetProperty("resource")) : []
            : [value];
}
