using Cds.Service.Ledger;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// A ledger store that hands every call to a real one (SQLite or PostgreSQL): the tests' stores that fail, gate or
/// count a call override only that call.
/// </summary>
internal abstract class ForwardingLedgerStore(ILedgerStore inner) : ILedgerStore, IAsyncDisposable
{
    /// <summary>The real store behind this one.</summary>
    public ILedgerStore Inner => inner;

    public string Kind => inner.Kind;

    public virtual Task<int> MigrateAsync(CancellationToken cancellationToken) => inner.MigrateAsync(cancellationToken);

    public virtual Task AppendAsync(IReadOnlyList<HookCallRecord> records, CancellationToken cancellationToken) => inner.AppendAsync(records, cancellationToken);

    public virtual Task AddFeedbackAsync(IReadOnlyList<FeedbackRecord> feedback, CancellationToken cancellationToken) => inner.AddFeedbackAsync(feedback, cancellationToken);

    public virtual Task<LedgerAssertion?> FindAssertionAsync(string assertionId, CancellationToken cancellationToken) => inner.FindAssertionAsync(assertionId, cancellationToken);

    public virtual Task<IReadOnlyList<AssertionSummary>> SearchAsync(string patientId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken) =>
        inner.SearchAsync(patientId, from, to, limit, cancellationToken);

    public virtual Task<IReadOnlyList<bool>> TryRecordJwtIdsAsync(IReadOnlyList<JwtIdClaim> ids, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.TryRecordJwtIdsAsync(ids, now, cancellationToken);

    public virtual Task<LedgerPurgeResult> PurgeAsync(DateTimeOffset cutoff, DateTimeOffset now, CancellationToken cancellationToken) => inner.PurgeAsync(cutoff, now, cancellationToken);

    public virtual Task<LedgerCounts> CountAsync(CancellationToken cancellationToken) => inner.CountAsync(cancellationToken);

    public virtual Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
