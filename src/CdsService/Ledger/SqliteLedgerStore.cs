using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Cds.Service.Ledger;

/// <summary>
/// The embedded ledger: one SQLite file (WAL journal, foreign keys on), created on first start. For one machine; several
/// instances need PostgreSQL. Times are kept as microseconds since 1970 (UTC) so that they compare as numbers.
/// </summary>
internal sealed class SqliteLedgerStore : SqlLedgerStore
{
    private readonly string _connectionString;

    public SqliteLedgerStore(string path, TimeProvider timeProvider, ILogger<SqliteLedgerStore> logger)
        : base(timeProvider, logger)
    {
        FilePath = Path.GetFullPath(path);

        // Owner-only: the directory 0700, the file 0600 before SQLite opens it (its -wal and -shm inherit the mode).
        LedgerFiles.EnsurePrivateDirectory(Path.GetDirectoryName(FilePath)!);
        LedgerFiles.EnsurePrivateFile(FilePath);
        LedgerFiles.NarrowIfExists(FilePath + "-wal");
        LedgerFiles.NarrowIfExists(FilePath + "-shm");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 30, // seconds a writer waits for the file lock of another
        }.ToString();
    }

    public string FilePath { get; }

    public override string Kind => "sqlite";

    protected override string TimestampType => "INTEGER";

    protected override string JsonType => "TEXT";

    // WAL: readers do not block the writer; the setting is kept in the file.
    protected override IReadOnlyList<string> Preamble => ["PRAGMA journal_mode=WAL"];

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override string Json(string parameter) => parameter;

    protected override (object Value, DbType Type) Time(DateTimeOffset value) =>
        ((value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond, DbType.Int64);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (reader.GetInt64(ordinal) * TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary>Lets go of the pooled connections (and so of the file).</summary>
    public override async ValueTask DisposeAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
