using System.Data;
using Microsoft.Data.Sqlite;

namespace Cds.Service.Ledger;

/// <summary>
/// The SQLite replay record of JWT ids on its own kept-open connection, with one prepared single-row statement: a batch
/// binds each id to it and runs it (one id: one atomic statement; several: one transaction, all or none). The SQL is
/// parsed once per connection instead of once per batch, and no SQL text or parameter name is built per call (issue 14:
/// the signed call's cost beyond the signature). The verdict is still the database's: the unique key and the
/// <c>ON CONFLICT … WHERE expires_at &lt; @now</c> take an id over only once it expired, <c>RETURNING</c> says whether
/// this statement recorded it. Used under the store's write gate only (one thread at a time).
/// </summary>
internal sealed class SqliteJwtIdWriter(SqliteConnection connection, Func<DateTimeOffset, (object Value, DbType Type)> time) : IAsyncDisposable
{
    private const string Sql = """
        INSERT INTO jwt_replay (issuer, jti, expires_at) VALUES (@issuer, @jti, @expires)
        ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE jwt_replay.expires_at < @now
        RETURNING 1
        """;

    private SqliteCommand? _insert;

    /// <summary>Records each id of <paramref name="ids"/>; <paramref name="recorded"/>[i] is true when ids[i] is new now.</summary>
    public void Record(IReadOnlyList<JwtIdClaim> ids, DateTimeOffset now, bool[] recorded)
    {
        var insert = Insert();
        var (nowValue, timeType) = time(now);
        insert.Parameters[3].DbType = timeType;
        insert.Parameters[3].Value = nowValue;
        if (ids.Count == 1)
        {
            insert.Transaction = null;
            recorded[0] = Run(insert, ids[0]);
            return;
        }

        // The first of two equal ids in one batch is the one recorded; the others are replays of it.
        var seen = new HashSet<(string, string)>(ids.Count);
        using var transaction = connection.BeginTransaction();
        insert.Transaction = transaction;
        for (var i = 0; i < ids.Count; i++)
        {
            recorded[i] = seen.Add((ids[i].Issuer, ids[i].Jti)) && Run(insert, ids[i]);
        }

        transaction.Commit();
        insert.Transaction = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_insert is not null)
        {
            await _insert.DisposeAsync();
            _insert = null;
        }

        await connection.DisposeAsync();
    }

    // A row back: this statement inserted the id, or took over an expired one; none: seen before and not expired.
    private bool Run(SqliteCommand insert, JwtIdClaim id)
    {
        var (expires, timeType) = time(id.Expires);
        insert.Parameters[0].Value = id.Issuer;
        insert.Parameters[1].Value = id.Jti;
        insert.Parameters[2].DbType = timeType;
        insert.Parameters[2].Value = expires;
        return insert.ExecuteScalar() is not null;
    }

    // Made and prepared on first use: @issuer, @jti, @expires, @now.
    private SqliteCommand Insert()
    {
        if (_insert is null)
        {
            var insert = connection.CreateCommand();
            insert.CommandText = Sql;
            insert.Parameters.Add(new SqliteParameter { ParameterName = "@issuer", DbType = DbType.String });
            insert.Parameters.Add(new SqliteParameter { ParameterName = "@jti", DbType = DbType.String });
            insert.Parameters.Add(new SqliteParameter { ParameterName = "@expires" });
            insert.Parameters.Add(new SqliteParameter { ParameterName = "@now" });
            insert.Prepare();
            _insert = insert;
        }

        return _insert;
    }
}
