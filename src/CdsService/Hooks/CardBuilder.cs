using System.Globalization;
using System.Text;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.Service.Prefetch;

namespace Cds.Service.Hooks;

/// <summary>Builds the cards a clinician sees: the coverage status with the criteria table, and what is missing.</summary>
internal static class CardBuilder
{
    /// <summary>CRD 2.0.1 card types (<c>source.topic</c>) live in the CRD temporary code system.</summary>
    public const string CardTypeSystem = "http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp";

    public static readonly CardCoding CoverageInfoTopic = new(CardTypeSystem, "coverage-info", "Coverage Information");

    public sealed record Context(string Insurer, string PolicyNumber, string Service, Uri PolicyUrl, bool SeveralOrders, IReadOnlyList<DataFailure> Failures);

    /// <summary>The order-sign status card: outcome, criteria table, decision reason and the policy link.</summary>
    public static Card Status(CoverageDecision decision, Context context)
    {
        var detail = new StringBuilder();
        detail.Append(CultureInfo.InvariantCulture, $"**{context.Insurer} Medical Policy {context.PolicyNumber}**: {context.Service}");
        if (context.SeveralOrders)
        {
            detail.Append(CultureInfo.InvariantCulture, $" for order `{decision.OrderReference}`");
        }

        detail.Append("\n\n| Criterion | Status | Evidence |\n|---|---|---|\n");
        foreach (var criterion in Rows(decision))
        {
            detail.Append(CultureInfo.InvariantCulture, $"| {Escape(criterion.Label)} | {StatusText(criterion.Status)} | {Escape(EvidenceText(criterion))} |\n");
        }

        detail.Append(CultureInfo.InvariantCulture, $"\n**Decision:** {Escape(decision.Reason)}.");
        AppendFailures(detail, context.Failures);
        return new Card(
            Uuid(),
            StatusSummary(decision, context),
            decision.Outcome == DecisionOutcome.MeetsCriteria ? "info" : "warning",
            new CardSource(context.Insurer, CoverageInfoTopic),
            detail.ToString(),
            [new CardLink($"Medical Policy {context.PolicyNumber}", context.PolicyUrl.AbsoluteUri, "absolute")],
            Associated(decision));
    }

    /// <summary>The order-sign card listing each missing item and how to supply it; null when nothing is missing.</summary>
    public static Card? Missing(CoverageDecision decision, Context context)
    {
        // Once the order is not covered (II, III, IV), nothing more can change the answer: no list of demands.
        var decided = decision.Outcome is DecisionOutcome.NotMedicallyNecessary or DecisionOutcome.Investigational;
        var missing = decision.Outcome == DecisionOutcome.CannotBeDetermined ? decision.Missing : [];
        var review = decision.Outcome == DecisionOutcome.CannotBeDetermined ? decision.Review : [];
        var documentation = decided ? [] : decision.Documentation;
        if (missing.Count == 0 && review.Count == 0 && documentation.Count == 0 && context.Failures.Count == 0)
        {
            return null;
        }

        var detail = new StringBuilder();
        if (context.SeveralOrders)
        {
            detail.Append(CultureInfo.InvariantCulture, $"For order `{decision.OrderReference}`.\n\n");
        }

        if (missing.Count > 0)
        {
            detail.Append("**Needed to decide coverage**\n\n");
            foreach (var item in missing)
            {
                detail.Append(CultureInfo.InvariantCulture, $"- **{item.Criterion}** {Escape(item.What)}. {Escape(item.HowToSupply)}\n");
            }
        }

        if (review.Count > 0)
        {
            // The chart holds these, but as they stand they cannot decide coverage either way.
            detail.Append(missing.Count > 0 ? "\n" : string.Empty).Append("**For a reviewer to check**\n\n");
            foreach (var item in review)
            {
                detail.Append(CultureInfo.InvariantCulture, $"- **{item.Criterion}** {Escape(item.What)}\n");
            }
        }

        if (documentation.Count > 0)
        {
            detail.Append(missing.Count + review.Count > 0 ? "\n" : string.Empty).Append("**Documentation for review**\n\n");
            foreach (var item in documentation)
            {
                detail.Append(CultureInfo.InvariantCulture, $"- {Escape(item.What)}. {Escape(item.HowToSupply)}\n");
            }
        }

        AppendFailures(detail, context.Failures);
        var summary = (missing.Count, documentation.Count) switch
        {
            (0, var d) when review.Count > 0 => $"DLI coverage: {Plural(review.Count, "record")} to review{(d > 0 ? $", {Plural(d, "document")} for review" : string.Empty)} (policy {context.PolicyNumber})",
            (0, 0) => "DLI coverage: some patient data could not be retrieved from the EHR",
            (0, var d) => $"DLI coverage: {Plural(d, "document")} needed for review (policy {context.PolicyNumber})",
            (var m, 0) => $"DLI coverage: {Plural(m, "item")} missing to decide (policy {context.PolicyNumber})",
            (var m, var d) => $"DLI coverage: {Plural(m, "item")} missing to decide, {Plural(d, "document")} for review (policy {context.PolicyNumber})",
        };
        return new Card(
            Uuid(),
            summary,
            decision.Outcome == DecisionOutcome.CannotBeDetermined || context.Failures.Count > 0 ? "warning" : "info",
            new CardSource(context.Insurer, CoverageInfoTopic),
            detail.ToString().TrimEnd(),
            [new CardLink($"Medical Policy {context.PolicyNumber}", context.PolicyUrl.AbsoluteUri, "absolute")],
            Associated(decision));
    }

