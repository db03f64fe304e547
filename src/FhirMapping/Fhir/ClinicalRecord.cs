using System.Text.Json;
using Cds.FhirMapping.Facts;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// The patient's FHIR resources gathered for one hook call (from prefetch and from queries), parsed once.
/// Bundles are unpacked, OperationOutcomes dropped, and a resource seen twice (same type and id) kept once. Only the
/// patient's own resources are kept (<see cref="PatientBinding"/>); the others are counted in <see cref="NotThisPatient"/>
/// by type and id, never read. What could not be read is a <see cref="DataGap"/>.
/// </summary>
/// <remarks>
/// Building Firely objects is nearly all the cost of a hook, and most of a transplant patient's record (years of routine
/// labs) is never read by the policy. With a relevance filter (<see cref="FactExtractor.Read"/>), a resource is looked at
/// as JSON first and only deserialized when the fact extractor would use it.
/// </remarks>
public sealed class ClinicalRecord
{
    private readonly List<Resource> _resources = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _notThisPatient = [];
    private readonly List<DataGap> _gaps = [];
    private readonly Func<string, JsonElement, bool>? _relevant;
    private readonly string _patientId;

    private ClinicalRecord(string patientId, Func<string, JsonElement, bool>? relevant)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        _patientId = patientId;
        _relevant = relevant;
    }

    /// <summary>The patient whose record this is (<c>context.patientId</c>).</summary>
    public string PatientId => _patientId;

    /// <summary>Resources dropped because they are another patient's or name no patient: "Type/id" (never content).</summary>
    public IReadOnlyList<string> NotThisPatient => _notThisPatient;

    /// <summary>Data that could not be read or was cut off, by resource type.</summary>
    public IReadOnlyList<DataGap> Gaps => _gaps;

    /// <summary>How many distinct resources the record was given (read or skipped as irrelevant).</summary>
    public int Count => _resources.Count + Skipped;

    /// <summary>How many resources were skipped without being deserialized because the policy does not use them.</summary>
    public int Skipped { get; private set; }

    /// <summary>How many items could not be read as FHIR resources and were skipped.</summary>
    public int Unreadable { get; private set; }

    internal IReadOnlyList<Resource> Resources => _resources;

    /// <summary>Builds the patient's record from resources and searchset Bundles, deserializing every resource.</summary>
    public static ClinicalRecord Parse(IEnumerable<JsonElement> resourcesOrBundles, string patientId) => Parse(resourcesOrBundles, patientId, null);

    internal static ClinicalRecord Parse(IEnumerable<JsonElement> resourcesOrBundles, string patientId, Func<string, JsonElement, bool>? relevant)
    {
        ArgumentNullException.ThrowIfNull(resourcesOrBundles);
        var record = new ClinicalRecord(patientId, relevant);
        foreach (var element in resourcesOrBundles)
        {
            record.Add(element);
        }

        return record;
    }

    /// <summary>Records that data of a resource type could not be retrieved in full (a failed or truncated search).</summary>
    public void ReportGap(string resourceType, string what) => _gaps.Add(new DataGap(resourceType, what));

    /// <summary>Adds a resource or a Bundle of them.</summary>
    public void Add(JsonElement resourceOrBundle)
    {
        if (resourceOrBundle.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return;
        }

        if (TypeOf(resourceOrBundle) is not { } type)
        {
            Unreadable++;
            return;
        }

        if (type != "Bundle")
        {
            AddResource(type, resourceOrBundle);
            return;
        }

        if (!resourceOrBundle.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var entry in entries.EnumerateArray())
        {
            // Search bundles mark OperationOutcomes about the search with search.mode = outcome.
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("resource", out var resource)
                || (entry.TryGetProperty("search", out var search) && search.ValueKind == JsonValueKind.Object
                    && search.TryGetProperty("mode", out var mode) && mode.ValueKind == JsonValueKind.String && mode.ValueEquals("outcome")))
            {
                continue;
            }

            Add(resource);
        }
    }

    private void AddResource(string type, JsonElement json)
    {
        if (type == "OperationOutcome")
        {
            return;
        }

        var id = json.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        if (id is not null && !_seen.Add($"{type}/{id}"))
        {
            return;
        }

        if (!PatientBinding.IsThePatients(type, json, _patientId))
        {
            _notThisPatient.Add(id is null ? type : $"{type}/{id}");
            return;
        }

        if (_relevant is not null && !_relevant(type, json))
        {
            Skipped++;
            return;
        }

        if (FhirJson.TryRead(json) is { } resource)
        {
            _resources.Add(resource);
        }
        else
        {
            Unreadable++;
            var reference = id is null ? type : $"{type}/{id}";
            _gaps.Add(new DataGap(type, $"{reference} could not be read as FHIR R4"));
        }
    }

    private static string? TypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("resourceType", out var type)
        && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;
}
