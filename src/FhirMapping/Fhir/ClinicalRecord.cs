using System.Text.Json;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// The patient's FHIR resources gathered for one hook call (from prefetch and from queries), parsed once.
/// Bundles are unpacked, OperationOutcomes dropped, and a resource seen twice (same type and id) kept once.
/// </summary>
public sealed class ClinicalRecord
{
    private readonly List<Resource> _resources = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>How many resources the record holds.</summary>
    public int Count => _resources.Count;

    /// <summary>How many items could not be read as FHIR resources and were skipped.</summary>
    public int Unreadable { get; private set; }

    internal IReadOnlyList<Resource> Resources => _resources;

    /// <summary>Builds a record from resources and searchset Bundles.</summary>
    public static ClinicalRecord Parse(IEnumerable<JsonElement> resourcesOrBundles)
    {
        ArgumentNullException.ThrowIfNull(resourcesOrBundles);
        var record = new ClinicalRecord();
        foreach (var element in resourcesOrBundles)
        {
            record.Add(element);
        }

        return record;
    }

    /// <summary>Adds a resource or a Bundle of them.</summary>
    public void Add(JsonElement resourceOrBundle)
    {
        if (resourceOrBundle.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return;
        }

        var resource = FhirJson.TryRead(resourceOrBundle);
        if (resource is null)
        {
            Unreadable++;
            return;
        }

        Add(resource);
    }

    internal void Add(Resource resource)
    {
        switch (resource)
        {
            case Bundle bundle:
                foreach (var entry in bundle.Entry)
                {
                    // Search bundles mark included resources and OperationOutcomes with search.mode; keep matches and includes.
                    if (entry.Resource is { } inner && entry.Search?.Mode != Bundle.SearchEntryMode.Outcome)
                    {
                        Add(inner);
                    }
                }

                break;
            case OperationOutcome:
                break;
            default:
                if (resource.Id is null || _seen.Add($"{resource.TypeName}/{resource.Id}"))
                {
                    _resources.Add(resource);
                }

                break;
        }
    }
}
