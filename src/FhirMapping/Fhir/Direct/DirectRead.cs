using System.Text.Json;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Fhir.Direct;

/// <summary>
/// A hand-written reader for the common, clean shapes of the resource types that dominate a patient record: an
/// Observation (76 % of the typical corpus patient's resources, 87 % of the heavy one's), a Procedure, a Condition and
/// a DocumentReference (with the Observations, what the relevance filter lets through to be read). It builds the very POCO
/// Firely's Ostrich read builds, and reads nothing it is not sure of: any element it does not know, an extension, a
/// primitive's <c>_element</c>, a value of an unexpected JSON kind, an invalid code, date or decimal, an empty or
/// duplicate element, a JSON null, a string with a leading or trailing space … makes it answer "not handled" (null),
/// and the caller reads the resource through Firely as before.
/// </summary>
/// <remarks>
/// The readers allocate the POCO and its strings only: no reflection, no intermediate tree. Whatever they accept is
/// clean (<see cref="CleanPoco"/>), so <see cref="PocoShape"/>'s check has nothing to find and is not run.
/// DirectReadDifferentialTests and DirectReadFactsDifferentialTests hold them to Firely over every resource of the repository and its variants.
/// </remarks>
internal static class DirectRead
{
    /// <summary>The resource, or null when this reader does not handle the JSON (then Firely reads it).</summary>
    public static Resource? TryRead(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("resourceType"u8, out var type)
            || type.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return type.ValueEquals("Observation"u8) ? ObservationReader.Read(element)
                : type.ValueEquals("Procedure"u8) ? ProcedureReader.Read(element)
                : type.ValueEquals("Condition"u8) ? ConditionReader.Read(element)
                : type.ValueEquals("DocumentReference"u8) ? DocumentReferenceReader.Read(element)
                : null;
        }
        catch (InvalidOperationException)
        {
            // A string System.Text.Json cannot transcode (a lone surrogate escape): Firely decides what it is.
            return null;
        }
    }
}
