using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Dtr;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.Service.Contract;

namespace Cds.Service.Dtr;

/// <summary>
/// Where DTR meets the hook: the answers a request carries, the earlier assertion an order carries, the questionnaire
/// canonical on the coverage-information, and the link to the questionnaire on the missing-data card.
/// </summary>
internal static class DtrAnswers
{
    /// <summary>
    /// The prefetch key that carries completed DTR answers: a QuestionnaireResponse, or a Bundle of them. Not a
    /// discovery prefetch template (it is never queried): the EHR or the DTR app sends it with the hook, or to
    /// <c>/cds-services/{id}/questionnaire-response</c>.
    /// </summary>
    public const string PrefetchKey = RecordKeys.DtrAnswers;

    /// <summary>The answers in the request's prefetch (read like any other record: only the patient's own count).</summary>
    public static IEnumerable<JsonElement> FromPrefetch(IReadOnlyDictionary<string, JsonElement> prefetch) =>
        prefetch.TryGetValue(PrefetchKey, out var value) && value.ValueKind == JsonValueKind.Object ? [value] : [];

    /// <summary>True when the body's prefetch holds a completed (or amended) response to a questionnaire of this service.</summary>
    public static bool HasCompletedAnswers(JsonElement body, string policyId)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("prefetch", out var prefetch) || prefetch.ValueKind != JsonValueKind.Object
            || !prefetch.TryGetProperty(PrefetchKey, out var value) || value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        IEnumerable<JsonElement> responses = Is(value, "Bundle") && value.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array
            ? entries.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("resource", out _)).Select(e => e.GetProperty("resource"))
            : [value];
        return responses.Any(r => Is(r, "QuestionnaireResponse")
            && r.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && (status.ValueEquals("completed") || status.ValueEquals("amended"))
            && r.TryGetProperty("questionnaire", out var q) && q.ValueKind == JsonValueKind.String && DtrItems.IsQuestionnaire(q.GetString(), policyId));
    }

    private static bool Is(JsonElement resource, string type) =>
        resource.ValueKind == JsonValueKind.Object && resource.TryGetProperty("resourceType", out var t) && t.ValueKind == JsonValueKind.String && t.ValueEquals(type);

    /// <summary>The assertion id of the coverage-information the order already carries (from an earlier answer), if any.</summary>
    public static string? PreviousAssertion(DraftOrder order)
    {
        if (!order.Json.TryGetProperty("extension", out var extensions) || extensions.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var extension in extensions.EnumerateArray())
        {
            if (extension.ValueKind == JsonValueKind.Object && extension.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String && url.ValueEquals(CoverageAssertion.Extension)
                && extension.TryGetProperty("extension", out var parts) && parts.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in parts.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("url", out var name) && name.ValueKind == JsonValueKind.String && name.ValueEquals("coverage-assertion-id")
                        && part.TryGetProperty("valueString", out var id) && id.ValueKind == JsonValueKind.String)
                    {
                        return id.GetString();
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The QuestionnaireResponses a decision rests on (clinician-attested evidence), by reference.</summary>
    public static IReadOnlyList<string> AnswersUsed(CoverageDecision decision) =>
        [.. decision.Criteria.SelectMany(c => c.Evidence).Concat(decision.Review.SelectMany(r => r.Evidence))
            .Where(e => e.Source == SourceKind.ClinicianAttested).Select(e => e.Reference).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The missing-data card (CRD Instructions: text only) naming the questionnaire for the EHR's DTR, and, when a DTR app
    /// is configured, a CRD "Launch SMART application" card that opens it with the questionnaire, the order and the
    /// Coverage in <c>appContext</c>.
    /// </summary>
    public static IEnumerable<Card> OfferQuestionnaire(Card card, string canonical, DraftOrder order, string coverageReference, Uri? appUrl, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(order);
        yield return card with { Detail = $"{card.Detail}\n\nThe payer's documentation questionnaire (DTR) asks for exactly these: `{canonical}`." };
        if (appUrl is null)
        {
            yield break;
        }

        var link = new CardLink("Complete the documentation questionnaire (DTR)", appUrl.AbsoluteUri, "smart")
        {
            AppContext = new JsonObject
            {
                ["questionnaire"] = new JsonArray(canonical),
                ["order"] = new JsonArray(order.Reference),
                ["coverage"] = coverageReference,
            }.ToJsonString(),
        };
        yield return new Card(
            Guid.NewGuid().ToString(),
            Card.FitSummary($"Complete the {serviceName} documentation questionnaire (DTR) to decide coverage"),
            "info",
            card.Source,
            Links: [link],
            Extension: card.Extension);
    }
}
