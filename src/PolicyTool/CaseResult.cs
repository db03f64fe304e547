namespace Cds.PolicyTool;

/// <summary>How one case came out: passed, failed (with what differs) or invalid (with the problem).</summary>
internal enum CaseVerdict
{
    Pass,
    Fail,
    Invalid,
}

/// <summary>One row of the <c>test</c> table.</summary>
internal sealed record CaseResult(string Case, CaseVerdict Verdict, string Expected, string Got, string Differs);
