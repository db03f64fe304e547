using Cds.FhirMapping.Facts;
using Cds.Service.Prefetch;

namespace Cds.Service.Hooks;

/// <summary>Which of the patient's Coverages the coverage information names (our reading of CRD §hook-13).</summary>
internal abstract record CoverageChoice
{
    private CoverageChoice()
    {
    }

    /// <summary>Exactly one active Coverage.</summary>
    public sealed record Selected(string Reference) : CoverageChoice;

    /// <summary>The Coverage could not be read (a technical failure): say so on a card.</summary>
    public sealed record Unavailable(string Reason) : CoverageChoice;

    /// <summary>No active Coverage was provided or found.</summary>
    public sealed record None : CoverageChoice;

    /// <summary>Several active Coverages.</summary>
    public sealed record Several(int Count) : CoverageChoice;
}

/// <summary>Chooses the Coverage: exactly one active, else none, several, or unavailable when it could not be read.</summary>
internal static class CoverageSelection
{
    public const string CoverageKey = "coverage";

    public static CoverageChoice Select(ClinicalFacts facts, IReadOnlyList<DataFailure> failures)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(failures);
        return facts.ActiveCoverages.Count switch
        {
            1 => new CoverageChoice.Selected($"Coverage/{facts.ActiveCoverages[0].Id}"),
            0 when failures.FirstOrDefault(f => f.Key == CoverageKey) is { } failure => new CoverageChoice.Unavailable(failure.Reason),
            0 => new CoverageChoice.None(),
            var count => new CoverageChoice.Several(count),
        };
    }
}
