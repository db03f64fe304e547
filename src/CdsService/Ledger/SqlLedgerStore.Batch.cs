using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Cds.Service.Ledger;

/// <summary>
/// How a batch of hook call records becomes SQL: the rows of each table (<see cref="TableRows"/>), and by default one
/// multi-row <c>INSERT … ON CONFLICT DO NOTHING</c> per table (chunked so no statement passes <see cref="MaxParameters"/>),
/// executed atomically — in one transaction, or where the dialect allows it (<see cref="OneRoundTrip"/>, PostgreSQL) as
/// one batch in one round trip. A dialect may write the rows its own way (<see cref="WriteRowsAsync"/>: SQLite runs one
/// prepared single-row insert per row).
/// </summary>
internal abstract partial class SqlLedgerStore
{
    /// <summary>Parameters per statement at most (SQLite allows 32,766, PostgreSQL 65,535; kept well below).</summary>
    protected const int MaxParameters = 2000;

    private static readonly Column[] CallColumns =
    [
        new("id"), new("received_at"), new("service_id"), new("hook"), new("hook_instance"), new("issuer"), new("patient_id"),
        new("user_id"), new("encounter_id"), new("fhir_server"), new("status"), new("orders", Json: true), new("data_sources", Json: true),
        new("data_failures", Json: true), new("timings", Json: true), new("response"), new("response_sha256"), new("error"),
        new("call_outcome"), new("order_codes", Json: true),
    ];

    private static readonly Column[] AssertionColumns =
    [
        new("assertion_id"), new("call_id"), new("position"), new("order_ref"), new("coverage_ref"), new("outcome"), new("deciding_criterion"),
        new("reason"), new("covered"), new("pa_needed"), new("doc_needed"), new("assertion_date"), new("detail", Json: true),
        new("policy_id"), new("policy_version"), new("policy_effective"), new("policy_sha256"),
    ];

    private static readonly Column[] CardColumns = [new("card_uuid"), new("call_id"), new("position"), new("order_ref")];

    /// <summary>The tables a hook call record is written to, in the order they are written (the call before its rows).</summary>
    internal static readonly InsertTable HookCalls = new("hook_call", CallColumns, "id");

    internal static readonly InsertTable Assertions = new("coverage_assertion", AssertionColumns, "assertion_id");

    internal static readonly InsertTable Cards = new("hook_card", CardColumns, "card_uuid");

    private const int NameRows = 128;
    private const int NameColumns = 24;
    private static readonly string[] ParameterNames = [.. Enumerable.Range(0, NameRows * NameColumns).Select(i => string.Create(CultureInfo.InvariantCulture, $"@r{i / NameColumns}c{i % NameColumns}"))];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(InsertTable Table, int Rows), string> _insertSql = new();

    /// <summary>True where a batch of statements runs atomically in one round trip without an explicit transaction.</summary>
    protected virtual bool OneRoundTrip => false;

    /// <summary>
    /// Serializes this process's writes to the store where the database itself would make them wait expensively (SQLite:
    /// one writer at a time, and a busy writer otherwise retries with sleeps). Disposed to let the next one in.
    /// </summary>
    protected virtual ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    private Parameter[] CallRow(HookCallRecord record) =>
    [
        P("id", record.Id), T("received_at", record.ReceivedAt), P("service_id", record.ServiceId), P("hook", record.Hook),
        P("hook_instance", record.HookInstance), P("issuer", record.Issuer), P("patient_id", record.PatientId), P("user_id", record.UserId),
        P("encounter_id", record.EncounterId), P("fhir_server", record.FhirServer), P("status", record.Status),
        P("orders", LedgerJson.Serialize(record.Orders, LedgerJsonContext.Default.IReadOnlyListString)),
        P("data_sources", LedgerJson.Serialize(record.DataSources, LedgerJsonContext.Default.IReadOnlyDictionaryStringString)),
        P("data_failures", LedgerJson.Serialize(record.DataFailures, LedgerJsonContext.Default.IReadOnlyListDataFailureRecord)),
        P("timings", LedgerJson.Serialize(record.Timings, LedgerJsonContext.Default.IReadOnlyListStageTiming)),
        P("response", record.Response), P("response_sha256", record.ResponseSha256), P("error", record.Error),
        P("call_outcome", record.Outcome),
        P("order_codes", record.OrderCodes is null ? null : LedgerJson.Serialize(record.OrderCodes, LedgerJsonContext.Default.IReadOnlyListString)),
    ];

