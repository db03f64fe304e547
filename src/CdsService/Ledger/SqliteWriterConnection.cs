using Microsoft.Data.Sqlite;

namespace Cds.Service.Ledger;

/// <summary>
/// The SQLite ledger writer's own connection, kept open, with one prepared single-row insert per table: a batch is one
/// transaction in which each row binds its values to the prepared statement of its table and runs it. In-process SQLite
/// gains nothing from multi-row SQL (there is no round trip to save), while a statement text that changes with the batch
/// size is parsed again for every batch and a multi-row statement's hundreds of named parameters are each looked up by a
/// linear scan (issue 14's profile). Here the SQL is parsed once per connection, the parameter objects are made once,
/// and a statement has at most 20 parameters. Used under the store's write gate only (one thread at a time).
/// </summary>
internal sealed class SqliteWriterConnection(SqliteConnection connection, Func<SqlLedgerStore.InsertTable, string> insertSql) : IAsyncDisposable
{
    private readonly Dictionary<SqlLedgerStore.InsertTable, SqliteCommand> _inserts = [];

    /// <summary>Writes every row in one transaction: all or none.</summary>
    public void Write(IReadOnlyList<SqlLedgerStore.TableRows> tables)
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
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var insert in _inserts.Values)
        {
            await insert.DisposeAsync();
        }

        _inserts.Clear();
        await connection.DisposeAsync();
    }

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
}
