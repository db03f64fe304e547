using System.Data.Common;
using Cds.Service.Contract;

namespace Cds.Service.Ledger;

/// <summary>
/// Runs the SQLite ledger's WAL checkpoints off the commit path. SQLite's automatic checkpoint runs inside the commit
/// that crosses 1,000 WAL pages: that commit copies the pages into the database file and fsyncs both files while the
/// hooks of its batch wait for it. Here the connections' automatic checkpoint is raised to a backstop
/// (<see cref="BackstopPages"/>, reached only if these checkpoints fall behind) and, every
/// <see cref="RecordsPerCheckpoint"/> records committed, a checkpoint runs on a connection of its own in the background,
/// in two PASSIVE passes: the first while the writer goes on committing (it copies nearly every page and neither waits
/// for the writer nor makes it wait); the second, short, inside the write gate (only the pages committed meanwhile), so
/// that no commit comes between it and the next write, which then starts the WAL from its beginning again. Without that
/// second pass a WAL written to without pause is never entirely checkpointed, so never restarted: it grows to the backstop,
/// whose checkpoint then runs in a commit (measured: a 41 MB WAL and a 0.6 s p99). A crash in the middle of a checkpoint
/// is what SQLite's WAL is made for (the WAL stays the truth until its frames are in the database file).
/// </summary>
internal sealed partial class SqliteCheckpointer(
    Func<CancellationToken, ValueTask<DbConnection>> open,
    Func<CancellationToken, ValueTask<IDisposable?>> enterWrite,
    ILogger logger) : IAsyncDisposable
{
    /// <summary>
    /// Records committed between two background checkpoints: about 2,500 WAL pages (10 MB) when each batch is one record,
    /// far fewer when concurrent calls share batches; each checkpoint costs four fsyncs (two passes).
    /// </summary>
    public const int RecordsPerCheckpoint = 250;

    /// <summary>The automatic checkpoint every connection keeps, as a backstop: 10,000 pages (40 MB of WAL).</summary>
    public const int BackstopPages = 10_000;

    private volatile bool _stopped;
    private int _records;
    private int _running;
    private long _completed;
    private Task _last = Task.CompletedTask;

    /// <summary>Checkpoints (both passes) completed (for tests and diagnostics).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>After a commit of <paramref name="records"/> records: starts a checkpoint in the background when one is due and none runs.</summary>
    public void Committed(int records)
    {
        if (Interlocked.Add(ref _records, records) < RecordsPerCheckpoint || _stopped
            || Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _records, 0);
        _last = Task.Run(CheckpointAsync, CancellationToken.None);
    }

    /// <summary>No checkpoint starts after this (one in progress ends after its current pass).</summary>
    public void Stop() => _stopped = true;

    /// <summary>Stops and waits for a checkpoint in progress. Not to be awaited inside the write gate (its last pass takes it).</summary>
    public async ValueTask DisposeAsync()
    {
        Stop();
        await _last;
    }

    // One checkpoint, and another at once while enough records were committed meanwhile (so that a writer gone idle
    // after a burst does not leave them in the WAL). Not cancelled: a checkpoint is short, and one stopped midway is
    // merely undone work (the WAL keeps the frames).
    private async Task CheckpointAsync()
    {
        try
        {
            while (!_stopped)
            {
                await CheckpointOnceAsync();
                using (await enterWrite(CancellationToken.None))
                {
                    await CheckpointOnceAsync();
                }

                Interlocked.Increment(ref _completed);

                var due = Interlocked.Exchange(ref _records, 0);
                if (due < RecordsPerCheckpoint)
                {
                    Interlocked.Add(ref _records, due); // they count towards the next one
                    break;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task CheckpointOnceAsync()
    {
        try
        {
            await using var connection = await open(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
            if (await reader.ReadAsync(CancellationToken.None))
            {
                Log.Checkpointed(logger, reader.GetInt64(1), reader.GetInt64(2));
            }

        }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
        {
            // The next one (or the backstop) checkpoints instead; nothing is lost: the frames stay in the WAL.
            Log.Failed(logger, e.GetType().Name, LogText.Safe(e.Message));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Ledger (sqlite): WAL checkpoint in the background: {Frames} frame(s) in the WAL, {Checkpointed} in the database file")]
        public static partial void Checkpointed(ILogger logger, long frames, long checkpointed);

        [LoggerMessage(2, LogLevel.Warning, "Ledger (sqlite): a background WAL checkpoint failed ({Error}: {Message}); the next one or SQLite's automatic checkpoint takes its place")]
        public static partial void Failed(ILogger logger, string error, string message);
    }
}
