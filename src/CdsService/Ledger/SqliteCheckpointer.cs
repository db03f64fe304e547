using System.Data.Common;
using Cds.Service.Contract;

namespace Cds.Service.Ledger;

/// <summary>
/// Runs the SQLite ledger's WAL checkpoints off the commit path. SQLite's automatic checkpoint runs inside the commit
/// that crosses 1,000 WAL pages: that commit copies the pages into the database file and fsyncs both files while the
/// hooks of its batch wait for it. Here the connections' automatic checkpoint is raised to a backstop
/// (<see cref="BackstopPages"/>, reached only if these checkpoints fall behind) and, every
/// <see cref="RecordsPerCheckpoint"/> records committed, a PASSIVE checkpoint runs on a connection of its own in the
/// background while the writer goes on committing (it copies nearly every page and neither waits for the writer nor makes
/// it wait). Once the WAL holds <see cref="RestartFrames"/> frames, a second, short pass follows inside the write gate
/// (only the pages committed meanwhile), so that no commit comes between it and the next write, which then starts the
/// WAL from its beginning again. Without that
/// second pass a WAL written to without pause is never entirely checkpointed, so never restarted: it grows to the backstop,
/// whose checkpoint then runs in a commit (measured: a 41 MB WAL and a 0.6 s p99). A crash in the middle of a checkpoint
/// is what SQLite's WAL is made for (the WAL stays the truth until its frames are in the database file).
/// <para>
/// The WAL's size is known from both ends: each pass reads it (the frames in the WAL when it began), and each commit of
/// the writer's connection adds the pages it wrote (<see cref="Committed"/>), so that <see cref="RestartDue"/> holds from
/// the commit that takes the WAL to <see cref="RestartFrames"/>, even when no pass has run for a while. A pass can be
/// late: it runs on the thread pool, and a hook that commits its own record inline never yields its thread, so a pass
/// queued on that thread's local queue waited there until the burst ended while every other thread had other work
/// (reproduced: no pass in 6,000 one-record commits, the WAL at the backstop). A pass is queued on the pool's global
/// queue for that reason, and the hooks stop committing inline once the commits have counted the WAL due.
/// </para>
/// <para>
/// The second pass is the one place where the writes wait for a disk flush: with frames to copy it fsyncs the WAL and
/// the database file inside the write gate, and the next commit, which restarts the WAL, fsyncs the WAL's new header
/// (SQLite syncs the header of a restarted WAL at <c>synchronous=NORMAL</c>). On this project's VM disk (ext4 without a
/// journal) one fsync is a data write, a synchronous inode write and a cache flush, several milliseconds, and that stall
/// was the hooks' p99 (issue 14). So the writes count as held (<see cref="WritesHeld"/>) from the moment the second
/// pass has the gate until the commit after it: hooks do not wait through it (<see cref="ILocalLedgerStore"/>).
/// </para>
/// </summary>
internal sealed partial class SqliteCheckpointer(
    Func<CancellationToken, ValueTask<DbConnection>> open,
    Func<CancellationToken, ValueTask<IDisposable?>> enterWrite,
    TimeProvider time,
    ILogger logger) : IAsyncDisposable
{
    /// <summary>
    /// Records committed between two background checkpoints: about 2,500 WAL pages (10 MB) when each batch is one record,
    /// far fewer when concurrent calls share batches; each checkpoint costs two fsyncs (four with the pass inside the gate).
    /// </summary>
    public const int RecordsPerCheckpoint = 250;

    /// <summary>The automatic checkpoint every connection keeps, as a backstop: 20,000 pages (80 MB of WAL), reached only if the restarts fall behind.</summary>
    public const int BackstopPages = 20_000;

    /// <summary>
    /// The WAL restarts from its beginning once it holds this many frames (8,192: 32 MB), not at every checkpoint: a
    /// restart holds the writes up for one or two fsyncs whatever it copies, so fewer of them are fewer stalls, for a WAL
    /// file that stays at up to this size (it is reused, never truncated). Below the backstop, with room to spare.
    /// </summary>
    public const long RestartFrames = 8_192;

    private volatile bool _stopped;
    private int _records;
    private int _running;
    private long _completed;
    private Task _last = Task.CompletedTask;

    // True while the writes are held up by a second pass (from its entry into the gate to the end of the commit after it);
    // set and cleared under the write gate only.
    private volatile bool _held;
    private Action? _onHeld;
    private bool _restartPending;
    private (TimeSpan Elapsed, long Frames) _lastPass;
    private long _heldSince;
    private long _holds;
    private long _heldTicks;
    private long _longestHeldTicks;

    // The WAL's frames as best known: what the last pass found when it began, plus the pages the commits wrote since; 0
    // after a restart. Too high at worst (a WAL that restarted on its own, or frames counted by a pass and a commit both),
    // until the next pass, which a count at the threshold starts. Changed under _framesLock; read without it.
    private readonly Lock _framesLock = new();
    private long _walFrames;
    private long _restarts; // restarts seen by Resume: a pass that began before one does not set the count

    /// <summary>
    /// True from the commit or checkpoint that finds the WAL due for a restart (<see cref="RestartFrames"/> frames or
    /// more) until the commit that restarts it. Normally a moment; if the restarts fall behind (the WAL keeps growing
    /// towards the backstop, whose checkpoint runs inside a commit), it stays true, and the hooks leave the commits to the
    /// writer.
    /// </summary>
    public bool RestartDue => Interlocked.Read(ref _walFrames) >= RestartFrames;

    /// <summary>The WAL's frames as the passes and the commits count them (for tests and diagnostics).</summary>
    public long WalFrames => Interlocked.Read(ref _walFrames);

    /// <summary>True while the writes are held up by a checkpoint's second pass and the WAL restart after it.</summary>
    public bool WritesHeld => _held;

    /// <summary>Runs <paramref name="held"/> (inside the write gate) each time the writes become held up.</summary>
    public void OnWritesHeld(Action held) => _onHeld += held;

    /// <summary>How often, how long in all and at most the writes were held up by a second pass and the commit after it (diagnostics).</summary>
    public (long Count, TimeSpan Total, TimeSpan Longest) Holds =>
        (Interlocked.Read(ref _holds), TimeSpan.FromTicks(Interlocked.Read(ref _heldTicks)), TimeSpan.FromTicks(Interlocked.Read(ref _longestHeldTicks)));

    /// <summary>Checkpoints completed, with their pass inside the gate when the WAL was due for a restart (for tests and diagnostics).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>
    /// After a commit of <paramref name="records"/> records that wrote <paramref name="frames"/> pages to the WAL (inside
    /// the write gate): starts a checkpoint in the background when one is due (by the records, or by the WAL's frames)
    /// and none runs.
    /// </summary>
    public void Committed(int records, int frames)
    {
        // Called inside the write gate, after the commit: the first one after a second pass restarted the WAL.
        if (_restartPending)
        {
            _restartPending = false;
            Resume();
        }

        lock (_framesLock)
        {
            _walFrames += frames;
        }

        if ((Interlocked.Add(ref _records, records) < RecordsPerCheckpoint && !RestartDue) || _stopped
            || Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _records, 0);

        // On the pool's global queue, not this thread's local one: a hook committing inline does not yield its thread.
        _last = Task.Factory.StartNew(CheckpointAsync, CancellationToken.None, TaskCreationOptions.PreferFairness, TaskScheduler.Default).Unwrap();
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
                // One pass outside the gate. The WAL restarts (the pass inside the gate, and the header fsync of the commit
                // after it) only once it has grown past RestartFrames: each restart holds the writes up, however little
                // it copies.
                var frames = await CheckpointOnceAsync();
                if (frames is { Log: >= RestartFrames })
                {
                    await RestartAsync(frames.Value);
                }

                Interlocked.Increment(ref _completed);
                if (!MoreDue())
                {
                    break;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    // The pass inside the gate (it copies what was committed during the pass before), then the next commit restarts the
    // WAL.
    private async Task RestartAsync((long Log, long Checkpointed) frames)
    {
        using (await enterWrite(CancellationToken.None))
        {
            Hold();
            var started = time.GetTimestamp();
            var copied = await CheckpointOnceAsync();
            _lastPass = (time.GetElapsedTime(started), copied is { } c ? Math.Max(0, c.Log - frames.Log) : -1);
            _restartPending = true;
        }
    }

    // True (and the count restarted) when enough records were committed during the checkpoint for another one at once.
    private bool MoreDue()
    {
        var due = Interlocked.Exchange(ref _records, 0);
        if (due < RecordsPerCheckpoint)
        {
            Interlocked.Add(ref _records, due); // they count towards the next one
            return false;
        }

        return true;
    }

    // Inside the write gate: the hooks waiting for a commit stop waiting (and those that come while it lasts do not start).
    private void Hold()
    {
        _heldSince = time.GetTimestamp();
        _held = true;
        _onHeld?.Invoke();
    }

    // Inside the write gate: the writes go on.
    private void Resume()
    {
        var held = time.GetElapsedTime(_heldSince).Ticks;
        Interlocked.Increment(ref _holds);
        Interlocked.Add(ref _heldTicks, held);
        if (held > Interlocked.Read(ref _longestHeldTicks))
        {
            Interlocked.Exchange(ref _longestHeldTicks, held);
        }

        _held = false;
        lock (_framesLock)
        {
            _walFrames = 0;
            _restarts++;
        }

        Log.Held(logger, TimeSpan.FromTicks(held).TotalMilliseconds, _lastPass.Elapsed.TotalMilliseconds, _lastPass.Frames);
    }

    // The frames in the WAL and those in the database file after one PASSIVE checkpoint; null when it failed.
    private async Task<(long Log, long Checkpointed)?> CheckpointOnceAsync()
    {
        long restarts, counted;
        lock (_framesLock)
        {
            (restarts, counted) = (_restarts, _walFrames);
        }

        try
        {
            await using var connection = await open(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
            if (await reader.ReadAsync(CancellationToken.None))
            {
                var frames = (Log: reader.GetInt64(1), Checkpointed: reader.GetInt64(2));
                Count(frames.Log, restarts, counted);
                Log.Checkpointed(logger, frames.Log, frames.Checkpointed);
                return frames;
            }

            return null;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
        {
            // The next one (or the backstop) checkpoints instead; nothing is lost: the frames stay in the WAL.
            Log.Failed(logger, e.GetType().Name, LogText.Safe(e.Message));
            return null;
        }
    }

    // The frames the pass found take the place of those counted before it began (the commits during the pass stay
    // counted); not after a restart since (those frames are gone), nor when SQLite did not say (-1: busy).
    private void Count(long log, long restarts, long counted)
    {
        lock (_framesLock)
        {
            if (log >= 0 && _restarts == restarts)
            {
                _walFrames = log + Math.Max(0, _walFrames - counted);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Ledger (sqlite): WAL checkpoint in the background: {Frames} frame(s) in the WAL, {Checkpointed} in the database file")]
        public static partial void Checkpointed(ILogger logger, long frames, long checkpointed);

        [LoggerMessage(3, LogLevel.Debug, "Ledger (sqlite): writes held {HeldMs:0.000} ms by a checkpoint: its pass inside the write gate took {PassMs:0.000} ms (about {Frames} frame(s) committed since the pass before), then the commit that restarted the WAL")]
        public static partial void Held(ILogger logger, double heldMs, double passMs, long frames);

        [LoggerMessage(2, LogLevel.Warning, "Ledger (sqlite): a background WAL checkpoint failed ({Error}: {Message}); the next one or SQLite's automatic checkpoint takes its place")]
        public static partial void Failed(ILogger logger, string error, string message);
    }
}
