using System.Text.Json;
using Cds.FhirMapping.Fhir;

namespace Cds.Service.Prefetch;

/// <summary>
/// One pass over a call's patient data, on the JSON only (no Firely): Bundles unpacked (search outcomes dropped),
/// OperationOutcomes dropped, a resource seen twice (same type and id) kept once, and another patient's resources
/// (<see cref="PatientBinding"/>) dropped and named — the same rules, in the same order, as the fact extractor's
/// record, which it hands the kept items to. It also keeps the Coverages and Organizations apart, so the Coverage
/// selection reads those few instead of the whole record a second time, and it is all a call with no policy order
/// needs: how many resources there are (the resource limit), whose they are, and the Coverage.
/// </summary>
internal sealed class PatientDataIndex
{
    private readonly HashSet<(string Type, string Id)> _seen = [];
    private readonly List<KeyedItem> _items = [];
    private readonly List<JsonElement> _coverage = [];
    private readonly List<string> _notThisPatient = [];
    private readonly Dictionary<string, int> _typeless = new(StringComparer.Ordinal);
    private readonly string _patientId;

    private PatientDataIndex(string patientId) => _patientId = patientId;

    /// <summary>The patient's own resources, each once, by the key they came in (items with no resourceType kept, for the reader to count as unreadable).</summary>
    public IReadOnlyList<KeyedItem> Items => _items;

    /// <summary>The patient's Coverages and the Organizations (payors), as JSON.</summary>
    public IReadOnlyList<JsonElement> Coverage => _coverage;

    /// <summary>Resources dropped because they are another patient's or name no patient: "Type/id" (never content).</summary>
    public IReadOnlyList<string> NotThisPatient => _notThisPatient;

    /// <summary>How many distinct resources of the patient's there are (each counted once, whatever its key).</summary>
    public int Count { get; private set; }

    /// <summary>Per key, the items that are no FHIR resource at all (no resourceType): missing data, as the reader counts them.</summary>
    public IReadOnlyDictionary<string, int> Typeless => _typeless;

    public static PatientDataIndex Build(IEnumerable<KeyedItem> keyed, string patientId)
    {
        ArgumentNullException.ThrowIfNull(keyed);
        var index = new PatientDataIndex(patientId);
        foreach (var (key, item) in keyed)
        {
            index.Add(key, item);
        }

        return index;
    }

    private void Add(string key, JsonElement item)
    {
        if (item.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return;
        }

        if (TypeOf(item) is not { } type)
        {
            _typeless[key] = _typeless.GetValueOrDefault(key) + 1;
            _items.Add(new KeyedItem(key, item));
            return;
        }

        if (type != "Bundle")
        {
            AddResource(key, type, item);
            return;
        }

        if (!item.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
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

            Add(key, resource);
        }
    }

    private void AddResource(string key, string type, JsonElement json)
    {
        if (type == "OperationOutcome")
        {
            return;
        }

        var id = json.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        if (id is not null && !_seen.Add((type, id)))
        {
            return;
        }

        if (!PatientBinding.IsThePatients(type, json, _patientId))
        {
            _notThisPatient.Add(id is null ? type : $"{type}/{id}");
            return;
        }

        Count++;
        _items.Add(new KeyedItem(key, json));
        if (type is "Coverage" or "Organization")
        {
            _coverage.Add(json);
        }
    }

    private static string? TypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("resourceType", out var type)
        && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;
}
