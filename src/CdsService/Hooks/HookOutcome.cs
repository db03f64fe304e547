using Cds.Service.Contract;
namespace Cds.Service.Hooks;

/// <summary>
/// How one hook call ended. Every stage of the flow returns one of these or passes on; the endpoint maps it to HTTP in
/// one place (<see cref="HookResults.Map"/>) and hands it, with its <see cref="Trace"/>, to the ledger.
/// </summary>
internal abstract record HookOutcome
{
    private HookOutcome()
    {
    }

    /// <summary>What the call was and what was found on the way: the ledger's view of it.</summary>
    public HookTrace Trace { get; init; } = HookTrace.Empty;

    /// <summary>Cards and system actions for the policy's orders (200).</summary>
    public sealed record Answered(CdsResponse Response) : HookOutcome;

    /// <summary>No order the policy governs, or coverage information switched off: <c>{"cards":[]}</c> (200).</summary>
    public sealed record NothingToSay : HookOutcome;

    /// <summary>The request cannot be answered as sent (4xx with an OperationOutcome).</summary>
    public sealed record Rejected(int Status, string Code, string Diagnostics) : HookOutcome;

    /// <summary>
    /// The call could not be started within the hook's budget (every slot busy): 503 with <c>Retry-After</c>, fast,
    /// so the EHR can go on without waiting for an answer that would come too late.
    /// </summary>
    public sealed record Overloaded(TimeSpan RetryAfter, string Diagnostics) : HookOutcome;
}
