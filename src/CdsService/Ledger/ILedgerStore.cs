namespace Cds.Service.Ledger;

/// <summary>
/// Where the ledger lives: a SQLite file on one machine, PostgreSQL for several instances. Every write is idempotent
/// (a record written twice, e.g. retried after a lost acknowledgement, is kept once).
/// </summary>
internal interface ILedgerStore
{
    /// <summary>"sqlite" or "postgresql".</summary>
    string Kind { get; }

    /// <summary>Creates the schema or brings it to the current version. Safe to run from several instances at once.</summary>
    Task<int> MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Writes hook call records, each with its decisions and cards, in one transaction.</summary>
    Task AppendAsync(IReadOnlyList<HookCallRecord> records, CancellationToken cancellationToken);

    /// <summary>Keeps feedback items (linked to calls and orders through their card uuids).</summary>
    Task AddFeedbackAsync(IReadOnlyList<FeedbackRecord> feedback, CancellationToken cancellationToken);

    /// <summary>The assertion with that id, its call and the feedback on the call's cards; null when unknown.</summary>
    Task<LedgerAssertion?> FindAssertionAsync(string assertionId, CancellationToken cancellationToken);

    /// <summary>The assertions issued for a patient in [from, to), newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AssertionSummary>> SearchAsync(string patientId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records JWT ids until they expire, in one statement per chunk (atomic, so two instances racing for one id cannot
    /// both record it): for each id, true when it was recorded now, false when the same issuer used it before and it has
    /// not expired (also for the second of two equal ids in <paramref name="ids"/>).
    /// </summary>
    Task<IReadOnlyList<bool>> TryRecordJwtIdsAsync(IReadOnlyList<JwtIdClaim> ids, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Removes hook calls (with their assertions and cards) and feedback received before <paramref name="cutoff"/>, and JWT ids expired at <paramref name="now"/>.</summary>
    Task<LedgerPurgeResult> PurgeAsync(DateTimeOffset cutoff, DateTimeOffset now, CancellationToken cancellationToken);

    Task<LedgerCounts> CountAsync(CancellationToken cancellationToken);

    /// <summary>Throws when the store cannot be reached.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}

/// <summary>A CDS client's JWT id (bounded in length) and when its token expires.</summary>
internal sealed record JwtIdClaim(string Issuer, string Jti, DateTimeOffset Expires);
