using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation.Criteria;

/// <summary>
/// The precondition of criterion I: a prior allogeneic HCT. Explicit records outrank implied ones: GVHD, a prior DLI or
/// a chimerism result imply an allogeneic graft only when no transplant record says otherwise; with only an autologous
/// HCT on record they are a conflict for review, not a "met".
/// </summary>
internal sealed class TransplantCriterion(CriterionWriter writer)
{
    private const string Id = CriterionIds.PriorAllogeneicHct;

    public (CriterionResult Result, EffectiveTime? When) Evaluate(ClinicalFacts facts, DateOnly today)
    {
        var received = facts.Transplants
            .Where(t => t.Evidence.Certainty is Certainty.Confirmed or Certainty.Historical)
            .Where(t => t.When is null || t.When.First <= today)
            .ToList();
        var allogeneic = received.Where(t => t.Donor == DonorType.Allogeneic).ToList();
        var unknownDonor = received.Where(t => t.Donor == DonorType.Unknown).ToList();
        var autologous = received.Where(t => t.Donor == DonorType.Autologous).ToList();

        // The transplant whose donor gives the lymphocytes is the latest allogeneic one; chimerism and conditioning are
        // read relative to it.
        if (allogeneic.Count > 0)
        {
            var latest = Chronology.Latest(allogeneic, t => t.When).Select(t => t.When).OfType<EffectiveTime>().MaxBy(w => w.Last);
            return (writer.Result(Id, CriterionStatus.Met, writer.Summary(Id, CriterionStatus.Met, latest is { } d ? $"latest {d}" : null), [.. allogeneic.Select(t => t.Evidence)]), latest);
        }

        var implied = facts.AllogeneicSignals.Where(e => e.Certainty is Certainty.Confirmed or Certainty.Historical)
            .Concat(facts.Chimerism.Where(c => c.Evidence.Certainty == Certainty.Confirmed).Select(c => c.Evidence))
            .ToList();
        var unknownWhen = unknownDonor.Select(t => t.When).OfType<EffectiveTime>().MaxBy(w => w.Last);
        if (implied.Count > 0 && autologous.Count > 0 && unknownDonor.Count == 0)
        {
            return (writer.Review(Id, "Only an autologous HCT is on record, but other records imply an allogeneic graft", [.. autologous.Select(t => t.Evidence), .. implied],
                CriterionWriter.Item(Id, "Conflicting records: autologous HCT on record, but other records imply an allogeneic graft", [.. autologous.Select(t => t.Evidence), .. implied], "confirm the transplant type and date")), null);
        }

        if (implied.Count > 0)
        {
            return (writer.Result(Id, CriterionStatus.Met, "Allogeneic graft implied by graft-versus-host disease, a prior DLI or chimerism testing", implied), unknownWhen);
        }

        if (unknownDonor.Count > 0)
        {
            return (writer.Result(Id, CriterionStatus.Unknown, "Transplant on record, but its donor type (allogeneic or autologous) is not stated", [.. unknownDonor.Select(t => t.Evidence)]), unknownWhen);
        }

        if (autologous.Count > 0)
        {
            var evidence = autologous.Select(t => t.Evidence).ToList();
            return evidence.All(e => e.IsTextOnly)
                ? (writer.Review(Id, "An autologous HCT is stated only in words", evidence, CriterionWriter.Item(Id, "Stated only in text", evidence, "confirm no allogeneic HCT was performed")), null)
                : (writer.Result(Id, CriterionStatus.NotMet, writer.Summary(Id, CriterionStatus.NotMet), evidence), null);
        }

        var planned = facts.Transplants.Where(t => t.Evidence.Certainty == Certainty.Tentative).Select(t => t.Evidence).ToList();
        return planned.Count > 0
            ? (writer.Review(Id, "Transplant recorded only tentatively", planned, CriterionWriter.Item(Id, "Tentative record", planned)), null)
            : (writer.Result(Id, CriterionStatus.Unknown, "No hematopoietic cell transplant on record", []), null);
    }
}
