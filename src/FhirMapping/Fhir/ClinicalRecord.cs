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
    private readonly RecordWalk _walk;
    private readonly Action<string?, string?, JsonElement> _admit;
    private readonly Action<string, JsonElement> _again;
    private List<EffectiveTime>? _birthDates;
    private readonly List<DataGap> _gaps = [];
    private readonly Func<string, JsonElement, bool>? _relevant;
    private readonly Func<JsonElement, Resource?> _read;
    private readonly string _patientId;

    private ClinicalRecord(string patientId, Func<string, JsonElement, bool>? relevant, Func<JsonElement, Resource?> read)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        _patientId = patientId;
        _relevant = relevant;
        _read = read;
        _walk = new RecordWalk(patientId);
        _admit = Admit;
        _again = Again;
    }

    /// <summary>The patient whose record this is (<c>context.patientId</c>).</summary>
    public string PatientId => _patientId;

    /// <summary>Resources dropped because they are another patient's or name no patient: "Type/id" (never content).</summary>
    public IReadOnlyList<string> NotThisPatient => _walk.NotThisPatient;

    /// <summary>
    /// The patient's birth date as this patient's Patient resources give it (<c>context.patientId</c> only: another
    /// patient's, a donor's or a contained Patient never gives it), narrowed or in conflict (<see cref="BirthDates"/>);
    /// null: no such Patient, or none with a readable birthDate.
    /// </summary>
    public BirthDates? BirthDate => _birthDates is null ? null : BirthDates.From(_birthDates);

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

    internal static ClinicalRecord Parse(IEnumerable<JsonElement> resourcesOrBundles, string patientId, Func<string, JsonElement, bool>? relevant) =>
        Parse(resourcesOrBundles, patientId, relevant, FhirJson.TryRead);

    /// <summary>The record with each resource read by <paramref name="read"/> (the service's is <see cref="FhirJson.TryRead"/>; a test holds it to Firely's read alone).</summary>
    internal static ClinicalRecord Parse(IEnumerable<JsonElement> resourcesOrBundles, string patientId, Func<string, JsonElement, bool>? relevant, Func<JsonElement, Resource?> read)
    {
        ArgumentNullException.ThrowIfNull(resourcesOrBundles);
        var record = new ClinicalRecord(patientId, relevant, read);
        foreach (var element in resourcesOrBundles)
        {
            record.Add(element);
        }

        return record;
    }

    /// <summary>Records that data of a resource type could not be retrieved in full (a failed or truncated search).</summary>
    public void ReportGap(string resourceType, string what) => _gaps.Add(new DataGap(resourceType, what));

    /// <summary>Adds a resource or a Bundle of them (walked by <see cref="RecordWalk"/>).</summary>
    public void Add(JsonElement resourceOrBundle) => _walk.Walk(resourceOrBundle, _admit, _again);

    // A resource seen before is kept once; another copy or version of the patient's Patient still gives its birth date,
    // so that two that disagree are seen, not decided by which came first.
    private void Again(string type, JsonElement json)
    {
        if (type == "Patient")
        {
            ReadBirthDate(json);
        }
    }

    private void ReadBirthDate(JsonElement patient)
    {
        if (patient.TryGetProperty("birthDate", out var birthDate) && birthDate.ValueKind == JsonValueKind.String
            && FhirDates.Read(birthDate.GetString()) is { } date)
        {
            (_birthDates ??= []).Add(date);
        }
    }

    // One of the patient's resources, not seen before (or, with no type, an item that is no FHIR resource).
    private void Admit(string? type, string? id, JsonElement json)
    {
        if (type is null)
        {
            Unreadable++;
            return;
        }

        // The patient's birth date is read here, from the JSON of each of the patient's Patients (not otherwise read).
        if (type == "Patient")
        {
            ReadBirthDate(json);
        }

        if (_relevant is not null && !_relevant(type, json))
        {
            Skipped++;
            return;
        }

        if (_read(json) is { } resource)
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
}
