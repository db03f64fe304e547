using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Evaluation;

namespace Cds.PolicyTool;

/// <summary>The service would answer with an error instead of a decision (e.g. 400: another patient's Coverage).</summary>
internal sealed record Rejection(int Status, string Reason);

/// <summary>
/// What the service would answer for one input, as far as the policy goes: a rejection, or one decision per order the
/// policy governs; plus the orders it does not govern, the resources dropped as another patient's, the keys with
/// unreadable resources, and notes on what lies outside the tool's scope.
/// </summary>
internal sealed record ToolAnswer(
    DateOnly Today,
    Rejection? Rejected,
    IReadOnlyList<CoverageDecision> Decisions,
    IReadOnlyList<string> Ungoverned,
    IReadOnlyList<string> NotThisPatient,
    IReadOnlyList<RecordProblem> Unreadable,
    IReadOnlyList<string> Notes);
