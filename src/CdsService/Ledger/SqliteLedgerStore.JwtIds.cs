namespace Cds.Service.Ledger;

/// <summary>The JWT replay record of the SQLite ledger: a prepared statement on the writer's own connection (<see cref="SqliteWriterConnection.RecordJwtIds"/>).</summary>
internal sealed partial class SqliteLedgerStore
{
    public override async Task<IReadOnlyList<bool>> TryRecordJwtIdsAsync(IReadOnlyList<JwtIdClaim> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var recorded = new bool[ids.Count];
        if (ids.Count == 0)
        {
            return recorded;
        }

        using var gate = await EnterWriteAsync(cancellationToken);
        await WithWriterAsync(writer => writer.RecordJwtIds(ids, now, recorded), cancellationToken);
        return recorded;
    }
}
