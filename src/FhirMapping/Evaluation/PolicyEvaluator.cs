using Cds.FhirMapping.Evaluation.Criteria;
using Cds.FhirMapping.Evaluation.Decision;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation;

/// <summary>
/// Decides a policy for one order from <see cref="ClinicalFacts"/>, as its file declares: each leaf of the criteria
/// tree by its evaluator, the combinators from their children, then the first outcome rule that fires. Pure: no I/O,
/// and the only clock is the injected <see cref="TimeProvider"/> (a transplant dated after today has not been received yet;
/// a record dated after it by more than the policy's tolerance cannot be true: <see cref="PlausibleDates"/>).
/// </summary>
/// <remarks>
/// The safety rules are the same for every policy and live here: absence of evidence is missing data, never an unmet
/// criterion (a leaf is "not met" only on positive evidence against it, or where the file says an absent record means
/// so); evidence that is tentative, conflicting, stated only in words outside the order, or incomplete (a
/// <see cref="DataGap"/> in a type the criterion reads) never decides against the patient or for an investigational
/// answer: the criterion is unknown with a <see cref="ReviewItem"/>, and the answer is conditional. So is evidence whose
/// date cannot be true (before the patient's birth, before the policy's earliest year, in the future): it never decides
/// a criterion (<see cref="ImplausibleEvidence"/>). A clinician's DTR
/// answers fill only what the chart leaves unknown (<see cref="AttestedAnswers"/>). Outcome rules fire only on met and
/// not-met criteria; when none fires the answer is "cannot be determined".
/// </remarks>
public sealed class PolicyEvaluator
{
    private readonly PolicyDefinition _policy;
    private readonly TimeProvider _timeProvider;
    private readonly CriterionWriter _writer;
    private readonly DecisionTree _tree;
    private readonly IReadOnlyList<(NodeDocument Node, ICriterionEvaluator Evaluator)> _leaves;
    private readonly IReadOnlyList<CriterionDocument> _reported;
    private readonly PlausibleDates? _dates;
    private readonly EvaluationCatalog _catalog;

    /// <summary>An evaluator of a loaded policy, with the evaluators and documentation checks its file may name.</summary>
    internal PolicyEvaluator(PolicyDefinition policy, TimeProvider timeProvider, EvaluationCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(catalog);
        _policy = policy;
        _catalog = catalog;
        _timeProvider = timeProvider;
        _writer = new CriterionWriter(policy);
        _tree = new DecisionTree(policy.Document.Decision);
        _leaves = [.. _tree.Leaves.Select(n => (n, catalog.Evaluators[n.Evaluator!].Create(policy, n, _writer)))];
        _reported = [.. policy.Document.Criteria.Where(c => _tree.Contains(c.Id))];
        _dates = PlausibleDates.For(policy);
    }

    public PolicyDefinition Policy => _policy;

    /// <summary>Evaluates the policy for one order.</summary>
    public CoverageDecision Evaluate(ClinicalFacts record, OrderFacts order)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(order);
        var today = DateOnly.FromDateTime(_timeProvider.GetUtcNow().UtcDateTime);

        // Evidence whose date cannot be true decides nothing (ImplausibleEvidence): the criteria are read without it,
        // and, when there is any, once more with it at face value to find the criteria it would have decided.
        var (plausible, implausible) = _dates is null ? (record, []) : ImplausibleEvidence.Screen(record, _dates, today);
        var facts = Merge(plausible, order.Indication);
        var leaves = Leaves(facts, order, today);
        if (implausible.Count > 0)
        {
            var atFaceValue = Leaves(Merge(record, order.Indication), order, today);
            foreach (var (node, _) in _leaves)
            {
                leaves[node.Id] = ImplausibleEvidence.Decide(_writer, leaves[node.Id], atFaceValue[node.Id], implausible, _policy.Criterion(node.Id).Reads);
            }
        }

        List<CriterionResult> criteria = [.. _reported.Select(c => leaves.TryGetValue(c.Id, out var leaf) ? leaf : Combinator(c, leaves))];
        var byId = criteria.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var missing = criteria.Where(c => c.Status == CriterionStatus.Unknown && c.Missing is not null).Select(c => c.Missing!).ToList();
        var review = criteria.SelectMany(c => c.Review).ToList();
        var documentation = Documentation(facts, order);

        var decision = _policy.Document.Decision;
        var rule = decision.Outcomes.FirstOrDefault(r =>
            r.WhenMet.All(id => _tree.Status(id, leaves) == CriterionStatus.Met) && r.WhenNotMet.All(id => _tree.Status(id, leaves) == CriterionStatus.NotMet));
        var (outcome, deciding, reason) = rule is null
            ? (DecisionOutcome.CannotBeDetermined, decision.Otherwise.Deciding, decision.Otherwise.Reason.Replace("{undetermined}", Undetermined(criteria), StringComparison.Ordinal))
            : (Outcome(rule.Outcome), rule.Deciding, Reason(rule, leaves, byId));

