using Cds.FhirMapping.Evaluation.Criteria;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation;

/// <summary>
/// Decides Medical Policy 45.03 for one DLI order from <see cref="ClinicalFacts"/>. Pure: no I/O, and the only clock
/// is the injected <see cref="TimeProvider"/> (a transplant dated after today has not been received yet).
/// </summary>
/// <remarks>
/// Absence of evidence is missing data, never an unmet criterion: a criterion is "not met" only on positive evidence
/// against it. Evidence that is tentative, conflicting, stated only in words outside the order, or incomplete (a
/// <see cref="DataGap"/> in a type the criterion reads) never decides against the patient or for an investigational
/// answer: the criterion is unknown with a <see cref="ReviewItem"/>, and the answer is conditional.
/// </remarks>
public sealed class PolicyEvaluator
{
    private readonly PolicyDefinition _policy;
    private readonly TimeProvider _timeProvider;
    private readonly CriterionWriter _writer;
    private readonly TransplantCriterion _transplant;
    private readonly DiseaseStatusCriterion _diseaseStatus;
    private readonly RelapseRiskCriterion _relapseRisk;
    private readonly ChimerismCriterion _chimerism;
    private readonly OtherIndicationCriterion _otherIndication;

    public PolicyEvaluator(PolicyDefinition policy, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
        _timeProvider = timeProvider;
        _writer = new CriterionWriter(policy);
        _transplant = new TransplantCriterion(_writer);
        _diseaseStatus = new DiseaseStatusCriterion(_writer);
        _relapseRisk = new RelapseRiskCriterion(_writer, policy.Thresholds, policy.Conditioning);
        _chimerism = new ChimerismCriterion(_writer, policy.Thresholds);
        _otherIndication = new OtherIndicationCriterion(_writer, policy.ValueSet(PolicyNames.ValueSets.NonMalignantIndication));
    }

    public PolicyDefinition Policy => _policy;

    /// <summary>Evaluates the policy for one order.</summary>
    public CoverageDecision Evaluate(ClinicalFacts record, OrderFacts order)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(order);
        var today = DateOnly.FromDateTime(_timeProvider.GetUtcNow().UtcDateTime);
        var facts = Merge(record, order.Indication);

        // A clinician's DTR answers fill what the chart leaves unknown, and never override it (AttestedAnswers).
        var (chart, answers) = AttestedAnswers.Split(facts);
        CriterionResult Decide(string id, Func<ClinicalFacts, CriterionResult> criterion, Func<ClinicalFacts, IEnumerable<Evidence>> about) =>
            AttestedAnswers.Decide(_writer, id, f => (criterion(f), 0), about, chart, answers, facts).Result;

        var (hct, transplant) = AttestedAnswers.Decide(_writer, CriterionIds.PriorAllogeneicHct, f => _transplant.Evaluate(f, today), AttestedAnswers.AboutTransplant, chart, answers, facts);
        hct = Incomplete(hct, facts.Gaps, latestWins: false);

        // An allogeneic HCT on record without its date: nothing can be told to belong to it or to come after it.
        var undated = hct.Status == CriterionStatus.Met && transplant is null;
        var subCriteria = new Dictionary<string, CriterionResult>(StringComparer.Ordinal)
        {
            [CriterionIds.RelapsedOrRefractory] = Incomplete(Decide(CriterionIds.RelapsedOrRefractory, f => _diseaseStatus.Evaluate(f, transplant, undated), AttestedAnswers.AboutDiseaseStatus), facts.Gaps, latestWins: true),
            [CriterionIds.HighRelapseRisk] = Incomplete(Decide(CriterionIds.HighRelapseRisk, f => _relapseRisk.Evaluate(f, transplant, undated), AttestedAnswers.AboutRelapseRisk), facts.Gaps, latestWins: false),
            [CriterionIds.MixedChimerism] = Incomplete(Decide(CriterionIds.MixedChimerism, f => _chimerism.Evaluate(f, transplant), AttestedAnswers.AboutChimerism), facts.Gaps, latestWins: true),
        };
        var ruled = _policy.Rule.Of.Select(id => subCriteria[id]).ToList();
        var i = Combine(ruled);
        var iii = Incomplete(Decide(CriterionIds.OtherIndication, f => _otherIndication.Evaluate(f, order), AttestedAnswers.AboutIndication), facts.Gaps, latestWins: true);
        var iv = Incomplete(GeneticModification(order), facts.Gaps, latestWins: false);
        var iNotMet = hct.Status == CriterionStatus.NotMet || i == CriterionStatus.NotMet;
        var ii = _writer.Result(
            CriterionIds.NotMedicallyNecessary,
            iNotMet ? CriterionStatus.Met : i == CriterionStatus.Met && hct.Status == CriterionStatus.Met ? CriterionStatus.NotMet : CriterionStatus.Unknown,
            iNotMet ? $"Criterion {_policy.Rule.Id} is not met" : i == CriterionStatus.Met ? $"Criterion {_policy.Rule.Id} is met" : $"Depends on criterion {_policy.Rule.Id}",
            [.. ruled.Append(hct).Where(c => c.Status == CriterionStatus.NotMet).SelectMany(c => c.Evidence)]);

