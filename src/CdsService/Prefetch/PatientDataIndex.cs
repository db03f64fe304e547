using System.Text.Json;
using Cds.FhirMapping.Fhir;

namespace Cds.Service.Prefetch;

/// <summary>
/// One pass over a call's patient data, on the JSON only (no Firely), walked by <see cref="RecordWalk"/> as the fact
/// extractor's record is (Bundles unpacked, search outcomes and OperationOutcomes dropped, a resource seen twice kept
/// once, another patient's resources dropped and named); the record is handed the kept items. It also keeps the Coverages and Organizations apart, so the Coverage
/// selection reads those few instead of the whole record a second time, and it is all a call with no policy order
/// needs: how many resources there are (the resource limit), whose they are, and the Coverage.
/// </summary>
internal sealed class PatientDataIndex
{
    private readonly List<KeyedItem> _items = [];
    private readonly List<JsonElement> _coverage = [];
    private readonly Dictionary<string, int> _typeless = new(StringComparer.Ordinal);
    private readonly RecordWalk _walk;

    private PatientDataIndex(string patientId) => _walk = new RecordWalk(patientId);

    /// <summary>The patient's own resources, each once (but every copy of the patient's Patient), by the key they came in (items with no resourceType kept, for the reader to count as unreadable).</summary>
    public IReadOnlyList<KeyedItem> Items => _items;

    /// <summary>The patient's Coverages and the Organizations (payors), as JSON.</summary>
    public IReadOnlyList<JsonElement> Coverage => _coverage;

    /// <summary>Resources dropped because they are another patient's or name no patient: "Type/id" (never content).</summary>
    public IReadOnlyList<string> NotThisPatient => _walk.NotThisPatient;

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

    private void Add(string key, JsonElement item) => _walk.Walk(item, Admit(key), Again(key));

    // Another copy or version of the patient's Patient is passed on too (not counted again): the record reads the birth
    // date of each, so that two that disagree are seen.
    private Action<string, JsonElement> Again(string key) => (type, json) =>
    {
        if (type == "Patient")
        {
            _items.Add(new KeyedItem(key, json));
        }
    };

    private Action<string?, string?, JsonElement> Admit(string key) => (type, _, json) =>
    {
        _items.Add(new KeyedItem(key, json));
        if (type is null)
        {
            _typeless[key] = _typeless.GetValueOrDefault(key) + 1;
            return;
        }

        Count++;
        if (type is "Coverage" or "Organization")
        {
            _coverage.Add(json);
        }
    };
}
