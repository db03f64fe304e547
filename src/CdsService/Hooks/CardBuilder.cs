using System.Globalization;
using System.Text;
using Cds.FhirMapping.Evaluation;
using Cds.Service.Contract;
using Cds.Service.Policy;
using Cds.Service.Prefetch;

namespace Cds.Service.Hooks;

/// <summary>
/// Builds the CRD Instructions cards a clinician reads (text only: no links, no suggestions): the coverage status
/// with the decision and the next step first, then the criteria table, and what is missing. The policy link and the
/// suggested orders are separate cards (<see cref="GuidanceCards"/>), as CRD's card types require.
/// </summary>
internal static class CardBuilder
{
    /// <summary>CRD 2.0.1 card types (<c>source.topic</c>) live in the CRD temporary code system.</summary>
    public const string CardTypeSystem = "http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp";

    public static readonly CardCoding CoverageInfoTopic = new(CardTypeSystem, "coverage-info", "Coverage Information");

    // A status card's detail is 1.3–1.9 K characters: one buffer of that size instead of a chain of growing ones.
    private const int DetailCapacity = 2048;

    /// <param name="Insurer">The insurer name on cards (<c>source.label</c>).</param>
    /// <param name="PolicyNumber">The policy number, e.g. 45.03.</param>
    /// <param name="Service">How cards name the service, e.g. "… (CPT 38242)".</param>
    /// <param name="PolicyUrl">The published policy (External Reference card).</param>
    /// <param name="SeveralOrders">More than one order in scope: each card says which order it is about.</param>
    /// <param name="Failures">Data that could not be retrieved from the EHR.</param>
    /// <param name="Words">Evidence in words.</param>
    /// <param name="OverrideReasons">CDS Hooks overrideReasons for cards a clinician may proceed past.</param>
    public sealed record Context(
        string Insurer,
        string PolicyNumber,
        string Service,
        Uri PolicyUrl,
        bool SeveralOrders,
        IReadOnlyList<DataFailure> Failures,
        EvidenceText? Words = null,
        IReadOnlyList<CardCoding>? OverrideReasons = null)
    {
        /// <summary>
        /// How the policy file names the service in a few words (<c>service.shortName</c>, e.g. "DLI"); the service
        /// always sets it from the policy that decides ("Order" only for a context built outside it, e.g. a benchmark).
        /// </summary>
        public string ServiceName { get; init; } = "Order";

        /// <summary>The policy revision deciding (the file's <c>version</c>), named on the policy link when set.</summary>
        public string? PolicyVersion { get; init; }
    }

    /// <summary>The order-sign status card: decision and next step, criteria table with evidence in words.</summary>
    /// <param name="decision">The decision for the order.</param>
    /// <param name="context">What every card of the call shares.</param>
    /// <param name="paNeeded">The assertion's <c>pa-needed</c>, so the card's prior-authorization sentence matches it.</param>
    /// <param name="orderLabel">The order in words, when several are signed together.</param>
    public static Card Status(CoverageDecision decision, Context context, string? paNeeded = null, string? orderLabel = null)
    {
        var words = context.Words ?? EvidenceText.Plain;
        var detail = new StringBuilder(DetailCapacity);
        detail.Append(CultureInfo.InvariantCulture, $"**{Escape(Headline(decision, paNeeded))}**\n\n");
        detail.Append(CultureInfo.InvariantCulture, $"Next step: {Escape(NextStep(decision, paNeeded, context.Insurer))}\n\n");
        detail.Append(CultureInfo.InvariantCulture, $"Why: {Escape(decision.Reason)}.\n\n");
        if (context.SeveralOrders && orderLabel is not null)
        {
            detail.Append(CultureInfo.InvariantCulture, $"Order: {Escape(orderLabel)}\n\n");
        }

        detail.Append("| Criterion | Status | Evidence |\n|---|---|---|\n");
        foreach (var criterion in decision.Criteria)
        {
            detail.Append(CultureInfo.InvariantCulture, $"| {Escape(criterion.Label)} | {StatusText(criterion)} | {Escape(EvidenceCell(criterion, words))} |\n");
        }

        detail.Append(CultureInfo.InvariantCulture, $"\n{Escape(context.Insurer)} Medical Policy {context.PolicyNumber}: {Escape(context.Service)}.");
        AppendFailures(detail, context.Failures);
        var proceedable = decision.Outcome != DecisionOutcome.MeetsCriteria;
        return new Card(
            Uuid(),
            StatusSummary(decision, context, paNeeded),
            decision.Outcome == DecisionOutcome.MeetsCriteria ? "info" : "warning",
            new CardSource(context.Insurer, CoverageInfoTopic),
            detail.ToString(),
            Extension: Associated(decision),
            OverrideReasons: proceedable ? NullIfEmpty(context.OverrideReasons) : null);
    }

