using System.Data;
using System.Data.Common;
using Npgsql;

namespace Cds.Service.Ledger;

/// <summary>
/// The shared ledger: PostgreSQL, for several instances behind a load balancer (the JWT replay cache lives here too).
/// Times are <c>timestamptz</c>, structured parts <c>jsonb</c>; the response stays text, byte for byte as sent.
/// Migrations are serialized across instances with a transaction-scoped advisory lock.
/// </summary>
internal sealed class PostgresLedgerStore : SqlLedgerStore
{
    /// <summary>The advisory lock key of the ledger's migrations (any fixed number; this one spells 45.03 / 38242).</summary>
    private const long MigrationLockKey = 4503_38242;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresLedgerStore(string connectionString, TimeProvider timeProvider, ILogger<PostgresLedgerStore> logger)
        : base(timeProvider, logger)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "dli-coverage-cds";
        }

        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Kind => "postgresql";

    protected override string TimestampType => "TIMESTAMPTZ";

    protected override string JsonType => "JSONB";

    // A batch without an explicit transaction is one implicit transaction (one Sync at its end): atomic, one round trip.
    protected override bool OneRoundTrip => true;

    protected override string? MigrationLock => $"SELECT pg_advisory_xact_lock({MigrationLockKey})";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override string Json(string parameter) => $"CAST({parameter} AS jsonb)";

    protected override (object Value, DbType Type) Time(DateTimeOffset value) => (value.ToUniversalTime(), DbType.DateTimeOffset);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
