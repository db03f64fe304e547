using System.Collections.Frozen;
using System.Text.Json;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// Whether a resource is this patient's: only resources that reference <c>context.patientId</c> are evidence. A
/// resource of a patient-compartment type whose <c>subject</c>/<c>patient</c>/<c>beneficiary</c> names another patient,
/// or names none, is not. Resources outside the compartment (Organization, Practitioner, Medication …) carry no
/// patient and are kept.
/// </summary>
public static class PatientBinding
{
    // The element that names the patient, per type; types not listed here hold no patient data of their own.
    private static readonly FrozenDictionary<string, string[]> PatientElements = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Condition"] = ["subject"],
        ["Procedure"] = ["subject"],
        ["Observation"] = ["subject"],
        ["DiagnosticReport"] = ["subject"],
        ["DocumentReference"] = ["subject"],
        ["ServiceRequest"] = ["subject"],
        ["MedicationRequest"] = ["subject"],
        ["MedicationAdministration"] = ["subject"],
        ["MedicationStatement"] = ["subject"],
        ["Encounter"] = ["subject"],
        ["Specimen"] = ["subject"],
        ["QuestionnaireResponse"] = ["subject"],
        ["CarePlan"] = ["subject"],
        ["DeviceRequest"] = ["subject"],
        ["NutritionOrder"] = ["patient"],
        ["AllergyIntolerance"] = ["patient"],
        ["Immunization"] = ["patient"],
        ["Coverage"] = ["beneficiary"],
        ["Claim"] = ["patient"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>True when the resource belongs to the patient (or is of a type that holds no patient).</summary>
    public static bool IsThePatients(string resourceType, JsonElement resource, string patientId)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        if (resourceType == "Patient")
        {
            return resource.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.ValueEquals(patientId);
        }

        if (!PatientElements.TryGetValue(resourceType, out var elements))
        {
            return true;
        }

        foreach (var name in elements)
        {
            if (resource.TryGetProperty(name, out var reference) && reference.ValueKind == JsonValueKind.Object
                && reference.TryGetProperty("reference", out var value) && value.ValueKind == JsonValueKind.String)
            {
                return Names(value.GetString()!, patientId);
            }
        }

        return false;
    }

    /// <summary>
    /// True when a reference names the patient: <c>Patient/{id}</c>, an absolute URL ending in it, or either with
    /// <c>/_history/{version}</c>.
    /// </summary>
    public static bool Names(string reference, string patientId)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentException.ThrowIfNullOrEmpty(patientId);

        // Compared in place (no string is built per resource): the path before any /_history/ is "Patient/{id}" or
        // ends with "/Patient/{id}".
        var path = reference.AsSpan();
        var history = path.IndexOf("/_history/", StringComparison.Ordinal);
        if (history >= 0)
        {
            path = path[..history];
        }

        if (!path.EndsWith(patientId, StringComparison.Ordinal))
        {
            return false;
        }

        var head = path[..^patientId.Length];
        return head.EndsWith(PatientPrefix, StringComparison.Ordinal) && (head.Length == PatientPrefix.Length || head[^(PatientPrefix.Length + 1)] == '/');
    }

    private const string PatientPrefix = "Patient/";
}
