using System.Globalization;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Crd;

/// <summary>
/// A draft ServiceRequest a card suggests creating (CRD "Identify Additional Orders"), shaped to CRD 2.0.1
/// <c>profile-servicerequest</c>: status, intent, code, subject, authoredOn and requester (both 1..1 there).
/// </summary>
public static class SuggestedOrder
{
    /// <param name="suggestion">The policy file's suggested order.</param>
    /// <param name="patientId">The hook's patient.</param>
    /// <param name="requester">A Reference (JSON) to who orders it: the signed order's requester, or the hook's user.</param>
    /// <param name="authoredOn">When the suggestion was made.</param>
    public static JsonObject Build(OrderSuggestion suggestion, string patientId, JsonNode requester, DateTimeOffset authoredOn)
    {
        ArgumentNullException.ThrowIfNull(suggestion);
        ArgumentNullException.ThrowIfNull(requester);
        return new JsonObject
        {
            ["resourceType"] = "ServiceRequest",
            ["status"] = "draft",
            ["intent"] = "order",
            ["code"] = new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject { ["system"] = suggestion.System, ["code"] = suggestion.Code, ["display"] = suggestion.Display }),
                ["text"] = suggestion.Label,
            },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
            ["authoredOn"] = authoredOn.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["requester"] = requester.DeepClone(),
        };
    }
}
