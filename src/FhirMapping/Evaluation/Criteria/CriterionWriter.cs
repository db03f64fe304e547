using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation.Criteria;

/// <summary>Writes criterion results with the policy file's labels and texts, so every criterion speaks alike.</summary>
internal sealed class CriterionWriter(PolicyDefinition policy)
{
    public CriterionResult Result(string id, CriterionStatus status, string summary, IReadOnlyList<Evidence> evidence)
    {
        var criterion = policy.Criterion(id);
        var missing = status == CriterionStatus.Unknown && criterion.Missing is { } m ? new MissingItem(id, m.What, m.How) : null;
        return new CriterionResult(id, criterion.Label, status, summary, evidence, missing);
    }

    /// <summary>An unknown criterion that a reviewer must look at (no missing data to ask for: the data is there).</summary>
    public CriterionResult Review(string id, string summary, IReadOnlyList<Evidence> evidence, params IEnumerable<ReviewItem> items)
    {
        var criterion = policy.Criterion(id);
        return new CriterionResult(id, criterion.Label, CriterionStatus.Unknown, summary, evidence, null)
        {
            Review = [.. items.Select(i => i with { Criterion = id })],
        };
    }

    /// <summary>A review item for <paramref name="id"/>.</summary>
    public static ReviewItem Item(string id, string reason, IEnumerable<Evidence> evidence, string? note = null) => new(id, reason, [.. evidence], note);

    public string Summary(string id, CriterionStatus status, string? detail = null)
    {
        var criterion = policy.Criterion(id);
        var text = status == CriterionStatus.Met ? criterion.Met : criterion.NotMet;
        return detail is null ? text : $"{text} ({detail})";
    }

    public string Label(string id) => policy.Criterion(id).Label;

    /// <summary>"Condition/abc C92.02 15 Sep 2026 'in relapse'" for review texts (references, never patient narrative).</summary>
    public static string Cited(Evidence e) =>
        string.Join(" ", new[] { e.Reference, e.Code, e.When?.ToString(), e.Value }.Where(s => !string.IsNullOrEmpty(s)));

    public static string Cited(IEnumerable<Evidence> evidence) => string.Join("; ", evidence.Select(Cited));
}
