using System.Text.Json;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Fhir;

/// <summary>One request resource from the hook's <c>context.draftOrders</c> Bundle, with its JSON as received.</summary>
/// <remarks>
/// Its type, id and codes are read from the JSON; the Firely resource is read only for an order a policy may govern
/// (the caller says which, <see cref="TryParseBundle(JsonElement, Func{DraftOrder, bool}?, out IReadOnlyList{DraftOrder}, out string?)"/>):
/// most orders signed are not, and deserializing each one just to read its code was a measurable part of their cost.
/// </remarks>
public sealed class DraftOrder
{
    private Resource? _resource;

    private DraftOrder(string resourceType, string id, JsonElement json, Resource? resource)
    {
        ResourceType = resourceType;
        Id = id;
        Json = json;
        _resource = resource;
        Codings = OrderCodings.Read(json);
    }

    public string ResourceType { get; }

    public string Id { get; }

    /// <summary>A relative reference such as <c>ServiceRequest/abc</c>.</summary>
    public string Reference => $"{ResourceType}/{Id}";

    /// <summary>The resource exactly as the EHR sent it (a system action echoes it back unchanged).</summary>
    public JsonElement Json { get; }

    /// <summary>
    /// The (system, code) pairs of the order's <c>code</c> as its JSON states them, in order, exactly what the Firely
    /// reader finds there; null when the <c>code</c> is in a shape this plain reader does not read (a value of the
    /// wrong JSON type, an empty or null value), where the Firely resource must decide.
    /// </summary>
    public IReadOnlyList<(string? System, string? Code)>? Codings { get; }

    /// <summary>The Firely resource: read when the order was parsed if the caller asked for it, else on first use.</summary>
    internal Resource Resource => _resource ??= FhirJson.TryRead(Json)
        ?? throw new InvalidOperationException($"{Reference} is not readable as FHIR R4; it should have been refused when the draft orders were parsed.");

    /// <summary>True when the order's <c>subject</c> names the patient (an order without a subject is not the patient's).</summary>
    public bool IsFor(string patientId) => PatientBinding.IsThePatients(ResourceType, Json, patientId);

    /// <summary>
    /// Reads <c>context.draftOrders</c>, each order also as a Firely resource. Returns false with a reason when it is not
    /// a Bundle of FHIR resources that each carry an id (CRD requires ids so that system actions can refer to them).
    /// </summary>
    public static bool TryParseBundle(JsonElement draftOrders, out IReadOnlyList<DraftOrder> orders, out string? error) =>
        TryParseBundle(draftOrders, null, out orders, out error);

    /// <summary>
    /// Reads <c>context.draftOrders</c>; an order is also read as a Firely resource (and refused when it cannot be) when
    /// <paramref name="read"/> is null or says so, e.g. only the orders whose JSON code a policy may govern. Returns
    /// false with a reason when it is not a Bundle of FHIR resources that each carry an id.
    /// </summary>
    public static bool TryParseBundle(JsonElement draftOrders, Func<DraftOrder, bool>? read, out IReadOnlyList<DraftOrder> orders, out string? error)
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

            if (Read(json, read, i, out error) is not { } order)
            {
                return false;
            }

            list.Add(order);
            i++;
        }

        orders = list;
        error = null;
        return true;
    }

    private static DraftOrder? Read(JsonElement json, Func<DraftOrder, bool>? read, int i, out string? error)
    {
        error = null;
        if (read is not null && KnownType(json) is { } type && PlainId(json) is { } id)
        {
            // The plain case: type and id from the JSON; the Firely resource only when asked for.
            var order = new DraftOrder(type, id, json.Clone(), null);
            if (!read(order))
            {
                return order;
            }

            if (FhirJson.TryRead(order.Json) is { } readable)
            {
                order._resource = readable;
                return order;
            }

            error = $"context.draftOrders.entry[{i}].resource is not a FHIR R4 resource.";
            return null;
        }

        // Anything else is read by Firely, whose reading decides (and names what is wrong).
        if (FhirJson.TryRead(json) is not { } resource)
        {
            error = $"context.draftOrders.entry[{i}].resource is not a FHIR R4 resource.";
            return null;
        }

        if (string.IsNullOrWhiteSpace(resource.Id))
        {
            error = $"context.draftOrders.entry[{i}] ({resource.TypeName}) has no id.";
            return null;
        }

        return new DraftOrder(resource.TypeName, resource.Id, json.Clone(), resource);
    }

    private static string? KnownType(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object
        && json.TryGetProperty("resourceType", out var type)
        && type.ValueKind == JsonValueKind.String
        && type.GetString() is { } name
        && ModelInfo.IsKnownResource(name)
            ? name
            : null;

    private static string? PlainId(JsonElement json) =>
        json.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { } value && !string.IsNullOrWhiteSpace(value)
            ? value
            : null;
}
