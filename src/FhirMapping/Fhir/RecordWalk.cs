using System.Text.Json;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// How a call's patient data is walked, the one place for these rules (the record reader, <see cref="ClinicalRecord"/>,
/// and the service's index of a call's data both walk with it): an item is a resource or a Bundle of them (entries
/// marked <c>search.mode = outcome</c> and OperationOutcomes are no data), a resource seen before (same type and id) is
/// kept once, and another patient's resource (<see cref="PatientBinding"/>) is dropped and named "Type/id".
/// </summary>
public sealed class RecordWalk
{
    private readonly HashSet<(string Type, string Id)> _seen = [];
    private readonly List<string> _notThisPatient = [];
    private readonly string _patientId;

    public RecordWalk(string patientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        _patientId = patientId;
    }

    /// <summary>Resources dropped because they are another patient's or name no patient: "Type/id" (never content).</summary>
    public IReadOnlyList<string> NotThisPatient => _notThisPatient;

    /// <summary>
    /// Walks one item and calls <paramref name="admit"/> for each of the patient's resources not seen before, with its
    /// type and id; with a null type for an item that is no FHIR resource at all (no resourceType).
    /// </summary>
    public void Walk(JsonElement item, Action<string?, string?, JsonElement> admit) => Walk(item, admit, null);

    /// <summary>
    /// As <see cref="Walk(JsonElement, Action{string?, string?, JsonElement})"/>; <paramref name="again"/>, when given, is
    /// called with each of the patient's resources seen before (same type and id, perhaps another version of it), which
    /// is not admitted a second time.
    /// </summary>
    public void Walk(JsonElement item, Action<string?, string?, JsonElement> admit, Action<string, JsonElement>? again)
    {
        ArgumentNullException.ThrowIfNull(admit);
        if (item.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return;
        }

        if (TypeOf(item) is not { } type)
        {
            admit(null, null, item);
            return;
        }

        if (type != "Bundle")
        {
            Resource(type, item, admit, again);
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

            Walk(resource, admit, again);
        }
    }

    private void Resource(string type, JsonElement json, Action<string?, string?, JsonElement> admit, Action<string, JsonElement>? again)
    {
        if (type == "OperationOutcome")
        {
            return;
        }

        var id = json.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        if (id is not null && !_seen.Add((type, id)))
        {
            if (again is not null && PatientBinding.IsThePatients(type, json, _patientId))
            {
                again(type, json);
            }

            return;
        }

        if (!PatientBinding.IsThePatients(type, json, _patientId))
        {
            _notThisPatient.Add(id is null ? type : $"{type}/{id}");
            return;
        }

        admit(type, id, json);
    }

    private static string? TypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("resourceType", out var type)
        && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;
}
