namespace Cds.Service.Security;

/// <summary>
/// Remembers each JWT <c>jti</c> until the token expires, so a token is accepted once. Implemented by the ledger's store
/// (<c>LedgerReplayCache</c>), so every instance sharing the store sees every token.
/// </summary>
internal interface IReplayCache
{
    /// <summary>Records <paramref name="jti"/> of <paramref name="issuer"/>; false when it was seen before (a replay).</summary>
    ValueTask<bool> TryRecordAsync(string issuer, string jti, DateTimeOffset expires, CancellationToken cancellationToken);
}