    /// <summary>The order-sign card listing each missing item and exactly what to send; null when nothing is missing.</summary>
    public static Card? Missing(CoverageDecision decision, Context context, string? orderLabel = null)
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
        if (context.SeveralOrders && orderLabel is not null)
        {
            detail.Append(CultureInfo.InvariantCulture, $"Order: {Escape(orderLabel)}\n\n");
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
            // The records in words, as in the criteria table; their references stay in the ledger.
            var named = context.Words ?? EvidenceText.Plain;
            foreach (var item in review)
            {
                var records = item.Evidence.Count > 0 ? $": {string.Join("; ", item.Evidence.Select(named.Describe).Distinct(StringComparer.Ordinal))}" : string.Empty;
                var note = item.Note is null ? string.Empty : $" ({item.Note})";
                detail.Append(CultureInfo.InvariantCulture, $"- **{item.Criterion}** {Escape(item.Reason)}{Escape(records)}{Escape(note)}\n");
            }
        }

        if (documentation.Count > 0)
        {
            detail.Append(missing.Count + review.Count > 0 ? "\n" : string.Empty).Append("**Attach for review**\n\n");
            foreach (var item in documentation)
            {
                detail.Append(CultureInfo.InvariantCulture, $"- {Escape(item.What)}. {Escape(item.HowToSupply)}\n");
            }
        }

