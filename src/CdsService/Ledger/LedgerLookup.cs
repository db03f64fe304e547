namespace Cds.Service.Ledger;

/// <summary>
/// Read-your-writes for the payer's look-ups: an assertion is looked for among the records this instance accepted and
/// has not committed yet (waiting up to <see cref="WaitForCommit"/> for the commit), then in the store. So the GET of an
/// assertion id right after the answer finds it even when its record was answered before it was written (a slow store).
/// A record the writer had to spool (the store refused it) is found once the spool is replayed into the store.
/// </summary>
internal sealed class LedgerLookup(ILedgerStore store, LedgerWriter writer)
{
    /// <summary>How long a look-up waits for the commit of a record accepted but not written yet.</summary>
    public static readonly TimeSpan WaitForCommit = TimeSpan.FromSeconds(2);

    public async Task<LedgerAssertion?> FindAssertionAsync(string assertionId, CancellationToken cancellationToken)
    {
        if (await writer.NotYetWrittenAsync(assertionId, WaitForCommit, cancellationToken) is { } accepted
            && accepted.Decisions.FirstOrDefault(d => d.AssertionId == assertionId) is { } decision)
        {
            // Not in the store yet: the record as accepted (no feedback can be linked before its cards are stored).
            return new LedgerAssertion(decision, accepted, []);
        }

        return await store.FindAssertionAsync(assertionId, cancellationToken);
    }
}
