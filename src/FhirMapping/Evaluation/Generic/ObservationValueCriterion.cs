using System.Globalization;
using Cds.FhirMapping.Evaluation.Criteria;
using Cds.FhirMapping.Evaluation.Decision;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation.Generic;

/// <summary>
/// <c>observation-value</c>: the latest Observation coded in the leaf's value set, its value against the threshold
/// (at least, or below). The latest records decide only when they are final, comparable (a plain value in the leaf's
/// unit) and agree; a preliminary result, a value with a comparator or in another unit, or latest results that disagree
/// are for review. No result at all is missing data, or not met where the file says an absent record means so.
/// </summary>
internal sealed class ObservationValueCriterion(CriterionWriter writer, decimal? atLeast, decimal? below, string unit, bool absentIsNotMet) : ICriterionEvaluator
{
    public (CriterionResult Result, object? Product) Evaluate(CriterionContext context, ClinicalFacts facts)
    {
        var id = context.Id;
        var results = facts.Findings.Where(f => f.Criterion == id && f.Evidence.Certainty is Certainty.Confirmed or Certainty.Tentative).ToList();
        if (results.Count == 0)
        {
            return absentIsNotMet
                ? (writer.Result(id, CriterionStatus.NotMet, writer.Summary(id, CriterionStatus.NotMet), []), null)
                : (writer.Result(id, CriterionStatus.Unknown, "No result on file", []), null);
        }

        var latest = Chronology.Latest(results, f => f.Evidence.When);
        var evidence = latest.Select(f => f.Evidence).ToList();
        if (latest.Any(f => f.Evidence.Certainty == Certainty.Tentative))
        {
            return (Review(id, "Tentative record", "The latest result is preliminary", evidence), null);
        }

        if (latest.Any(f => f.Quantity is null || f.Approximate || !string.Equals(f.Unit, unit, StringComparison.Ordinal)))
        {
            return (Review(id, "Value cannot be compared", $"The latest result has no plain value in {unit}", evidence, $"compare it with the threshold ({Threshold()})"), null);
        }

        var meets = latest.Select(f => Meets(f.Quantity!.Value)).Distinct().ToList();
        if (meets.Count > 1)
        {
            return (Review(id, "Conflicting records", "The latest results disagree", evidence), null);
        }

        var status = meets[0] ? CriterionStatus.Met : CriterionStatus.NotMet;
        return (writer.Result(id, status, writer.Summary(id, status, $"latest {string.Join(", ", latest.Select(Value))}"), evidence), null);
    }

    public IEnumerable<Evidence> Answers(ClinicalFacts facts) => [];

    private bool Meets(decimal value) => atLeast is { } low ? value >= low : value < below!.Value;

    private string Threshold() => atLeast is { } low ? $"at least {low.ToString(CultureInfo.InvariantCulture)} {unit}" : $"below {below!.Value.ToString(CultureInfo.InvariantCulture)} {unit}";

    private static string Value(Finding f) => $"{f.Quantity!.Value.ToString(CultureInfo.InvariantCulture)} {f.Unit}";

    private CriterionResult Review(string id, string reason, string summary, IReadOnlyList<Evidence> evidence, string? note = null) =>
        writer.Review(id, summary, evidence, CriterionWriter.Item(id, reason, evidence, note));
}