        AppendFailures(detail, context.Failures);
        var summary = (missing.Count, documentation.Count) switch
        {
            (var m, var d) when review.Count > 0 => $"{context.ServiceName} coverage: {(m > 0 ? $"send {Plural(m, "missing item")}, " : string.Empty)}{Plural(review.Count, "record")} to review{(d > 0 ? $", attach {Plural(d, "document")}" : string.Empty)} (policy {context.PolicyNumber})",
            (0, 0) => $"{context.ServiceName} coverage: some patient data could not be retrieved from the EHR",
            (0, var d) => $"{context.ServiceName} coverage: attach {Plural(d, "document")} for review (policy {context.PolicyNumber})",
            (var m, 0) => $"{context.ServiceName} coverage: send {Plural(m, "missing item")} to decide (policy {context.PolicyNumber})",
            (var m, var d) => $"{context.ServiceName} coverage: send {Plural(m, "missing item")} and attach {Plural(d, "document")} (policy {context.PolicyNumber})",
        };
        return new Card(
            Uuid(),
            Card.FitSummary(summary),
            decision.Outcome == DecisionOutcome.CannotBeDetermined || context.Failures.Count > 0 ? "warning" : "info",
            new CardSource(context.Insurer, CoverageInfoTopic),
            detail.ToString().TrimEnd(),
            Extension: Associated(decision));
    }

    /// <summary>The order-select heads-up: one line, no documentation demands (CRD secondary hook).</summary>
    public static Card HeadsUp(CoverageDecision decision, Context context, string? paNeeded = null, string? orderLabel = null) =>
        new(
            Uuid(),
            StatusSummary(decision, context, paNeeded),
            decision.Outcome == DecisionOutcome.MeetsCriteria ? "info" : "warning",
            new CardSource(context.Insurer, CoverageInfoTopic),
            context.SeveralOrders && orderLabel is not null ? $"Order: {Escape(orderLabel)}. {Escape(decision.Reason)}." : $"{Escape(decision.Reason)}.",
            Extension: Associated(decision));

    /// <summary>A card for a policy order whose coverage could not be assessed at all (no coverage data).</summary>
    public static Card Problem(string summary, string detail, Context context, string orderReference) =>
        new(
            Uuid(),
            Card.FitSummary(summary),
            "warning",
            new CardSource(context.Insurer, CoverageInfoTopic),
            detail,
            Extension: new CardExtension([new ResourceReference(orderReference)]));

    internal static string StatusSummary(CoverageDecision decision, Context context, string? paNeeded = null)
    {
        var policy = $"policy {context.PolicyNumber}";
        var summary = decision.Outcome switch
        {
            DecisionOutcome.MeetsCriteria => $"{context.ServiceName} meets {policy} criteria; {PriorAuthorization(paNeeded)}",
            DecisionOutcome.NotMedicallyNecessary => $"{context.ServiceName} not covered: not medically necessary under {policy} (criterion II)",
            DecisionOutcome.Investigational => $"{context.ServiceName} not covered: investigational under {policy} (criterion {decision.DecidingCriterion})",
            _ when decision.Review.Count > 0 && decision.Missing.Count == 0 => $"{context.ServiceName} coverage cannot be determined: {Plural(decision.Review.Count, "record")} to review ({policy})",
            _ when decision.Review.Count > 0 => $"{context.ServiceName} coverage cannot be determined: {Plural(decision.Missing.Count, "item")} missing, {Plural(decision.Review.Count, "record")} to review ({policy})",
            _ => $"{context.ServiceName} coverage cannot be determined: {Plural(decision.Missing.Count, "item")} missing ({policy})",
        };
        return Card.FitSummary(summary);
    }

    // The prior-authorization sentence follows the assertion's pa-needed, never a fixed "applies".
    internal static string PriorAuthorization(string? paNeeded) => paNeeded switch
    {
        "auth-needed" => "prior authorization required",
        "performpa" => "prior authorization required from the performing provider",
        "no-auth" => "no prior authorization needed",
        "satisfied" => "prior authorization already satisfied",
        "conditional" => "prior authorization may be required",
        _ => "prior authorization not assessed",
    };

    private static string Headline(CoverageDecision decision, string? paNeeded) => decision.Outcome switch
    {
        DecisionOutcome.MeetsCriteria => $"Meets the policy criteria: covered, {PriorAuthorization(paNeeded)}.",
        DecisionOutcome.NotMedicallyNecessary => "Not covered: not medically necessary (criterion II).",
        DecisionOutcome.Investigational => $"Not covered: investigational (criterion {decision.DecidingCriterion}).",
        _ when decision.Review.Count > 0 && decision.Missing.Count == 0 => $"Cannot be determined yet: {Plural(decision.Review.Count, "record")} to review.",
        _ when decision.Review.Count > 0 => $"Cannot be determined yet: {Plural(decision.Missing.Count, "item")} missing, {Plural(decision.Review.Count, "record")} to review.",
        _ => $"Cannot be determined yet: {Plural(decision.Missing.Count, "item")} missing.",
    };

    private static string NextStep(CoverageDecision decision, string? paNeeded, string insurer) => decision.Outcome switch
    {
        DecisionOutcome.MeetsCriteria when paNeeded is "auth-needed" or "performpa" => $"submit the prior authorization request to {insurer}{(decision.Documentation.Count > 0 ? " with the documents listed" : string.Empty)}.",
        DecisionOutcome.MeetsCriteria => "none; the order can proceed.",
        DecisionOutcome.CannotBeDetermined when decision.Missing.Count == 0 => $"the records listed below need a reviewer's look ({string.Join(", ", decision.Review.Select(r => r.Criterion).Distinct(StringComparer.Ordinal))}); correct or complete them, or send the order for review with the prior authorization request.",
        DecisionOutcome.CannotBeDetermined => $"send the missing {string.Join(", ", decision.Missing.Select(m => m.Criterion))} (listed below), or correct the record, then sign again.",
        _ => "reconsider the order; if you proceed, tell the patient it may not be covered and record why.",
    };

    private static string StatusText(CriterionResult criterion)
    {
        // II, III and IV are exclusions: "applies" / "does not apply", never a "Met" that reads like good news.
        var exclusion = criterion.Id is CriterionIds.NotMedicallyNecessary or CriterionIds.OtherIndication or CriterionIds.GeneticModification;
        if (criterion.Review.Count > 0)
        {
            return "**Needs review**";
        }

        return (criterion.Status, exclusion) switch
        {
            (CriterionStatus.Met, true) => "**Applies**",
            (CriterionStatus.NotMet, true) => "Does not apply",
            (_, true) => "Not yet known",
            (CriterionStatus.Met, false) => "Met",
            (CriterionStatus.NotMet, false) => "**Not met**",
            _ => "**Unknown**",
        };
    }

    private static string EvidenceCell(CriterionResult criterion, EvidenceText words)
    {
        // II rests on the criteria that are not met; their rows already show that evidence.
        if (criterion.Id == CriterionIds.NotMedicallyNecessary)
        {
            return criterion.Summary;
        }

        // The first three records in words, each once (two records may read the same).
        var evidence = criterion.Evidence;
        if (evidence.Count == 0)
        {
            return criterion.Summary;
        }

        var cited = new List<string>(Math.Min(3, evidence.Count));
        for (var i = 0; i < evidence.Count && i < 3; i++)
        {
            var text = words.Describe(evidence[i]);
            if (!cited.Contains(text, StringComparer.Ordinal))
            {
                cited.Add(text);
            }
        }

        var more = evidence.Count > 3 ? $" (+{evidence.Count - 3} more)" : string.Empty;
        return $"{criterion.Summary}: {string.Join("; ", cited)}{more}";
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

    private static IReadOnlyList<CardCoding>? NullIfEmpty(IReadOnlyList<CardCoding>? list) => list is { Count: > 0 } ? list : null;

    internal static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    internal static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    internal static string Uuid() => Guid.NewGuid().ToString();
}
