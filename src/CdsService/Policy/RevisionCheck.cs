using Cds.FhirMapping.Coverages;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;

namespace Cds.Service.Policy;

/// <summary>
/// An order dated (occurrence, else authoredOn) before the policy revision took effect may fall under an earlier
/// revision: the decision is never paid or denied on this one. It becomes "cannot be determined" with a review item
/// naming both dates, whatever this revision would have answered (that answer stays in the criteria table).
/// </summary>
internal static class RevisionCheck
{
    /// <summary>The criterion label of the review item on the card and the ledger.</summary>
    public const string Criterion = "Policy revision";

    public static CoverageDecision Apply(CoverageDecision decision, DraftOrder order, CoverageEngine engine, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(engine);
        var dated = OrderCoverageContext.DateOf(order, today);
        var revision = engine.Revision;

        // A partial date ("2024-11", "2024") that reaches before the effective day may be before it: for review too.
        if (dated.Earliest >= revision.Effective)
        {
            return decision;
        }

        var reason = $"the order is dated {dated}, before revision {revision.Version} of policy {engine.Policy.Document.PolicyNumber} took effect ({revision.EffectiveText}); check which revision applies";
        return decision with
        {
            Outcome = DecisionOutcome.CannotBeDetermined,
            Reason = $"Cannot be determined under this revision: {reason}",
            Review = [.. decision.Review, new ReviewItem(Criterion, reason, [])],
        };
    }
}
