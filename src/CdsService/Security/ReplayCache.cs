namespace Cds.Service.Security;

/// <summary>
/// Remembers each JWT <c>jti</c> until the token expires, so a token is accepted once. Implemented by the ledger's store
/// (<c>LedgerReplayCache</c>), so every instance sharing the store sees every token.
/// </summary>
internal interface IReplayCache
{
    /// <summary>Records <paramref name="jti"/> of <paramref name="issuer"/>: new, a replay, or not checkable now (the store is down).</summary>
    ValueTask<ReplayVerdict> TryRecordAsync(string issuer, string jti, DateTimeOffset expires, CancellationToken cancellationToken);
}

/// <summary>What the replay check found.</summary>
internal enum ReplayVerdict
{
    /// <summary>First use of the token: accepted.</summary>
    New,

    /// <summary>Seen before and not expired: refused (401).</summary>
    Replay,

    /// <summary>The shared store could not be asked in time and no fallback is allowed: refused with a fast 503.</summary>
    Unavailable,
}

/// <summary>What the replay check does while the shared store is down (<c>Cds:Security:ReplayCheckWhenStoreDown</c>).</summary>
internal enum ReplayFallback
{
    /// <summary>Refuse the call with 503 and Retry-After (the secure default: a replay cannot be ruled out).</summary>
    Refuse,

    /// <summary>
    /// Check against this instance's memory only. A token replayed to another instance during the outage is accepted:
    /// an explicit opt-in for a single instance, or where availability matters more than cross-instance replay.
    /// </summary>
    LocalCache,
}
