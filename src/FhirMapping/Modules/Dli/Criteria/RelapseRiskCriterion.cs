using Cds.FhirMapping.Evaluation.Conditioning;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation.Criteria;

/// <summary>
/// I.B: a high risk of relapse (a T-cell depleted graft, or non-myeloablative / reduced-intensity conditioning), from
/// the records of the latest allogeneic HCT (the policy file's window around it). A coded graft outranks words about
/// it; records of the same rank that disagree are a conflict. "Not met" needs an unmanipulated graft and myeloablative
/// conditioning, and is only decided on coded or structured evidence: stated only in words, it is for review. In vivo
/// T-cell depletion (ATG, alemtuzumab) is shown, and does not make the graft T-cell depleted (unless the policy file's
/// switch says so). The conditioning doses on record are classified (<see cref="ConditioningAssessor"/>) as structured
/// evidence; an intensity stated in the record that disagrees with the doses is a conflict for review.
/// </summary>
internal sealed class RelapseRiskCriterion(CriterionWriter writer, ThresholdsDocument thresholds, ConditioningTerms conditioningTerms)
{
    private const string Id = CriterionIds.HighRelapseRisk;

    private readonly ConditioningAssessor _assessor = new(conditioningTerms);

    /// <param name="facts">The patient's facts.</param>
    /// <param name="transplant">When the latest allogeneic HCT was (null: unknown).</param>
    /// <param name="undatedTransplant">True when an allogeneic HCT is on record (or implied) but its date is not.</param>
    public CriterionResult Evaluate(ClinicalFacts facts, EffectiveTime? transplant, bool undatedTransplant)
    {
        var doses = transplant is null ? null : _assessor.Assess(facts.Conditioning, transplant);
        var derived = Derived(doses);
        var inWindow = new List<RelapseRiskFact>();
        var unplaced = new List<RelapseRiskFact>();
        foreach (var signal in facts.RelapseRisk.Where(r => r.Evidence.Certainty == Certainty.Confirmed))
        {
            // Without the transplant's date a graft or conditioning record cannot be tied to it (it may be an earlier one's).
            if (undatedTransplant)
            {
                unplaced.Add(signal);
                continue;
            }

            if (transplant is null || signal.Evidence.When is not { } when)
            {
                inWindow.Add(signal);
                continue;
            }

            var from = transplant.DaysBeforeFirst(thresholds.ConditioningWindowDaysBeforeHct);
            var to = transplant.DaysAfterLast(thresholds.GraftWindowDaysAfterHct);
            if (when.Within(from, to))
            {
                inWindow.Add(signal);
            }
            else if (!when.Outside(from, to))
            {
                unplaced.Add(signal);
            }
        }

        inWindow.AddRange((doses?.InVivoDepletion ?? []).Select(e => new RelapseRiskFact(e, RelapseRiskSignal.InVivoTCellDepletion)));
        var inVivo = inWindow.Where(s => s.Signal == RelapseRiskSignal.InVivoTCellDepletion).ToList();

        // The switch (off by default): in vivo depletion given in the conditioning counts as a T-cell depleted graft.
        var countedInVivo = conditioningTerms.Document.CountInVivoDepletionAsTCellDepleted
            ? inVivo.Where(s => !s.Evidence.IsTextOnly).Select(s => s with { Signal = RelapseRiskSignal.TCellDepletedGraft }).ToList()
            : [];
        var graft = Strongest(inWindow.Where(s => s.Signal is RelapseRiskSignal.TCellDepletedGraft or RelapseRiskSignal.UnmanipulatedGraft).Concat(countedInVivo));
        var stated = Strongest(inWindow.Where(s => s.Signal is RelapseRiskSignal.ReducedIntensityConditioning or RelapseRiskSignal.MyeloablativeConditioning));

        // Doses and a stated intensity that agree support each other; that disagree are a conflict, whatever their rank.
        var conditioning = derived is null ? stated : [derived, .. stated];
        var depleted = graft.Where(s => s.Signal == RelapseRiskSignal.TCellDepletedGraft).ToList();
        var replete = graft.Where(s => s.Signal == RelapseRiskSignal.UnmanipulatedGraft).ToList();
        var reduced = conditioning.Where(s => s.Signal == RelapseRiskSignal.ReducedIntensityConditioning).ToList();
        var myeloablative = conditioning.Where(s => s.Signal == RelapseRiskSignal.MyeloablativeConditioning).ToList();
        var graftConflict = depleted.Count > 0 && replete.Count > 0;
        var conditioningConflict = reduced.Count > 0 && myeloablative.Count > 0;

        var highRisk = (graftConflict ? [] : depleted).Concat(conditioningConflict ? [] : reduced).ToList();

        // A stated intensity is checked against the doses; when the dose records could not be read it cannot be.
        var doseGaps = facts.Gaps.Where(g => g.ResourceType is "MedicationAdministration" or "MedicationRequest" or "MedicationStatement").ToList();
        // Missing doses also lower a derived total, so a regimen derived as reduced from partial doses is not decided either.
        if (highRisk.Count > 0 && doseGaps.Count > 0 && highRisk.All(s => s.Signal == RelapseRiskSignal.ReducedIntensityConditioning))
        {
            return writer.Review(Id, "Reduced-intensity conditioning is stated, but the conditioning doses could not be read to check it", [.. highRisk.Select(s => s.Evidence)],
                CriterionWriter.Item(Id, $"Stated conditioning intensity not checked against the doses (data could not be read: {string.Join("; ", doseGaps.Select(g => g.What).Distinct())})", highRisk.Select(s => s.Evidence)));
        }

        if (highRisk.Count > 0)
        {
            var what = string.Join(" and ", highRisk.Select(s => s.Signal).Distinct().Select(s =>
                s == RelapseRiskSignal.TCellDepletedGraft ? "T-cell depleted graft"
                : derived is not null && highRisk.Contains(derived) ? derived.Evidence.Value
                : "non-myeloablative / reduced-intensity conditioning"));
            return writer.Result(Id, CriterionStatus.Met, $"High-risk setting: {what}", [.. highRisk.Select(s => s.Evidence), .. DoseEvidence(doses, highRisk, derived)]);
        }

        var reviews = new List<ReviewItem>();
        if (graftConflict)
        {
            reviews.Add(CriterionWriter.Item(Id, "Conflicting records on graft processing", graft.Select(s => s.Evidence)));
        }

        if (conditioningConflict)
        {
            reviews.Add(CriterionWriter.Item(Id, "Conflicting records on conditioning intensity", conditioning.Select(s => s.Evidence)));
        }

        if (doses is { FromOrders: true } && derived?.Signal == RelapseRiskSignal.MyeloablativeConditioning)
        {
            reviews.Add(CriterionWriter.Item(Id, $"Conditioning doses only from orders or statements, not administrations: {derived.Evidence.Value}", [derived.Evidence]));
        }

        var notMet = replete.Concat(myeloablative).ToList();
        if (!graftConflict && !conditioningConflict && replete.Count > 0 && myeloablative.Count > 0 && doses is not { FromOrders: true })
        {
            var textOnly = notMet.Where(s => s.Evidence.IsTextOnly).ToList();
            if (textOnly.Count == 0)
            {
                var detail = derived is not null && myeloablative.Contains(derived) ? derived.Evidence.Value : null;
                return writer.Result(Id, CriterionStatus.NotMet, writer.Summary(Id, CriterionStatus.NotMet, detail), [.. notMet.Select(s => s.Evidence), .. inVivo.Select(s => s.Evidence), .. DoseEvidence(doses, notMet, derived)]);
            }

            reviews.Add(CriterionWriter.Item(Id, "Stated only in text", textOnly.Select(s => s.Evidence), "confirm the conditioning regimen and graft processing from the transplant record"));
        }

        if (unplaced.Count > 0)
        {
            reviews.Add(CriterionWriter.Item(Id, undatedTransplant ? "Transplant date unknown, so these cannot be tied to it" : "Dated so that it cannot be placed in the transplant's window", unplaced.Select(s => s.Evidence)));
        }

        var evidence = inWindow.Concat(unplaced).Concat(derived is null ? [] : [derived]).Select(s => s.Evidence).Concat(doses?.Evidence ?? []).Distinct().ToList();
        if (reviews.Count > 0 && (graftConflict || conditioningConflict || notMet.Count > 0 || unplaced.Any(u => u.Signal != RelapseRiskSignal.InVivoTCellDepletion)))
        {
            return writer.Review(Id, "Graft processing or conditioning intensity needs review", evidence, [.. reviews]);
        }

        var summary = (replete.Count > 0, myeloablative.Count > 0) switch
        {
            (true, false) => "Graft not T-cell depleted; conditioning intensity not on record",
            (false, true) => "Myeloablative conditioning; graft processing (T-cell depletion) not on record",
            _ => "Neither graft processing nor conditioning intensity on record",
        };
        if (doses is { Classification.Intensity: ConditioningIntensity.Unknown } unknown)
        {
            summary = summary.Replace("conditioning intensity not on record", "conditioning intensity not decided by the doses on record", StringComparison.Ordinal)
                + $"; conditioning doses: {unknown.Classification.Statement}";
        }

        if (inVivo.Count > 0 && !conditioningTerms.Document.CountInVivoDepletionAsTCellDepleted)
        {
            summary += "; in vivo T-cell depletion (ATG/alemtuzumab) is recorded, which does not make the graft T-cell depleted";
        }

        return writer.Result(Id, CriterionStatus.Unknown, summary, evidence);
    }