    private static Parameter[] AssertionRow(HookCallRecord record, OrderDecisionRecord d, int position) =>
    [
        P("assertion_id", d.AssertionId), P("call_id", record.Id), P("position", position), P("order_ref", d.OrderReference),
        P("coverage_ref", d.CoverageReference), P("outcome", d.Outcome), P("deciding_criterion", d.DecidingCriterion), P("reason", d.Reason),
        P("covered", d.Covered), P("pa_needed", d.PaNeeded), P("doc_needed", d.DocNeeded),
        P("assertion_date", d.AssertionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        P("detail", LedgerJson.Serialize(d.Detail, LedgerJsonContext.Default.DecisionDetail)),
        P("policy_id", d.Policy?.Id), P("policy_version", d.Policy?.Version), P("policy_effective", d.Policy?.Effective), P("policy_sha256", d.Policy?.Sha256),
    ];

    private static Parameter[] CardRow(HookCallRecord record, CardRecord card, int position) =>
        [P("card_uuid", card.Uuid), P("call_id", record.Id), P("position", position), P("order_ref", card.OrderReference)];

    /// <summary>
    /// Writes the rows of a batch, all or none. By default one multi-row insert per table and chunk: one round trip where
    /// the dialect runs a batch atomically (PostgreSQL), else one transaction.
    /// </summary>
    protected virtual async Task WriteRowsAsync(IReadOnlyList<TableRows> tables, CancellationToken cancellationToken)
    {
        var statements = tables.SelectMany(t => InsertRows(t.Table, t.Rows)).ToList();
        if (statements.Count == 0)
        {
            return;
        }

        using var gate = await EnterWriteAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAtomicallyAsync(connection, statements, cancellationToken);
    }

    /// <summary>The insert of one row into <paramref name="table"/>; its parameters are named <see cref="ParameterName"/>(0, column).</summary>
    protected string SingleRowInsert(InsertTable table) => _insertSql.GetOrAdd((table, 1), key => InsertSql(key.Table, 1));

    // INSERT INTO table (columns) VALUES (@r0c0, …), (@r1c0, …) … ON CONFLICT (key) DO NOTHING, as few statements as the
    // parameter bound allows. Each row's values are in the order of the columns. The text for a number of rows is built
    // once per store (so is each parameter name).
    private IEnumerable<Statement> InsertRows(InsertTable table, IReadOnlyList<Parameter[]> rows)
    {
        var columns = table.Columns;
        var perStatement = Math.Max(1, MaxParameters / columns.Length);
        foreach (var chunk in rows.Chunk(perStatement))
        {
            var sql = _insertSql.GetOrAdd((table, chunk.Length), key => InsertSql(key.Table, key.Rows));
            var parameters = new List<Parameter>(chunk.Length * columns.Length);
            for (var r = 0; r < chunk.Length; r++)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    parameters.Add(chunk[r][c] with { Name = ParameterName(r, c) });
                }
            }

            yield return new Statement(sql, parameters);
        }
    }

    private string InsertSql(InsertTable table, int rows)
    {
        var columns = table.Columns;
        var sql = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"INSERT INTO {table.Name} (")
            .AppendJoin(", ", columns.Select(c => c.Name))
            .Append(") VALUES ");
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (")
                .AppendJoin(", ", columns.Select((column, c) => column.Json ? Json(ParameterName(r, c)) : ParameterName(r, c)))
                .Append(')');
        }

        return sql.Append(CultureInfo.InvariantCulture, $" ON CONFLICT ({table.Key}) DO NOTHING").ToString();
    }

    internal static string ParameterName(int row, int column) =>
        row < NameRows && column < NameColumns
            ? ParameterNames[(row * NameColumns) + column]
            : string.Create(CultureInfo.InvariantCulture, $"@r{row}c{column}");

    // All statements or none: one batch in one round trip where the dialect runs a batch atomically, else one transaction.
    private async Task ExecuteAtomicallyAsync(DbConnection connection, IReadOnlyList<Statement> statements, CancellationToken cancellationToken)
    {
        if (OneRoundTrip && connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            foreach (var statement in statements)
            {
                var command = batch.CreateBatchCommand();
#pragma warning disable CA2100 // The SQL is built from this class's constant table and column names; every value is a parameter.
                command.CommandText = statement.Sql;
#pragma warning restore CA2100
                foreach (var parameter in statement.Parameters)
                {
                    command.Parameters.Add(Bind(command.CreateParameter(), parameter));
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var statement in statements)
        {
            await ExecuteAsync(connection, transaction, statement.Sql, statement.Parameters, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static DbParameter Bind(DbParameter target, Parameter parameter)
    {
        target.ParameterName = parameter.Name;
        target.DbType = parameter.Type;
        target.Value = parameter.Value ?? DBNull.Value;
        return target;
    }

    internal sealed record Column(string Name, bool Json = false);

    /// <summary>A table a record's rows go to: its columns, in the order of each row's values, and its key.</summary>
    internal sealed record InsertTable(string Name, Column[] Columns, string Key);

    /// <summary>The rows of one batch for one table, each row's values in the order of the table's columns.</summary>
    internal readonly record struct TableRows(InsertTable Table, IReadOnlyList<Parameter[]> Rows);
}