    /// <summary>The order-select heads-up: one line, no documentation demands (CRD secondary hook).</summary>
    public static Card HeadsUp(CoverageDecision decision, Context context) =>
        new(
            Uuid(),
            StatusSummary(decision, context),
            decision.Outcome == DecisionOutcome.MeetsCriteria ? "info" : "warning",
            new CardSource(context.Insurer, CoverageInfoTopic),
            context.SeveralOrders ? $"For order `{decision.OrderReference}`. {Escape(decision.Reason)}." : $"{Escape(decision.Reason)}.",
            [new CardLink($"Medical Policy {context.PolicyNumber}", context.PolicyUrl.AbsoluteUri, "absolute")],
            Associated(decision));

    /// <summary>A card for a DLI order whose coverage could not be assessed at all (no coverage data).</summary>
    public static Card Problem(string summary, string detail, Context context, string orderReference) =>
        new(
            Uuid(),
            Truncate(summary),
            "warning",
            new CardSource(context.Insurer, CoverageInfoTopic),
            detail,
            [new CardLink($"Medical Policy {context.PolicyNumber}", context.PolicyUrl.AbsoluteUri, "absolute")],
            new CardExtension([new ResourceReference(orderReference)]));

    internal static string StatusSummary(CoverageDecision decision, Context context)
    {
        var policy = $"policy {context.PolicyNumber}";
        var summary = decision.Outcome switch
        {
            DecisionOutcome.MeetsCriteria => $"DLI meets {policy} criteria ({string.Join(", ", decision.Criteria.Where(c => c.Id.StartsWith("I.", StringComparison.Ordinal)).Select(c => c.Id))}); prior authorization applies",
            DecisionOutcome.NotMedicallyNecessary => $"DLI not covered: not medically necessary under {policy} (criterion II)",
            DecisionOutcome.Investigational => $"DLI not covered: investigational under {policy} (criterion {decision.DecidingCriterion})",
            _ when decision.Review.Count > 0 && decision.Missing.Count == 0 => $"DLI coverage cannot be determined: {Plural(decision.Review.Count, "record")} to review ({policy})",
            _ when decision.Review.Count > 0 => $"DLI coverage cannot be determined: {Plural(decision.Missing.Count, "item")} missing, {Plural(decision.Review.Count, "record")} to review ({policy})",
            _ => $"DLI coverage cannot be determined: {Plural(decision.Missing.Count, "item")} missing ({policy})",
        };
        return Truncate(summary);
    }

    private static IEnumerable<CriterionResult> Rows(CoverageDecision decision) =>
        decision.Criteria.Where(c => c.Id switch
        {
            CriterionIds.NotMedicallyNecessary => decision.Outcome == DecisionOutcome.NotMedicallyNecessary,
            CriterionIds.OtherIndication or CriterionIds.GeneticModification => c.Status == CriterionStatus.Met,
            _ => true,
        });

    private static string StatusText(CriterionStatus status) => status switch
    {
        CriterionStatus.Met => "Met",
        CriterionStatus.NotMet => "Not met",
        _ => "Unknown",
    };

    private static string EvidenceText(CriterionResult criterion)
    {
        var cited = criterion.Evidence.Take(3).Select(Describe).ToList();
        var more = criterion.Evidence.Count > 3 ? $" (+{criterion.Evidence.Count - 3} more)" : string.Empty;
        return cited.Count == 0 ? criterion.Summary : $"{criterion.Summary}: {string.Join("; ", cited)}{more}";
    }

    private static string Describe(Evidence evidence)
    {
        var parts = new List<string> { evidence.Reference };
        if (evidence.Code is { } code)
        {
            parts.Add(code);
        }

        if (evidence.Date is { } date)
        {
            parts.Add(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (evidence.Value is { } value)
        {
            parts.Add(value);
        }

        return string.Join(" ", parts);
    }

    private static void AppendFailures(StringBuilder detail, IReadOnlyList<DataFailure> failures)
    {
        if (failures.Count == 0)
        {
            return;
        }

        detail.Append("\n\n**Could not be retrieved from the EHR:** ")
            .Append(string.Join("; ", failures.Select(f => $"{f.Key} ({f.Reason})")))
            .Append('.');
    }

    // CRD davinci-crd.associated-resource: which order the card is about (needed when several are signed together).
    private static CardExtension Associated(CoverageDecision decision) => new([new ResourceReference(decision.OrderReference)]);

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string Truncate(string text) => text.Length < 140 ? text : string.Concat(text.AsSpan(0, 138), "…");

    private static string Uuid() => Guid.NewGuid().ToString();
}
