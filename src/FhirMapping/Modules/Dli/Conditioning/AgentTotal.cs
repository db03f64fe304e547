using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation.Conditioning;

/// <summary>
/// One agent of a regimen: its total dose in the agent's unit (null: not known, see <see cref="WhyUnknown"/>), the
/// route when every dose names the same one, the fractions (radiation), the days it was given on, and the records.
/// </summary>
public sealed record AgentTotal(
    string Agent,
    string Abbreviation,
    string Unit,
    decimal? Total,
    string? Route,
    int? Fractions,
    int Days,
    IReadOnlyList<Evidence> Evidence,
    string? WhyUnknown = null);
