using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Cds.FhirMapping.Tests.Reading.Reference;

/// <summary>
/// <see cref="Cds.FhirMapping.Fhir.FhirJson"/> as it was at 5ec99ef (an Ostrich read, then the full <see cref="ReferencePocoShape"/>
/// walk), kept only as the reference the differential test compares the shipped reader with. Not used by the product.
/// </summary>
internal static class ReferenceFhirJson
{
    // EHR data is often slightly off-spec (an unknown element, a bad date). Ostrich mode keeps what can be read
    // instead of rejecting a whole patient record for one field.
    public static readonly JsonSerializerOptions Lenient = new JsonSerializerOptions()
        .ForFhir(ModelInfo.ModelInspector)
        .UsingMode(DeserializationMode.Ostrich);

    /// <summary>Reads one resource; null when the JSON is not a FHIR resource this SDK knows, or holds a value of the wrong type.</summary>
    public static Resource? TryRead(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("resourceType", out var type)
            || type.ValueKind != JsonValueKind.String
            || type.GetString() is not { } name
            || !ModelInfo.IsKnownResource(name))
        {
            // Ostrich mode would read an unknown resourceType as a DynamicResource: not a resource this SDK knows.
            return null;
        }

        try
        {
            var resource = element.Deserialize<Resource>(Lenient);
            return resource is not null && ReferencePocoShape.IsReadable(resource) ? resource : null;
        }
        catch (Exception e) when (e is JsonException or DeserializationFailedException or Hl7.Fhir.Validation.CodedValidationException or FormatException or InvalidOperationException or NotSupportedException or OverflowException)
        {
            return null;
        }
    }
}
