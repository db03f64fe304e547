using Cds.FhirMapping.Evaluation.Criteria;
using Cds.FhirMapping.Evaluation.Decision;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation.Generic;

/// <summary>
/// <c>coded-record</c>: met on a confirmed record (a Condition, Procedure or Observation coded in the leaf's value set).
/// A record that is only tentative (provisional, in progress, preliminary) or no longer current (resolved, inactive) is
/// for review; no record at all is missing data, or not met where the file says an absent record means so.
/// </summary>
internal sealed class CodedRecordCriterion(CriterionWriter writer, bool absentIsNotMet) : ICriterionEvaluator
{
    public (CriterionResult Result, object? Product) Evaluate(CriterionContext context, ClinicalFacts facts)
    {
        var id = context.Id;
        var found = facts.Findings.Where(f => f.Criterion == id).Select(f => f.Evidence).ToList();
        var confirmed = found.Where(e => e.Certainty == Certainty.Confirmed).ToList();
        if (confirmed.Count > 0)
        {
            return (writer.Result(id, CriterionStatus.Met, writer.Summary(id, CriterionStatus.Met), confirmed), null);
        }

        var uncertain = found.Where(e => e.Certainty is Certainty.Tentative or Certainty.Historical).ToList();
        if (uncertain.Count > 0)
        {
            var reason = uncertain.All(e => e.Certainty == Certainty.Historical) ? "Recorded as no longer current" : "Tentative record";
            return (writer.Review(id, $"{reason}: not a confirmed record", uncertain, CriterionWriter.Item(id, reason, uncertain)), null);
        }

        return absentIsNotMet
            ? (writer.Result(id, CriterionStatus.NotMet, writer.Summary(id, CriterionStatus.NotMet), []), null)
            : (writer.Result(id, CriterionStatus.Unknown, "No record on file", []), null);
    }

    public IEnumerable<Evidence> Answers(ClinicalFacts facts) => [];
}
