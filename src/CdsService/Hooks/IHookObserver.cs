using System.Security.Claims;

namespace Cds.Service.Hooks;

/// <summary>
/// Watches hook calls end (the coverage assertion ledger): it is given each outcome and the bytes sent, and changes
/// neither. Defined here so that the hook flow does not depend on the ledger.
/// </summary>
internal interface IHookObserver
{
    Task ObserveAsync(ObservedHookCall call, CancellationToken cancellationToken);

    /// <summary>A call that ended in an unexpected error (answered 500 by the exception handler).</summary>
    Task ObserveFailureAsync(ObservedHookCall call, Exception exception);
}

/// <summary>One finished hook call: who called which service when, how it ended, and the answer as sent.</summary>
internal sealed record ObservedHookCall(string ServiceId, ClaimsPrincipal Caller, DateTimeOffset ReceivedAt, HookOutcome Outcome, HookAnswer? Answer);
