using Microsoft.Data.Sqlite;

namespace Cds.Service.Ledger;

/// <summary>The JWT replay record of the SQLite ledger: a prepared statement on a kept-open connection (<see cref="SqliteJwtIdWriter"/>).</summary>
internal sealed partial class SqliteLedgerStore
{
    // Opened on the first signed call; used and replaced under the write gate.
    private SqliteJwtIdWriter? _jwtIds;

    // A failed write closes the connection: the next batch starts from a fresh one (and a freshly prepared statement).
    public override async Task<IReadOnlyList<bool>> TryRecordJwtIdsAsync(IReadOnlyList<JwtIdClaim> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var recorded = new bool[ids.Count];
        if (ids.Count == 0)
        {
            return recorded;
        }

        using var gate = await EnterWriteAsync(cancellationToken);
        var writer = _jwtIds ??= new SqliteJwtIdWriter((SqliteConnection)await OpenAsync(cancellationToken), Time);
        try
        {
            writer.Record(ids, now, recorded);
        }
        catch
        {
            _jwtIds = null;
            await writer.DisposeAsync();
            throw;
        }

        return recorded;
    }

    // Called under the write gate when the store is disposed.
    private async ValueTask CloseJwtIdWriterAsync()
    {
        if (_jwtIds is { } writer)
        {
            _jwtIds = null;
            await writer.DisposeAsync();
        }
    }
}
