using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation.Criteria;

/// <summary>
/// I.B: a high risk of relapse (a T-cell depleted graft, or non-myeloablative / reduced-intensity conditioning), from
/// the records of the latest allogeneic HCT (the policy file's window around it). A coded graft outranks words about
/// it; records of the same rank that disagree are a conflict. "Not met" needs an unmanipulated graft and myeloablative
/// conditioning, and is only decided on coded or structured evidence: stated only in words, it is for review. In vivo
/// T-cell depletion (ATG, alemtuzumab) is shown, and does not make the graft T-cell depleted.
/// </summary>
internal sealed class RelapseRiskCriterion(CriterionWriter writer, ThresholdsDocument thresholds)
{
    private const string Id = CriterionIds.HighRelapseRisk;

    public CriterionResult Evaluate(ClinicalFacts facts, EffectiveTime? transplant)
    {
        var inWindow = new List<RelapseRiskFact>();
        var unplaced = new List<RelapseRiskFact>();
        foreach (var signal in facts.RelapseRisk.Where(r => r.Evidence.Certainty == Certainty.Confirmed))
        {
            if (transplant is null || signal.Evidence.When is not { } when)
            {
                inWindow.Add(signal);
                continue;
            }

            var from = transplant.First.AddDays(-thresholds.ConditioningWindowDaysBeforeHct);
            var to = transplant.Last.AddDays(thresholds.GraftWindowDaysAfterHct);
            if (when.Within(from, to))
            {
                inWindow.Add(signal);
            }
            else if (!when.Outside(from, to))
            {
                unplaced.Add(signal);
            }
        }

        var inVivo = inWindow.Where(s => s.Signal == RelapseRiskSignal.InVivoTCellDepletion).ToList();
        var graft = Strongest(inWindow.Where(s => s.Signal is RelapseRiskSignal.TCellDepletedGraft or RelapseRiskSignal.UnmanipulatedGraft));
        var conditioning = Strongest(inWindow.Where(s => s.Signal is RelapseRiskSignal.ReducedIntensityConditioning or RelapseRiskSignal.MyeloablativeConditioning));
        var depleted = graft.Where(s => s.Signal == RelapseRiskSignal.TCellDepletedGraft).ToList();
        var replete = graft.Where(s => s.Signal == RelapseRiskSignal.UnmanipulatedGraft).ToList();
        var reduced = conditioning.Where(s => s.Signal == RelapseRiskSignal.ReducedIntensityConditioning).ToList();
        var myeloablative = conditioning.Where(s => s.Signal == RelapseRiskSignal.MyeloablativeConditioning).ToList();
        var graftConflict = depleted.Count > 0 && replete.Count > 0;
        var conditioningConflict = reduced.Count > 0 && myeloablative.Count > 0;

        var highRisk = (graftConflict ? [] : depleted).Concat(conditioningConflict ? [] : reduced).ToList();
        if (highRisk.Count > 0)
        {
            var what = string.Join(" and ", highRisk.Select(s => s.Signal).Distinct().Select(s => s == RelapseRiskSignal.TCellDepletedGraft ? "T-cell depleted graft" : "non-myeloablative / reduced-intensity conditioning"));
            return writer.Result(Id, CriterionStatus.Met, $"High-risk setting: {what}", [.. highRisk.Select(s => s.Evidence)]);
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

        var notMet = replete.Concat(myeloablative).ToList();
        if (!graftConflict && !conditioningConflict && replete.Count > 0 && myeloablative.Count > 0)
        {
            var textOnly = notMet.Where(s => s.Evidence.IsTextOnly).ToList();
            if (textOnly.Count == 0)
            {
                return writer.Result(Id, CriterionStatus.NotMet, writer.Summary(Id, CriterionStatus.NotMet), [.. notMet.Select(s => s.Evidence), .. inVivo.Select(s => s.Evidence)]);
            }

            reviews.Add(CriterionWriter.Item(Id, "Stated only in text", textOnly.Select(s => s.Evidence), "confirm the conditioning regimen and graft processing from the transplant record"));
        }

        if (unplaced.Count > 0)
        {
            reviews.Add(CriterionWriter.Item(Id, "Dated so that it cannot be placed in the transplant's window", unplaced.Select(s => s.Evidence)));
        }

        var evidence = inWindow.Concat(unplaced).Select(s => s.Evidence).ToList();
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
        if (inVivo.Count > 0)
        {
            summary += "; in vivo T-cell depletion (ATG/alemtuzumab) is recorded, which does not make the graft T-cell depleted";
        }

        return writer.Result(Id, CriterionStatus.Unknown, summary, evidence);
    }

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
