using Cds.FhirMapping.Evaluation.Criteria;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation;

/// <summary>
/// Something a reviewer must check before the criterion can be decided: conflicting records, a fact stated only in a
/// note, a tentative record, a date that cannot be placed, or data that could not be read. A criterion with a review
/// item is unknown, and the answer is conditional.
/// </summary>
/// <param name="Criterion">The criterion label (I.A …).</param>
/// <param name="Reason">Why, in a few words ("Conflicting records", "Stated only in text").</param>
/// <param name="Evidence">The records concerned (cards name them in words, the ledger by reference).</param>
/// <param name="Note">What to check, when there is more to say.</param>
public sealed record ReviewItem(string Criterion, string Reason, IReadOnlyList<Evidence> Evidence, string? Note = null)
{
    /// <summary>The item in one line with the records by reference: "Conflicting records: Condition/a C92.02 …; note".</summary>
    public string What =>
        $"{Reason}{(Evidence.Count > 0 ? $": {CriterionWriter.Cited(Evidence)}" : string.Empty)}{(Note is null ? string.Empty : $"; {Note}")}";
}