    // The doses' intensity as one structured signal, cited from the first conditioning record, worded as a clinician
    // reads it ("Flu 150 mg/m² + Mel 140 mg/m²: reduced intensity per Bacigalupo 2009 (Flu/Mel)").
    private static RelapseRiskFact? Derived(ConditioningAssessment? doses)
    {
        if (doses is null || doses.Classification.Intensity == ConditioningIntensity.Unknown || doses.Evidence.Count == 0)
        {
            return null;
        }

        var first = doses.Evidence[0];
        var evidence = first with { System = null, Code = null, Display = null, Value = doses.Classification.Statement, Source = SourceKind.StructuredValue };
        var signal = doses.Classification.Intensity == ConditioningIntensity.Myeloablative
            ? RelapseRiskSignal.MyeloablativeConditioning
            : RelapseRiskSignal.ReducedIntensityConditioning;
        return new RelapseRiskFact(evidence, signal);
    }

    // The doses behind a decision that rests on them.
    private static IEnumerable<Evidence> DoseEvidence(ConditioningAssessment? doses, IReadOnlyCollection<RelapseRiskFact> deciding, RelapseRiskFact? derived) =>
        doses is not null && derived is not null && deciding.Contains(derived) ? doses.Evidence : [];

    // Precedence: a coded or structured record outranks words; words count only when nothing stronger says anything.
    // Among codes, an explicit depletion (CPT 38210, PCS qualifier U) outranks an implied "not depleted" (PCS G/X/Y:
    // the code a coder uses when no depletion is recorded).
    private static List<RelapseRiskFact> Strongest(IEnumerable<RelapseRiskFact> signals)
    {
        var list = signals.ToList();
        var strong = list.Where(s => !s.Evidence.IsTextOnly).ToList();
        var explicitDepletion = strong.Where(s => s.Signal == RelapseRiskSignal.TCellDepletedGraft).ToList();
        return explicitDepletion.Count > 0 ? explicitDepletion : strong.Count > 0 ? strong : list;
    }
}
