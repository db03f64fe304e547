using System.Data;
using Microsoft.Data.Sqlite;

namespace Cds.Service.Ledger;

/// <summary>
/// The SQLite ledger writer's own connection, kept open, with one prepared single-row insert per table: a batch is one
/// transaction in which each row binds its values to the prepared statement of its table and runs it. In-process SQLite
/// gains nothing from multi-row SQL (there is no round trip to save), while a statement text that changes with the batch
/// size is parsed again for every batch and a multi-row statement's hundreds of named parameters are each looked up by a
/// linear scan (issue 14's profile). Here the SQL is parsed once per connection, the parameter objects are made once,
/// and a statement has at most 20 parameters. The JWT replay record has its prepared statement here too
/// (<see cref="RecordJwtIds"/>). Used under the store's write gate only (one thread at a time).
/// </summary>
internal sealed class SqliteWriterConnection(SqliteConnection connection, Func<SqlLedgerStore.InsertTable, string> insertSql, Func<DateTimeOffset, (object Value, DbType Type)> time) : IAsyncDisposable, IDisposable
{
    // A new id is inserted, a known one taken over only once it expired; a row back says this statement recorded it.
    private const string JwtIdSql = """
        INSERT INTO jwt_replay (issuer, jti, expires_at) VALUES (@issuer, @jti, @expires)
        ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE jwt_replay.expires_at < @now
        RETURNING 1
        """;

    private readonly Dictionary<SqlLedgerStore.InsertTable, SqliteCommand> _inserts = [];
    private SqliteCommand? _jwtIdInsert;

    /// <summary>
    /// Writes every row in one transaction: all or none. Returns the pages this connection wrote to the WAL since it
    /// last said (this commit's, and those of a JWT id record before it): the WAL's growth as its writer sees it, without
    /// a checkpoint to ask (<see cref="SqliteCheckpointer"/>).
    /// </summary>
    public int Write(IReadOnlyList<SqlLedgerStore.TableRows> tables)
    {
        using var transaction = connection.BeginTransaction();
        foreach (var (table, rows) in tables)
        {
            if (rows.Count == 0)
            {
                continue;
            }

            var insert = Insert(table);
            insert.Transaction = transaction;
            var parameters = insert.Parameters;
            foreach (var row in rows)
            {
                for (var c = 0; c < row.Length; c++)
                {
                    var parameter = parameters[c];
                    parameter.DbType = row[c].Type;
                    parameter.Value = row[c].Value ?? DBNull.Value;
                }

                insert.ExecuteNonQuery();
            }
        }

        transaction.Commit();
        return WalPagesWritten();
    }

    /// <summary>
    /// Records each JWT id of <paramref name="ids"/>; <paramref name="recorded"/>[i] is true when ids[i] is new now (one id:
    /// one atomic statement; several: one transaction, all or none). The verdict is the database's: the unique key and
    /// the <c>ON CONFLICT … WHERE expires_at &lt; @now</c>.
    /// </summary>
    public void RecordJwtIds(IReadOnlyList<JwtIdClaim> ids, DateTimeOffset now, bool[] recorded)
    {
        var insert = JwtIdInsert();
        var (nowValue, timeType) = time(now);
        insert.Parameters[3].DbType = timeType;
        insert.Parameters[3].Value = nowValue;
        if (ids.Count == 1)
        {
            insert.Transaction = null;
            recorded[0] = RecordJwtId(insert, ids[0]);
            return;
        }

        // The first of two equal ids in one batch is the one recorded; the others are replays of it.
        var seen = new HashSet<(string, string)>(ids.Count);
        using var transaction = connection.BeginTransaction();
        insert.Transaction = transaction;
        for (var i = 0; i < ids.Count; i++)
        {
            recorded[i] = seen.Add((ids[i].Issuer, ids[i].Jti)) && RecordJwtId(insert, ids[i]);
        }

        transaction.Commit();
        insert.Transaction = null;
    }

    /// <summary>Closes the connection (its statements with it), on the calling thread.</summary>
    public void Dispose()
    {
        foreach (var insert in _inserts.Values)
        {
            insert.Dispose();
        }

        _inserts.Clear();
        _jwtIdInsert?.Dispose();
        _jwtIdInsert = null;
        connection.Dispose();
    }

    // Microsoft.Data.Sqlite closes synchronously whichever way it is asked: one path for both.
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    // SQLite's count of the pages this connection wrote to the WAL (SQLITE_DBSTATUS_CACHE_WRITE: in WAL mode one page, one
    // frame), read and set back to zero; 0 if SQLite does not say.
    private int WalPagesWritten() =>
        SQLitePCL.raw.sqlite3_db_status(connection.Handle, SQLitePCL.raw.SQLITE_DBSTATUS_CACHE_WRITE, out var pages, out _, 1) == SQLitePCL.raw.SQLITE_OK ? pages : 0;

    // Made and prepared on first use; its parameters in the order of the table's columns.
    private SqliteCommand Insert(SqlLedgerStore.InsertTable table)
    {
        if (!_inserts.TryGetValue(table, out var insert))
        {
            insert = connection.CreateCommand();
#pragma warning disable CA2100 // The SQL is built from the store's constant table and column names; every value is a parameter.
            insert.CommandText = insertSql(table);
#pragma warning restore CA2100
            for (var c = 0; c < table.Columns.Length; c++)
            {
                insert.Parameters.Add(new SqliteParameter { ParameterName = SqlLedgerStore.ParameterName(0, c) });
            }

            insert.Prepare();
            _inserts[table] = insert;
        }

        return insert;
    }

    private bool RecordJwtId(SqliteCommand insert, JwtIdClaim id)
    {
        var (expires, timeType) = time(id.Expires);
        insert.Parameters[0].Value = id.Issuer;
        insert.Parameters[1].Value = id.Jti;
        insert.Parameters[2].DbType = timeType;
        insert.Parameters[2].Value = expires;
        return insert.ExecuteScalar() is not null;
    }

    // Made and prepared on first use: @issuer, @jti, @expires, @now.
    private SqliteCommand JwtIdInsert()
    {
        if (_jwtIdInsert is null)
        {
            var insert = connection.CreateCommand();
            insert.CommandText = JwtIdSql;
            insert.Parameters.Add(new SqliteParameter { ParameterName = "@issuer", DbType = DbType.String });
            insert.Parameters.Add(new SqliteParameter { ParameterName = "@jti", DbType = DbType.String });
            insert.Parameters.Add(new SqliteParameter { ParameterName = "@expires" });
            insert.Parameters.Add(new SqliteParameter { ParameterName = "@now" });
            insert.Prepare();
            _jwtIdInsert = insert;
        }

        return _jwtIdInsert;
    }
}
