using System.Data;
using System.Data.Common;
using System.Globalization;

namespace Cds.Service.Ledger;

/// <summary>
/// The ledger in plain ADO.NET, with the SQL both stores share (standard SQL and <c>INSERT … ON CONFLICT</c>, which
/// SQLite and PostgreSQL both have). The dialect gives the column types, how times and JSON are passed, and the lock
/// that serializes migrations. All SQL is parameterized.
/// </summary>
internal abstract partial class SqlLedgerStore(TimeProvider timeProvider, ILogger logger) : ILedgerStore, IAsyncDisposable
{
    public abstract string Kind { get; }

    /// <summary>Lets go of pooled connections.</summary>
    public abstract ValueTask DisposeAsync();

    /// <summary>Column type of a point in time.</summary>
    protected abstract string TimestampType { get; }

    /// <summary>Column type of a structured JSON document.</summary>
    protected abstract string JsonType { get; }

    /// <summary>A statement run inside the migration transaction, before anything else, to keep other instances out.</summary>
    protected virtual string? MigrationLock => null;

    /// <summary>Statements run once per migration, outside any transaction (e.g. SQLite's journal mode).</summary>
    protected virtual IReadOnlyList<string> Preamble => [];

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The SQL for a JSON parameter (a cast where the column is a JSON type).</summary>
    protected abstract string Json(string parameter);

    /// <summary>A time as the database takes it.</summary>
    protected abstract (object Value, DbType Type) Time(DateTimeOffset value);

    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>The schema, one version at a time. Never edit a released version: add the next one.</summary>
    private IReadOnlyList<(int Version, string Description, string[] Statements)> Migrations =>
    [
        (1, "hook calls, coverage assertions, cards, feedback, JWT ids",
        [
            $"""
            CREATE TABLE hook_call (
                id TEXT PRIMARY KEY,
                received_at {TimestampType} NOT NULL,
                service_id TEXT NOT NULL,
                hook TEXT,
                hook_instance TEXT,
                issuer TEXT,
                patient_id TEXT,
                user_id TEXT,
                encounter_id TEXT,
                fhir_server TEXT,
                status INTEGER NOT NULL,
                orders {JsonType} NOT NULL,
                data_sources {JsonType} NOT NULL,
                data_failures {JsonType} NOT NULL,
                timings {JsonType} NOT NULL,
                response TEXT,
                response_sha256 TEXT,
                error TEXT)
            """,
            "CREATE INDEX ix_hook_call_patient ON hook_call (patient_id, received_at)",
            "CREATE INDEX ix_hook_call_received ON hook_call (received_at)",
            "CREATE INDEX ix_hook_call_instance ON hook_call (hook_instance)",
            $"""
            CREATE TABLE coverage_assertion (
                assertion_id TEXT PRIMARY KEY,
                call_id TEXT NOT NULL REFERENCES hook_call (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                order_ref TEXT NOT NULL,
                coverage_ref TEXT NOT NULL,
                outcome TEXT NOT NULL,
                deciding_criterion TEXT NOT NULL,
                reason TEXT NOT NULL,
                covered TEXT NOT NULL,
                pa_needed TEXT,
                doc_needed TEXT,
                assertion_date TEXT NOT NULL,
                detail {JsonType} NOT NULL)
            """,
            "CREATE INDEX ix_coverage_assertion_call ON coverage_assertion (call_id)",
            """
            CREATE TABLE hook_card (
                card_uuid TEXT PRIMARY KEY,
                call_id TEXT NOT NULL REFERENCES hook_call (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                order_ref TEXT)
            """,
            "CREATE INDEX ix_hook_card_call ON hook_card (call_id)",
            $"""
            CREATE TABLE card_feedback (
                id TEXT PRIMARY KEY,
                card_uuid TEXT NOT NULL,
                service_id TEXT NOT NULL,
                issuer TEXT,
                outcome TEXT NOT NULL,
                outcome_at {TimestampType},
                received_at {TimestampType} NOT NULL,
                body TEXT NOT NULL)
            """,
            "CREATE INDEX ix_card_feedback_card ON card_feedback (card_uuid)",
            "CREATE INDEX ix_card_feedback_received ON card_feedback (received_at)",
            $"""
            CREATE TABLE jwt_replay (
                issuer TEXT NOT NULL,
                jti TEXT NOT NULL,
                expires_at {TimestampType} NOT NULL,
                PRIMARY KEY (issuer, jti))
            """,
            "CREATE INDEX ix_jwt_replay_expires ON jwt_replay (expires_at)",
        ]),

        // Additive only (columns added, no table rebuilt): safe on a ledger written by an older build, which can still
        // read and write it (its rows get NULL here).
        (2, "compact records of calls with no policy order: call outcome and order codes",
        [
            "ALTER TABLE hook_call ADD COLUMN call_outcome TEXT",
            $"ALTER TABLE hook_call ADD COLUMN order_codes {JsonType}",
        ]),
        (3, "the policy revision of each coverage assertion",
        [
            "ALTER TABLE coverage_assertion ADD COLUMN policy_id TEXT",
            "ALTER TABLE coverage_assertion ADD COLUMN policy_version TEXT",
            "ALTER TABLE coverage_assertion ADD COLUMN policy_effective TEXT",
            "ALTER TABLE coverage_assertion ADD COLUMN policy_sha256 TEXT",
            "CREATE INDEX ix_coverage_assertion_policy ON coverage_assertion (policy_id, policy_version)",
        ]),

        // Every index is one more B-tree page written by every hook's commit (SQLite's WAL takes a whole page per page
        // touched). No query of the ledger looks a call up by hook instance or an assertion by policy revision, so these
        // two cost a page each per hook for nothing (bench/fixes.md, issue 14 fourth round). Nothing else changes: a
        // build of version 3 still reads and writes the ledger (it never needed them), and the rows stay as they are.
        (4, "no index on hook_call.hook_instance or coverage_assertion (policy_id, policy_version): no query uses them",
        [
            "DROP INDEX IF EXISTS ix_hook_call_instance",
            "DROP INDEX IF EXISTS ix_coverage_assertion_policy",
        ]),
    ];

