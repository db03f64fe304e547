namespace Cds.FhirMapping.Evaluation;

/// <summary>
/// Something a reviewer must check before the criterion can be decided: conflicting records, a fact stated only in a
/// note, a tentative record, a date that cannot be placed, or data that could not be read. A criterion with a review
/// item is unknown, and the answer is conditional.
/// </summary>
public sealed record ReviewItem(string Criterion, string What);
