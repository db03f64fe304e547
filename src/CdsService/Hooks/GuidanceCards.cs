using System.Text.Json.Nodes;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Policy;
using Cds.Service.Contract;

namespace Cds.Service.Hooks;

/// <summary>
/// The cards beyond the status: the CRD External Reference card (the policy, and what to attach, as absolute links)
/// and the CRD "Identify Additional Orders" card (draft orders to create, e.g. chimerism testing when I.C is unknown).
/// </summary>
internal static class GuidanceCards
{
    /// <summary>CRD card type for the policy link (External Reference).</summary>
    public static readonly CardCoding GuidelineTopic = new(CardBuilder.CardTypeSystem, "guideline", "Guideline");

    /// <summary>CRD card type for suggested companion orders.</summary>
    public static readonly CardCoding ClinicalReminderTopic = new(CardBuilder.CardTypeSystem, "clinical-reminder", "Clinical Reminder");

    /// <summary>
    /// One External Reference card per call: the policy (every link <c>absolute</c>, no suggestions), and, when
    /// documentation is missing, a link to the policy's list of what to attach.
    /// </summary>
    public static Card PolicyReference(CardBuilder.Context context, Uri documentationUrl, IReadOnlyList<CoverageDecision> decisions, bool documentationMissing)
    {
        var links = new List<CardLink> { new($"{context.Insurer} Medical Policy {context.PolicyNumber}{(context.PolicyVersion is { } version ? $", version {version}" : string.Empty)} (criteria)", context.PolicyUrl.AbsoluteUri, "absolute") };
        if (documentationMissing)
        {
            links.Add(new CardLink("What to attach for coverage review", documentationUrl.AbsoluteUri, "absolute"));
        }

        return new Card(
            CardBuilder.Uuid(),
            Card.FitSummary($"{context.Insurer} Medical Policy {context.PolicyNumber}: {context.ServiceName} criteria"),
            "info",
            new CardSource(context.Insurer, GuidelineTopic),
            documentationMissing
                ? "The policy states the criteria for this order and the documents a coverage review needs."
                : "The policy states the criteria for this order.",
            links,
            new CardExtension([.. decisions.Select(d => new ResourceReference(d.OrderReference)).DistinctBy(r => r.Reference)]));
    }

    /// <summary>
    /// Suggested orders for the criteria still unknown (the policy file's <c>orderSuggestions</c>), each a draft
    /// ServiceRequest for the patient to create; null when none applies. Only while coverage cannot be determined.
    /// </summary>
    public static Card? SuggestedOrders(CoverageDecision decision, CardBuilder.Context context, CardGuidance guidance, string patientId, JsonNode? requester, DateTimeOffset now)
    {
        if (decision.Outcome != DecisionOutcome.CannotBeDetermined || requester is null)
        {
            return null;
        }

        var unknown = decision.Criteria.Where(c => c.Status == CriterionStatus.Unknown).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var suggestions = guidance.OrderSuggestions.Where(s => unknown.Contains(s.Criterion)).ToList();
        if (suggestions.Count == 0)
        {
            return null;
        }

        var criteria = string.Join(", ", suggestions.Select(s => s.Criterion).Distinct(StringComparer.Ordinal));
        return new Card(
            CardBuilder.Uuid(),
            Card.FitSummary($"Order the test coverage needs ({criteria}): no result on record (policy {context.PolicyNumber})"),
            "info",
            new CardSource(context.Insurer, ClinicalReminderTopic),
            $"Criterion {criteria} cannot be assessed without a result after the transplant. Accepting a suggestion adds a draft order for the patient; sign it with this order, then send the result.",
            Extension: new CardExtension([new ResourceReference(decision.OrderReference)]),
            Suggestions: [.. suggestions.Select(s => new Suggestion(s.Label, CardBuilder.Uuid(), [new CdsAction("create", $"Draft order: {s.Display}", SuggestedOrder.Build(s, patientId, requester, now))]))],
            SelectionBehavior: "at-most-one",
            OverrideReasons: context.OverrideReasons is { Count: > 0 } reasons ? reasons : null);
    }
}