    /// <summary>The schema version this build writes.</summary>
    public int CurrentVersion => Migrations[^1].Version;

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        using var gate = await EnterWriteAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var statement in Preamble)
        {
            await ExecuteAsync(connection, null, statement, [], cancellationToken);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (MigrationLock is { } lockStatement)
        {
            await ExecuteAsync(connection, transaction, lockStatement, [], cancellationToken);
        }

        await ExecuteAsync(connection, transaction, $"CREATE TABLE IF NOT EXISTS ledger_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at {TimestampType} NOT NULL)", [], cancellationToken);
        var found = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM ledger_schema", [], cancellationToken), CultureInfo.InvariantCulture);
        if (found > CurrentVersion)
        {
            // A newer build migrated the store; its changes are additive, so this build can still read and write.
            Log.NewerSchema(logger, Kind, found, CurrentVersion);
            await transaction.CommitAsync(cancellationToken);
            return found;
        }

        var version = found;
        foreach (var (number, description, statements) in Migrations.Where(m => m.Version > found))
        {
            foreach (var statement in statements)
            {
                await ExecuteAsync(connection, transaction, statement, [], cancellationToken);
            }

            await ExecuteAsync(
                connection,
                transaction,
                "INSERT INTO ledger_schema (version, description, applied_at) VALUES (@version, @description, @applied)",
                [P("@version", number), P("@description", description), T("@applied", timeProvider.GetUtcNow())],
                cancellationToken);
            Log.Migrated(logger, Kind, number, description);
            version = number;
        }

        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    public async Task AppendAsync(IReadOnlyList<HookCallRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        // Written atomically by the dialect's way (WriteRowsAsync).
        await WriteRowsAsync(Rows(records), cancellationToken);
    }

    /// <summary>
    /// Every row of a batch, per table, its values in the order of the table's columns. Each insert is idempotent (a
    /// record written twice, e.g. a retry after a lost acknowledgement or a replayed spool file, is kept once, its rows too).
    /// </summary>
    protected TableRows[] Rows(IReadOnlyList<HookCallRecord> records) =>
    [
        new(HookCalls, [.. records.Select(CallRow)]),
        new(Assertions, [.. records.SelectMany(r => r.Decisions.Select((d, i) => AssertionRow(r, d, i)))]),
        new(Cards, [.. records.SelectMany(r => r.Cards.Select((c, i) => CardRow(r, c, i)))]),
    ];

    public async Task AddFeedbackAsync(IReadOnlyList<FeedbackRecord> feedback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        using var gate = await EnterWriteAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var item in feedback)
        {
            await ExecuteAsync(
                connection,
                transaction,
                """
                INSERT INTO card_feedback (id, card_uuid, service_id, issuer, outcome, outcome_at, received_at, body)
                VALUES (@id, @card, @service, @issuer, @outcome, @outcomeAt, @received, @body)
                ON CONFLICT (id) DO NOTHING
                """,
                [
                    P("@id", item.Id), P("@card", item.CardUuid), P("@service", item.ServiceId), P("@issuer", item.Issuer), P("@outcome", item.Outcome),
                    item.OutcomeTimestamp is { } at ? T("@outcomeAt", at) : NullTime("@outcomeAt"), T("@received", item.ReceivedAt), P("@body", item.Body),
                ],
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<LedgerAssertion?> FindAssertionAsync(string assertionId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var callId = await ScalarAsync(connection, null, "SELECT call_id FROM coverage_assertion WHERE assertion_id = @id", [P("@id", assertionId)], cancellationToken) as string;
        if (callId is null || await LoadCallAsync(connection, callId, cancellationToken) is not { } call)
        {
            return null;
        }

        var feedback = new List<FeedbackRecord>();
        await using (var command = Command(
            connection,
            null,
            """
            SELECT f.id, f.card_uuid, f.service_id, f.issuer, f.outcome, f.outcome_at, f.received_at, f.body
            FROM card_feedback f JOIN hook_card k ON k.card_uuid = f.card_uuid
            WHERE k.call_id = @call
            ORDER BY f.received_at, f.id
            """,
            [P("@call", callId)]))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                feedback.Add(new FeedbackRecord(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    NullableString(reader, 3),
                    reader.GetString(4),
                    reader.IsDBNull(5) ? null : ReadTime(reader, 5),
                    ReadTime(reader, 6),
                    reader.GetString(7)));
            }
        }

        // The retention purge may remove the call between these reads: then the assertion is gone, not an error.
        return call.Decisions.SingleOrDefault(d => d.AssertionId == assertionId) is { } decision
            ? new LedgerAssertion(decision, call, feedback)
            : null;
    }

    public async Task<IReadOnlyList<AssertionSummary>> SearchAsync(string patientId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            """
            SELECT a.assertion_id, c.received_at, c.id, c.service_id, c.hook, c.hook_instance, a.order_ref, a.outcome, a.covered, a.pa_needed
            FROM hook_call c JOIN coverage_assertion a ON a.call_id = c.id
            WHERE c.patient_id = @patient AND c.received_at >= @from AND c.received_at < @to
            ORDER BY c.received_at DESC, c.id DESC, a.position
            LIMIT @limit
            """,
            [P("@patient", patientId), T("@from", from), T("@to", to), P("@limit", limit)]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<AssertionSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(new AssertionSummary(
                reader.GetString(0),
                ReadTime(reader, 1),
                reader.GetString(2),
                reader.GetString(3),
                NullableString(reader, 4),
                NullableString(reader, 5),
                reader.GetString(6),
                reader.GetString(7),
                reader.GetString(8),
                NullableString(reader, 9)));
        }

        return results;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> _jwtIdSql = new();

    public virtual async Task<IReadOnlyList<bool>> TryRecordJwtIdsAsync(IReadOnlyList<JwtIdClaim> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var results = new bool[ids.Count];
        if (ids.Count == 0)
        {
            return results;
        }

        // The first of two equal ids in one batch is the one recorded; the others are replays of it (and one statement
        // cannot touch a row twice).
        var first = new Dictionary<(string, string), int>();
        for (var i = 0; i < ids.Count; i++)
        {
            first.TryAdd((ids[i].Issuer, ids[i].Jti), i);
        }

        // One statement per chunk, atomic in both databases: a new id is inserted; a known one is taken over only once it
        // expired; RETURNING names the ids this statement recorded (the others were seen before and are replays).
        var unique = first.Values.Order().Select(i => ids[i]).ToList();
        using var gate = await EnterWriteAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var chunk in unique.Chunk(MaxParameters / 3))
        {
            // The statement's text for a number of ids is built once per store, so is each parameter name.
            var parameters = new List<Parameter>(chunk.Length * 3 + 1) { T("@now", now) };
            for (var i = 0; i < chunk.Length; i++)
            {
                parameters.Add(P(ParameterName(i, 0), chunk[i].Issuer));
                parameters.Add(P(ParameterName(i, 1), chunk[i].Jti));
                parameters.Add(T(ParameterName(i, 2), chunk[i].Expires));
            }

            await using var command = Command(connection, null, _jwtIdSql.GetOrAdd(chunk.Length, JwtIdInsertSql), parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                results[first[(reader.GetString(0), reader.GetString(1))]] = true;
            }
        }

        return results;
    }

    // INSERT … VALUES (@r0c0, @r0c1, @r0c2), (@r1c0, …) … for that many ids: a new id is inserted, a known one taken over
    // only once it expired; RETURNING names the ids recorded.
    private static string JwtIdInsertSql(int rows)
    {
        var values = new System.Text.StringBuilder();
        for (var r = 0; r < rows; r++)
        {
            values.Append(r == 0 ? "(" : ", (").AppendJoin(", ", ParameterName(r, 0), ParameterName(r, 1), ParameterName(r, 2)).Append(')');
        }

        return $"""
            INSERT INTO jwt_replay (issuer, jti, expires_at) VALUES {values}
            ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE jwt_replay.expires_at < @now
            RETURNING issuer, jti
            """;
    }

    public async Task<LedgerPurgeResult> PurgeAsync(DateTimeOffset cutoff, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var gate = await EnterWriteAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        const string Expired = "SELECT id FROM hook_call WHERE received_at < @cutoff";
        await ExecuteAsync(connection, transaction, $"DELETE FROM coverage_assertion WHERE call_id IN ({Expired})", [T("@cutoff", cutoff)], cancellationToken);
        await ExecuteAsync(connection, transaction, $"DELETE FROM hook_card WHERE call_id IN ({Expired})", [T("@cutoff", cutoff)], cancellationToken);
        var calls = await ExecuteAsync(connection, transaction, "DELETE FROM hook_call WHERE received_at < @cutoff", [T("@cutoff", cutoff)], cancellationToken);
        var feedback = await ExecuteAsync(connection, transaction, "DELETE FROM card_feedback WHERE received_at < @cutoff", [T("@cutoff", cutoff)], cancellationToken);
        var jwtIds = await ExecuteAsync(connection, transaction, "DELETE FROM jwt_replay WHERE expires_at < @now", [T("@now", now)], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new LedgerPurgeResult(calls, feedback, jwtIds);
    }

    public async Task<LedgerCounts> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            """
            SELECT (SELECT COUNT(*) FROM hook_call), (SELECT COUNT(*) FROM coverage_assertion), (SELECT COUNT(*) FROM hook_card),
                   (SELECT COUNT(*) FROM card_feedback), (SELECT COUNT(*) FROM jwt_replay)
            """,
            []);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new LedgerCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ScalarAsync(connection, null, "SELECT COUNT(*) FROM ledger_schema", [], cancellationToken);
    }

    private async Task<HookCallRecord?> LoadCallAsync(DbConnection connection, string callId, CancellationToken cancellationToken)
    {
        HookCallRecord call;
        await using (var command = Command(
            connection,
            null,
            """
            SELECT id, received_at, service_id, hook, hook_instance, issuer, patient_id, user_id, encounter_id, fhir_server, status,
                   orders, data_sources, data_failures, timings, response, response_sha256, error, call_outcome, order_codes
            FROM hook_call WHERE id = @id
            """,
            [P("@id", callId)]))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            call = new HookCallRecord
            {
                Id = reader.GetString(0),
                ReceivedAt = ReadTime(reader, 1),
                ServiceId = reader.GetString(2),
                Hook = NullableString(reader, 3),
                HookInstance = NullableString(reader, 4),
                Issuer = NullableString(reader, 5),
                PatientId = NullableString(reader, 6),
                UserId = NullableString(reader, 7),
                EncounterId = NullableString(reader, 8),
                FhirServer = NullableString(reader, 9),
                Status = reader.GetInt32(10),
                Orders = LedgerJson.Deserialize(reader.GetString(11), LedgerJsonContext.Default.IReadOnlyListString),
                DataSources = LedgerJson.Deserialize(reader.GetString(12), LedgerJsonContext.Default.IReadOnlyDictionaryStringString),
                DataFailures = LedgerJson.Deserialize(reader.GetString(13), LedgerJsonContext.Default.IReadOnlyListDataFailureRecord),
                Timings = LedgerJson.Deserialize(reader.GetString(14), LedgerJsonContext.Default.IReadOnlyListStageTiming),
                Response = NullableString(reader, 15),
                ResponseSha256 = NullableString(reader, 16),
                Error = NullableString(reader, 17),
                Outcome = NullableString(reader, 18),
                OrderCodes = reader.IsDBNull(19) ? null : LedgerJson.Deserialize(reader.GetString(19), LedgerJsonContext.Default.IReadOnlyListString),
            };
        }

        var decisions = new List<OrderDecisionRecord>();
        await using (var command = Command(
            connection,
            null,
            """
            SELECT order_ref, assertion_id, coverage_ref, outcome, deciding_criterion, reason, covered, pa_needed, doc_needed, assertion_date, detail,
                policy_id, policy_version, policy_effective, policy_sha256
            FROM coverage_assertion WHERE call_id = @id ORDER BY position
            """,
            [P("@id", callId)]))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                decisions.Add(new OrderDecisionRecord(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetString(6),
                    NullableString(reader, 7),
                    NullableString(reader, 8),
                    DateOnly.ParseExact(reader.GetString(9), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    LedgerJson.Deserialize(reader.GetString(10), LedgerJsonContext.Default.DecisionDetail))
                {
                    Policy = NullableString(reader, 11) is { } policyId
                        ? new PolicyRevisionRecord(policyId, NullableString(reader, 12) ?? string.Empty, NullableString(reader, 13) ?? string.Empty, NullableString(reader, 14) ?? string.Empty)
                        : null,
                });
            }
        }

        var cards = new List<CardRecord>();
        await using (var command = Command(connection, null, "SELECT card_uuid, order_ref FROM hook_card WHERE call_id = @id ORDER BY position", [P("@id", callId)]))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                cards.Add(new CardRecord(reader.GetString(0), NullableString(reader, 1)));
            }
        }

        return call with { Decisions = decisions, Cards = cards };
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static Parameter P(string name, string? value) => new(name, value, DbType.String);

    private static Parameter P(string name, int value) => new(name, value, DbType.Int32);

    private Parameter T(string name, DateTimeOffset value)
    {
        var (dbValue, type) = Time(value);
        return new(name, dbValue, type);
    }

    private Parameter NullTime(string name) => new(name, null, Time(DateTimeOffset.UnixEpoch).Type);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<Parameter> parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // The SQL is this class's constant text; every value is a parameter.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = transaction;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(Bind(command.CreateParameter(), parameter));
        }

        return command;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<Parameter> parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<Parameter> parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    internal readonly record struct Parameter(string Name, object? Value, DbType Type);

    /// <summary>One SQL statement of a batch, with its parameters.</summary>
    protected sealed record Statement(string Sql, IReadOnlyList<Parameter> Parameters);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Ledger ({Kind}): schema version {Version} applied: {Description}")]
        public static partial void Migrated(ILogger logger, string kind, int version, string description);

        [LoggerMessage(2, LogLevel.Warning, "Ledger ({Kind}): the store is at schema version {Found}, newer than this build's {Current}; continuing (migrations are additive)")]
        public static partial void NewerSchema(ILogger logger, string kind, int found, int current);
    }
}
