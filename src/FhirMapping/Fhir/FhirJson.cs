using System.Text.Json;
using Cds.FhirMapping.Fhir.Direct;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Cds.FhirMapping.Fhir;

/// <summary>Firely's System.Text.Json converters, configured once.</summary>
internal static class FhirJson
{
    // EHR data is often slightly off-spec (an unknown element, a bad date). Ostrich mode keeps what can be read
    // instead of rejecting a whole patient record for one field.
    public static readonly JsonSerializerOptions Lenient = new JsonSerializerOptions()
        .ForFhir(ModelInfo.ModelInspector)
        .UsingMode(DeserializationMode.Ostrich);

    /// <summary>Reads one resource; null when the JSON is not a FHIR resource this SDK knows, or holds a value of the wrong type.</summary>
    /// <remarks>The common clean shapes are read directly (<see cref="DirectRead"/>: the same POCO, without Firely's reflection); everything else through Firely.</remarks>
    public static Resource? TryRead(JsonElement element) => DirectRead.TryRead(element) ?? TryReadWithFirely(element);

    /// <summary>Reads one resource through Firely (an Ostrich read, then <see cref="PocoShape"/>): what <see cref="DirectRead"/> is held to.</summary>
    internal static Resource? TryReadWithFirely(JsonElement element)
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
            return resource is not null && PocoShape.IsReadable(resource) ? resource : null;
        }
        catch (Exception e) when (e is JsonException or DeserializationFailedException or Hl7.Fhir.Validation.CodedValidationException or FormatException or InvalidOperationException or NotSupportedException or OverflowException)
        {
            return null;
        }
    }
}
