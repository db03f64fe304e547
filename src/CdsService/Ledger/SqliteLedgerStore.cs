using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Cds.Service.Ledger;

/// <summary>
/// The embedded ledger: one SQLite file (WAL journal, foreign keys on), created on first start. For one machine; several
/// instances need PostgreSQL. Times are kept as microseconds since 1970 (UTC) so that they compare as numbers. A commit
/// is durable against a crash of the process, not a power loss (<c>synchronous=NORMAL</c>), and the writes are held up
/// while a checkpoint's second pass has the write gate (<see cref="ILocalLedgerStore"/>, <see cref="SqliteCheckpointer"/>).
/// </summary>
internal sealed partial class SqliteLedgerStore : SqlLedgerStore, ILocalLedgerStore
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    private readonly string _connectionString;

    // The writer's connection with its prepared inserts, opened on the first write; used and replaced under the write gate.
    private SqliteWriterConnection? _writer;

    private readonly SqliteCheckpointer _checkpointer;

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
        _checkpointer = new SqliteCheckpointer(OpenAsync, EnterWriteAsync, timeProvider, logger);
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

            // WAL with synchronous=NORMAL: a commit is appended to the -wal file (in the OS page cache) without an fsync;
            // the WAL is synced at each checkpoint. A committed record survives a crash of the process; a power loss or
            // OS crash can lose the last commits since the last checkpoint, never the file's consistency (docs/ledger.md).
            // The settings belong to the connection, not the file: set on every open (a pooled connection keeps them).
            // The automatic checkpoint is only a backstop: the checkpoints run in the background (SqliteCheckpointer).
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint={SqliteCheckpointer.BackstopPages}";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // SQLite has one writer at a time; a second one would retry with sleeps (busy timeout). This process's writers take
    // turns here instead (one gate per file, shared by every store of this process on it).
    protected override async ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken)
    {
        var gate = WriteGates.GetOrAdd(FilePath, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    // One prepared single-row insert per table on the writer's own connection, every row in one transaction.
    protected override async Task WriteRowsAsync(IReadOnlyList<TableRows> tables, CancellationToken cancellationToken)
    {
        using var gate = await EnterWriteAsync(cancellationToken);
        var frames = 0;
        await WithWriterAsync(writer => frames = writer.Write(tables), cancellationToken);

        _checkpointer.Committed(tables.Count > 0 ? tables[0].Rows.Count : 0, frames);
    }

    /// <summary>
    /// Writes <paramref name="records"/> at once, on the calling thread, when nothing else writes: the write gate is free
    /// (taken without waiting), the writes are not held up by a checkpoint (whose restart commit fsyncs: that commit stays
    /// the background writer's), the WAL is not due for a restart (as its commits count it, whether or not a checkpoint
    /// has run since: <see cref="SqliteCheckpointer.RestartDue"/>), and the writer's connection is open. False when any of that is not so (nothing written,
    /// nothing waited for); a failed write throws (nothing written) and closes the connection as in
    /// <see cref="WriteRowsAsync"/>.
    /// </summary>
    public bool TryAppendNow(IReadOnlyList<HookCallRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var gate = WriteGates.GetOrAdd(FilePath, _ => new SemaphoreSlim(1, 1));
        if (!gate.Wait(0))
        {
            return false;
        }

        try
        {
            // Both are only changed under the gate: what is seen here holds until it is released. A WAL due for a restart
            // that has not come (yet) is left to the writer too: past the backstop every commit runs a checkpoint.
            if (_checkpointer.WritesHeld || _checkpointer.RestartDue || _writer is not { } writer)
            {
                return false;
            }

            int frames;
            try
            {
                frames = writer.Write(Rows(records));
            }
            catch
            {
                _writer = null;
                writer.Dispose();
                throw;
            }

            _checkpointer.Committed(records.Count, frames);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    // Runs a write on the writer's own connection, opened on first use. A failed write closes that connection: the next
    // one starts from a fresh connection (and freshly prepared statements). Called under the write gate.
    private async Task WithWriterAsync(Action<SqliteWriterConnection> write, CancellationToken cancellationToken)
    {
        var writer = _writer ??= new SqliteWriterConnection((SqliteConnection)await OpenAsync(cancellationToken), SingleRowInsert, Time);
        try
        {
            write(writer);
        }
        catch
        {
            _writer = null;
            await writer.DisposeAsync();
            throw;
        }
    }

    /// <summary>This process's write gate on the file, as every writer takes it (for tests: writes queue while it is held).</summary>
    internal ValueTask<IDisposable?> EnterWriteGateAsync(CancellationToken cancellationToken) => EnterWriteAsync(cancellationToken);

    /// <summary>Background WAL checkpoints completed (for tests).</summary>
    internal long Checkpoints => _checkpointer.Completed;

    /// <summary>How often, how long in all and at most the writes were held up by a checkpoint (diagnostics, benchmarks).</summary>
    internal (long Count, TimeSpan Total, TimeSpan Longest) WriteHolds => _checkpointer.Holds;

    public bool WritesHeld => _checkpointer.WritesHeld;

    public void OnWritesHeld(Action held) => _checkpointer.OnWritesHeld(held);

    protected override string Json(string parameter) => parameter;

    protected override (object Value, DbType Type) Time(DateTimeOffset value) =>
        ((value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond, DbType.Int64);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (reader.GetInt64(ordinal) * TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary>Lets go of the pooled connections (and so of the file).</summary>
    public override async ValueTask DisposeAsync()
    {
        // After a write in progress, if any (the writer stops before the store is disposed, so this does not wait long),
        // then a checkpoint in progress (its last pass takes the write gate: not awaited while holding it).
        _checkpointer.Stop();
        using (await EnterWriteAsync(CancellationToken.None))
        {
            if (_writer is { } writer)
            {
                _writer = null;
                await writer.DisposeAsync();
            }
        }

        await _checkpointer.DisposeAsync();
        await using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