        return new CoverageDecision(_policy.Id, $"{order.ResourceType}/{order.Id}", outcome, deciding, reason, criteria, missing, documentation)
        {
            Review = review,
        };
    }

    // Each leaf of the tree by its evaluator, in the file's order (a leaf reads what the leaves before it found).
    private Dictionary<string, CriterionResult> Leaves(ClinicalFacts facts, OrderFacts order, DateOnly today)
    {
        // A clinician's DTR answers fill what the chart leaves unknown, and never override it (AttestedAnswers).
        var (chart, answers) = AttestedAnswers.Split(facts);
        var context = new CriterionContext(_writer, order, today);
        var leaves = new Dictionary<string, CriterionResult>(StringComparer.Ordinal);
        foreach (var (node, evaluator) in _leaves)
        {
            context.Id = node.Id;
            var (result, product) = AttestedAnswers.Decide(_writer, node.Id, f => evaluator.Evaluate(context, f), evaluator.Answers, chart, answers, facts);
            result = Incomplete(result, facts.Gaps, node.LatestRecordDecides);
            context.Decided(node.Evaluator!, result, product);
            leaves[node.Id] = result;
        }

        return leaves;
    }

    /// <summary>The outcome names of the file's rules.</summary>
    internal static DecisionOutcome Outcome(string name) => name switch
    {
        "meets-criteria" => DecisionOutcome.MeetsCriteria,
        "not-medically-necessary" => DecisionOutcome.NotMedicallyNecessary,
        "investigational" => DecisionOutcome.Investigational,
        _ => throw new PolicyFileException($"decision.outcomes: outcome '{name}' is not one of {string.Join(", ", OutcomeNames)}"),
    };

    internal static IReadOnlyList<string> OutcomeNames { get; } = ["meets-criteria", "not-medically-necessary", "investigational"];

    // A combinator the file reports as a criterion (II): its status from its children, citing the leaves under it that are not met.
    private CriterionResult Combinator(CriterionDocument criterion, IReadOnlyDictionary<string, CriterionResult> leaves)
    {
        var status = _tree.Status(criterion.Id, leaves);
        var summary = status switch
        {
            CriterionStatus.Met => criterion.Met,
            CriterionStatus.NotMet => criterion.NotMet,
            _ => criterion.Undecided ?? criterion.Text,
        };
        return _writer.Result(criterion.Id, status, summary, [.. NotMetUnder(criterion.Id, leaves).SelectMany(c => c.Evidence)]);
    }

    private IEnumerable<CriterionResult> NotMetUnder(string id, IReadOnlyDictionary<string, CriterionResult> leaves) =>
        _tree.LeavesUnder(id).Select(l => leaves[l]).Where(c => c.Status == CriterionStatus.NotMet);

    private string Reason(OutcomeRuleDocument rule, IReadOnlyDictionary<string, CriterionResult> leaves, Dictionary<string, CriterionResult> reported)
    {
        var id = rule.Deciding;
        var text = rule.Reason;
        if (text.Contains("{label}", StringComparison.Ordinal))
        {
            text = text.Replace("{label}", _writer.Label(id), StringComparison.Ordinal);
        }

        if (text.Contains("{summary}", StringComparison.Ordinal))
        {
            text = text.Replace("{summary}", reported.TryGetValue(id, out var result) ? result.Summary : string.Empty, StringComparison.Ordinal);
        }

        if (text.Contains("{notMet}", StringComparison.Ordinal))
        {
            text = text.Replace("{notMet}", string.Join("; ", NotMetUnder(id, leaves).Select(r => $"{r.Id} not met ({r.Summary})")), StringComparison.Ordinal);
        }

        return text.Replace("{children}", string.Join(", ", _tree[id].Children), StringComparison.Ordinal);
    }

    // Data a criterion reads could not be read in full: it is not decided against the patient, and a "latest record
    // decides" criterion is not decided at all (the newest record may be the missing one).
    private CriterionResult Incomplete(CriterionResult result, IReadOnlyList<DataGap> gaps, bool latestWins)
    {
        if (gaps.Count == 0)
        {
            return result;
        }

        var reads = _policy.Criterion(result.Id).Reads;
        var relevant = gaps.Where(g => reads.Contains(g.ResourceType, StringComparer.Ordinal)).ToList();
        var decidesAgainst = result.Status == CriterionStatus.NotMet || (latestWins && result.Status == CriterionStatus.Met);
        if (relevant.Count == 0 || !decidesAgainst)
        {
            return result;
        }

        return _writer.Review(result.Id, $"{result.Summary}, but some {string.Join(", ", relevant.Select(g => g.ResourceType).Distinct())} data could not be read", result.Evidence,
            [.. result.Review, CriterionWriter.Item(result.Id, $"Data could not be read: {string.Join("; ", relevant.Select(g => g.What).Distinct())}", [])]);
    }

    private static string Undetermined(IReadOnlyList<CriterionResult> criteria)
    {
        var parts = new List<string>();
        var missing = criteria.Where(c => c.Status == CriterionStatus.Unknown && c.Missing is not null).Select(c => c.Id).ToList();
        if (missing.Count > 0)
        {
            parts.Add($"missing data for {string.Join(", ", missing)}");
        }

        var review = criteria.Where(c => c.Review.Count > 0).Select(c => c.Id).ToList();
        if (review.Count > 0)
        {
            parts.Add($"needs review of {string.Join(", ", review)}");
        }

        return parts.Count > 0 ? string.Join("; ", parts) : "criteria undecided";
    }

    private List<MissingItem> Documentation(ClinicalFacts facts, OrderFacts order)
    {
        var items = new List<MissingItem>();
        foreach (var doc in _policy.Document.Documentation)
        {
            if (!_catalog.Documentation[doc.SatisfiedBy].Present(facts, order))
            {
                items.Add(new MissingItem("Documentation", doc.Label, doc.How));
            }
        }

        return items;
    }

    private static ClinicalFacts Merge(ClinicalFacts record, ClinicalFacts indication) =>
        indication.Malignancies.Count == 0 && indication.DiseaseStatus.Count == 0 && indication.NonMalignantIndications.Count == 0 && indication.Gaps.Count == 0
            ? record
            : record with
            {
                Malignancies = [.. record.Malignancies, .. indication.Malignancies],
                DiseaseStatus = [.. record.DiseaseStatus, .. indication.DiseaseStatus],
                NonMalignantIndications = [.. record.NonMalignantIndications, .. indication.NonMalignantIndications],
                Gaps = [.. record.Gaps, .. indication.Gaps],
            };
}
