using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation.Decision;

/// <summary>
/// The check of one leaf of the criteria tree. It is called with the chart's facts, and (see <see cref="AttestedAnswers"/>)
/// with a clinician's DTR answers when <see cref="Answers"/> finds some that concern it. It returns its result and what
/// later leaves may read (the transplant it found, for the DLI criteria that are read relative to it).
/// </summary>
internal interface ICriterionEvaluator
{
    (CriterionResult Result, object? Product) Evaluate(CriterionContext context, ClinicalFacts facts);

    /// <summary>The evidence this criterion reads, in which DTR answers are looked for; empty when answers play no part.</summary>
    IEnumerable<Evidence> Answers(ClinicalFacts facts);
}
