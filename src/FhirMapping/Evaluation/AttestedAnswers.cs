using Cds.FhirMapping.Evaluation.Criteria;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation;

/// <summary>
/// How a clinician's DTR answers (evidence of source <see cref="SourceKind.ClinicianAttested"/>) take part in a
/// criterion, in one place: each criterion is decided on the chart alone first. An answer fills a criterion the chart
/// leaves unknown for lack of data (the criterion is then decided on chart and answers together); it never overrides
/// a criterion the chart decides — an answer that disagrees with it is a conflict for review — and it never settles a
/// criterion the chart already sends for review.
/// </summary>
internal static class AttestedAnswers
{
    /// <summary>The chart's facts without the answers, and the answers alone.</summary>
    public static (ClinicalFacts Chart, ClinicalFacts Answers) Split(ClinicalFacts facts)
    {
        if (!Any(facts))
        {
            return (facts, new ClinicalFacts());
        }

        var chart = facts with
        {
            Malignancies = [.. facts.Malignancies.Where(m => !IsAnswer(m.Evidence))],
            DiseaseStatus = [.. facts.DiseaseStatus.Where(s => !IsAnswer(s.Evidence))],
            Transplants = [.. facts.Transplants.Where(t => !IsAnswer(t.Evidence))],
            AllogeneicSignals = [.. facts.AllogeneicSignals.Where(e => !IsAnswer(e))],
            RelapseRisk = [.. facts.RelapseRisk.Where(r => !IsAnswer(r.Evidence))],
            Chimerism = [.. facts.Chimerism.Where(c => !IsAnswer(c.Evidence))],
            NonMalignantIndications = [.. facts.NonMalignantIndications.Where(e => !IsAnswer(e))],
            Notes = [.. facts.Notes.Where(n => !IsAnswer(n.Evidence))],
        };
        var answers = new ClinicalFacts
        {
            // The chart's diagnoses are the context of a status answer (which disease it is about), not an answer.
            Malignancies = [.. facts.Malignancies],
            DiseaseStatus = [.. facts.DiseaseStatus.Where(s => IsAnswer(s.Evidence))],
            Transplants = [.. facts.Transplants.Where(t => IsAnswer(t.Evidence))],
            RelapseRisk = [.. facts.RelapseRisk.Where(r => IsAnswer(r.Evidence))],
            Chimerism = [.. facts.Chimerism.Where(c => IsAnswer(c.Evidence))],
            Notes = [.. facts.Notes.Where(n => IsAnswer(n.Evidence))],
        };
        return (chart, answers);
    }

    /// <summary>The answers about the transplant (HCT, and the indication it carries for III).</summary>
    public static IEnumerable<Evidence> AboutTransplant(ClinicalFacts f) => f.Transplants.Select(t => t.Evidence);

    public static IEnumerable<Evidence> AboutDiseaseStatus(ClinicalFacts f) => f.DiseaseStatus.Select(s => s.Evidence).Concat(f.Malignancies.Select(m => m.Evidence));

    public static IEnumerable<Evidence> AboutRelapseRisk(ClinicalFacts f) => f.RelapseRisk.Select(r => r.Evidence);

    public static IEnumerable<Evidence> AboutChimerism(ClinicalFacts f) => f.Chimerism.Select(c => c.Evidence);

    public static IEnumerable<Evidence> AboutIndication(ClinicalFacts f) => f.Malignancies.Select(m => m.Evidence).Concat(f.Transplants.Select(t => t.Evidence));

    /// <summary>
    /// Decides one criterion with the answers: <paramref name="evaluate"/> is the criterion, <paramref name="about"/>
    /// the facts it reads (to find the answers that concern it). Returns the criterion's result and its by-product
    /// (the transplant time for HCT).
    /// </summary>
    public static (CriterionResult Result, T Extra) Decide<T>(
        CriterionWriter writer,
        string id,
        Func<ClinicalFacts, (CriterionResult Result, T Extra)> evaluate,
        Func<ClinicalFacts, IEnumerable<Evidence>> about,
        ClinicalFacts chart,
        ClinicalFacts answers,
        ClinicalFacts all)
    {
        // No answers at all (Split gave the facts back as the chart): nothing to fill or to contradict.
        if (ReferenceEquals(chart, all))
        {
            return evaluate(chart);
        }

        var fromChart = evaluate(chart);
        var answered = about(answers).Where(IsAnswer).Distinct().ToList();
        if (answered.Count == 0 || fromChart.Result.Review.Count > 0)
        {
            return fromChart;
        }

        var together = evaluate(all);
        if (fromChart.Result.Status == CriterionStatus.Unknown)
        {
            return together;
        }

        var alone = evaluate(answers).Result.Status;
        var contradicts = (alone != CriterionStatus.Unknown && alone != fromChart.Result.Status) || together.Result.Status != fromChart.Result.Status;
        if (!contradicts)
        {
            return fromChart;
        }

        List<Evidence> evidence = [.. fromChart.Result.Evidence, .. answered];
        var review = writer.Review(id, $"{fromChart.Result.Summary}, but a clinician's questionnaire answer says otherwise", evidence,
            CriterionWriter.Item(id, "Conflicting records: a questionnaire answer contradicts the chart", evidence, "the coded record stands until it is corrected; confirm which is right"));
        return (review, fromChart.Extra);
    }

    private static bool Any(ClinicalFacts f) =>
        f.Malignancies.Any(m => IsAnswer(m.Evidence)) || f.DiseaseStatus.Any(s => IsAnswer(s.Evidence)) || f.Transplants.Any(t => IsAnswer(t.Evidence))
        || f.RelapseRisk.Any(r => IsAnswer(r.Evidence)) || f.Chimerism.Any(c => IsAnswer(c.Evidence)) || f.Notes.Any(n => IsAnswer(n.Evidence));

    private static bool IsAnswer(Evidence e) => e.Source == SourceKind.ClinicianAttested;
}