        List<CriterionResult> criteria = [hct, .. ruled, ii, iii, iv];
        var missing = criteria.Where(c => c.Status == CriterionStatus.Unknown && c.Missing is not null).Select(c => c.Missing!).ToList();
        var review = criteria.SelectMany(c => c.Review).ToList();
        var documentation = Documentation(facts, order);

        var (outcome, deciding, reason) = (iv.Status, iii.Status) switch
        {
            (CriterionStatus.Met, _) => (DecisionOutcome.Investigational, CriterionIds.GeneticModification, $"{_writer.Label(CriterionIds.GeneticModification)}: {iv.Summary}"),
            (_, CriterionStatus.Met) => (DecisionOutcome.Investigational, CriterionIds.OtherIndication, $"{_writer.Label(CriterionIds.OtherIndication)}: {iii.Summary}"),
            _ when iNotMet => (DecisionOutcome.NotMedicallyNecessary, CriterionIds.NotMedicallyNecessary, NotMetReason(ruled.Append(hct))),
            _ when i == CriterionStatus.Met && hct.Status == CriterionStatus.Met && iii.Status == CriterionStatus.NotMet && iv.Status == CriterionStatus.NotMet =>
                (DecisionOutcome.MeetsCriteria, _policy.Rule.Id, $"Criterion {_policy.Rule.Id} met: {string.Join(", ", ruled.Select(c => c.Id))} and a prior allogeneic HCT on record"),
            _ => (DecisionOutcome.CannotBeDetermined, _policy.Rule.Id, Undetermined(criteria)),
        };

        return new CoverageDecision(_policy.Id, $"{order.ResourceType}/{order.Id}", outcome, deciding, reason, criteria, missing, documentation)
        {
            Review = review,
        };
    }

    // Data a criterion reads could not be read in full: it is not decided against the patient, and a "latest record
    // decides" criterion is not decided at all (the newest record may be the missing one).
    private CriterionResult Incomplete(CriterionResult result, IReadOnlyList<DataGap> gaps, bool latestWins)
    {
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

        return $"Cannot be determined: {(parts.Count > 0 ? string.Join("; ", parts) : "criteria undecided")}";
    }

    // Combines the sub-criteria of criterion I with the policy's combinator ("all" as the text says, or "any").
    private CriterionStatus Combine(IReadOnlyList<CriterionResult> results) => _policy.Rule.Combinator switch
    {
        "any" => results.Any(r => r.Status == CriterionStatus.Met) ? CriterionStatus.Met
            : results.All(r => r.Status == CriterionStatus.NotMet) ? CriterionStatus.NotMet
            : CriterionStatus.Unknown,
        _ => results.All(r => r.Status == CriterionStatus.Met) ? CriterionStatus.Met
            : results.Any(r => r.Status == CriterionStatus.NotMet) ? CriterionStatus.NotMet
            : CriterionStatus.Unknown,
    };

    private CriterionResult GeneticModification(OrderFacts order)
    {
        const string Id = CriterionIds.GeneticModification;
        if (order.GeneticModification.Count > 0)
        {
            return _writer.Result(Id, CriterionStatus.Met, _writer.Summary(Id, CriterionStatus.Met), order.GeneticModification);
        }

        // Neither stated nor ruled out: a product that may be genetically modified is not paid for without a look.
        return order.UncertainGeneticModification.Count > 0
            ? _writer.Review(Id, "The order's words leave open whether the lymphocytes are genetically modified", order.UncertainGeneticModification,
                CriterionWriter.Item(Id, "Stated uncertainly on the order", order.UncertainGeneticModification, "confirm the product is unmanipulated donor lymphocytes"))
            : _writer.Result(Id, CriterionStatus.NotMet, _writer.Summary(Id, CriterionStatus.NotMet), []);
    }

    private List<MissingItem> Documentation(ClinicalFacts facts, OrderFacts order)
    {
        var items = new List<MissingItem>();
        foreach (var doc in _policy.Document.Documentation)
        {
            var present = doc.Id switch
            {
                "notes" => facts.Notes.Count > 0,
                "indication" => order.HasIndication || facts.Transplants.Any(t => t.Indications.Count > 0),
                _ => false,
            };
            if (!present)
            {
                items.Add(new MissingItem("Documentation", doc.Label, doc.How));
            }
        }

        return items;
    }

    private string NotMetReason(IEnumerable<CriterionResult> results)
    {
        var notMet = results.Where(r => r.Status == CriterionStatus.NotMet).Select(r => $"{r.Id} not met ({r.Summary})");
        return $"{_writer.Label(CriterionIds.NotMedicallyNecessary)}: {string.Join("; ", notMet)}";
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
