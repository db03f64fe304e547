using System.Text.Json;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Fhir;

/// <summary>One request resource from the hook's <c>context.draftOrders</c> Bundle, with its JSON as received.</summary>
public sealed class DraftOrder
{
    private DraftOrder(Resource resource, JsonElement json)
    {
        Resource = resource;
        Json = json;
    }

    public string ResourceType => Resource.TypeName;

    public string Id => Resource.Id ?? string.Empty;

    /// <summary>A relative reference such as <c>ServiceRequest/abc</c>.</summary>
    public string Reference => $"{ResourceType}/{Id}";

    /// <summary>The resource exactly as the EHR sent it (a system action echoes it back unchanged).</summary>
    public JsonElement Json { get; }

    internal Resource Resource { get; }

    /// <summary>True when the order's <c>subject</c> names the patient (an order without a subject is not the patient's).</summary>
    public bool IsFor(string patientId) => PatientBinding.IsThePatients(ResourceType, Json, patientId);

    /// <summary>
    /// Reads <c>context.draftOrders</c>. Returns false with a reason when it is not a Bundle of FHIR resources that each
    /// carry an id (CRD requires ids so that system actions can refer to them).
    /// </summary>
    public static bool TryParseBundle(JsonElement draftOrders, out IReadOnlyList<DraftOrder> orders, out string? error)
    {
        orders = [];
        if (draftOrders.ValueKind != JsonValueKind.Object
            || !draftOrders.TryGetProperty("resourceType", out var type)
            || type.ValueKind != JsonValueKind.String
            || type.GetString() != "Bundle")
        {
            error = "context.draftOrders must be a FHIR Bundle.";
            return false;
        }

        if (!draftOrders.TryGetProperty("entry", out var entries))
        {
            error = null;
            return true;
        }

        if (entries.ValueKind != JsonValueKind.Array)
        {
            error = "context.draftOrders.entry must be an array.";
            return false;
        }

        var list = new List<DraftOrder>(entries.GetArrayLength());
        var i = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("resource", out var json))
            {
                error = $"context.draftOrders.entry[{i}] has no resource.";
                return false;
            }

            if (FhirJson.TryRead(json) is not { } resource)
            {
                error = $"context.draftOrders.entry[{i}].resource is not a FHIR R4 resource.";
                return false;
            }

            if (string.IsNullOrWhiteSpace(resource.Id))
            {
                error = $"context.draftOrders.entry[{i}] ({resource.TypeName}) has no id.";
                return false;
            }

            list.Add(new DraftOrder(resource, json.Clone()));
            i++;
        }

        orders = list;
        error = null;
        return true;
    }
}
