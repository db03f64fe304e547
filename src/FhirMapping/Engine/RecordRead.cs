using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Engine;

/// <summary>
/// A patient's record as read for one decision: how many resources it held, its facts, the keys with unreadable
/// resources, and the resources dropped because they do not reference the patient ("Type/id", never content).
/// </summary>
public sealed record RecordRead(int Resources, ClinicalFacts Facts, IReadOnlyList<RecordProblem> Unreadable, IReadOnlyList<string> NotThisPatient)
{
    /// <summary>
    /// Another patient's Coverage ("Coverage/id") among the dropped resources: then the request itself is wrong (the
    /// service answers 400) and no decision is made.
    /// </summary>
    public string? ForeignCoverage => ForeignCoverageAmong(NotThisPatient);

    /// <summary>The first Coverage ("Coverage/id") among resources dropped as another patient's, if any.</summary>
    public static string? ForeignCoverageAmong(IEnumerable<string> notThisPatient) =>
        notThisPatient.FirstOrDefault(r => r == "Coverage" || r.StartsWith("Coverage/", StringComparison.Ordinal));
}
