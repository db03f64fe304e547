using Cds.Service.Contract;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Cds.Service.Policy;
using Microsoft.Extensions.Options;

namespace Cds.Service.Ledger;

/// <summary>
/// Records the store could not take (it was down past every retry, the queue was full, or older records still wait
/// here), one JSON file per record in <c>{Cds:DataDirectory}/ledger-spool</c>, in every environment. Each file is
/// written owner-only (0600, the directory 0700) to a temporary name, flushed to disk and renamed, so a file that exists
/// is whole (a safety copy for a store whose commits are not flushed either is written the same way without the flush:
/// whole after a crash of the process, perhaps missing after a power loss, like the commit it stands in for). Names start with a sequence number that keeps growing across restarts, so the spool replays in the order
/// records were spooled; writes are idempotent, so a file offered twice is kept once. A record the store refuses while
/// it accepts others is set aside as <c>.rejected</c> for manual recovery instead of blocking the ones behind it.
/// </summary>
internal sealed partial class LedgerSpool(IOptions<CdsOptions> options, ILogger<LedgerSpool> logger)
{
    private const string Extension = ".json";
    private const string RejectedExtension = ".rejected";
    private const string SafetyCopyExtension = ".safe";
    private const int SequenceDigits = 12;

    private readonly Lock _sequenceGate = new();
    private long _sequence = -1;

    // Safety copies whose records are committed, waiting to be deleted off the hook's and the writer's time.
    private readonly Channel<string> _removals = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private int _removing;

    public string DirectoryPath => Path.GetFullPath(Path.Combine(options.Value.DataDirectory, "ledger-spool"));

    /// <summary>How many records wait in the spool.</summary>
    public int Count => Directory.Exists(DirectoryPath) ? Directory.EnumerateFiles(DirectoryPath, "*" + Extension).Count() : 0;

    /// <summary>True when at least one record waits (cheaper than <see cref="Count"/>).</summary>
    public bool HasRecords => Directory.Exists(DirectoryPath) && Directory.EnumerateFiles(DirectoryPath, "*" + Extension).Any();

    /// <summary>How many records the store refused and were set aside for manual recovery.</summary>
    public int RejectedCount => Directory.Exists(DirectoryPath) ? Directory.EnumerateFiles(DirectoryPath, "*" + RejectedExtension).Count() : 0;

    /// <summary>Keeps <paramref name="record"/> (flushed to disk); the file's path, or null (and an error log) when even that failed.</summary>
    public Task<string?> SaveAsync(HookCallRecord record, CancellationToken cancellationToken) => SaveAsync(record, Extension, flushToDisk: true, cancellationToken);

    /// <summary>
    /// Keeps a copy of a record the store has not committed within the hook's bound, before the hook answers (so a crash
    /// of the process cannot lose it). Unlike a spooled record it does not hold back the records after it: the writer
    /// removes it once the record is committed; one left by a crash is replayed with the spool at the next start. Without
    /// <paramref name="flushToDisk"/> the copy survives a crash of the process but not necessarily a power loss: for a
    /// store whose commit gives no more than that (SQLite at <c>synchronous=NORMAL</c>, <see cref="ILocalLedgerStore"/>).
    /// </summary>
    public Task<string?> SaveSafetyCopyAsync(HookCallRecord record, bool flushToDisk, CancellationToken cancellationToken) =>
        SaveAsync(record, SafetyCopyExtension, flushToDisk, cancellationToken);

    private async Task<string?> SaveAsync(HookCallRecord record, string extension, bool flushToDisk, CancellationToken cancellationToken)
    {
        var bounded = LedgerLimits.Bound(record);
        try
        {
            LedgerFiles.EnsurePrivateDirectory(DirectoryPath);
            var path = Path.Combine(DirectoryPath, $"{NextSequence().ToString("D" + SequenceDigits, CultureInfo.InvariantCulture)}-{FileSafe(bounded.Id)}{extension}");
            var temporary = path + ".tmp";
            await using (var file = new FileStream(temporary, LedgerFiles.NewPrivateFile()))
            {
                await JsonSerializer.SerializeAsync(file, bounded, LedgerJsonContext.Default.HookCallRecord, cancellationToken);
                await file.FlushAsync(cancellationToken);
                if (flushToDisk)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            File.Move(temporary, path, overwrite: true);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            Log.SaveFailed(logger, bounded.Id, e.GetType().Name, LogText.Safe(e.Message));
            return null;
        }
    }

    /// <summary>
    /// The spooled files and safety copies in the order they were written (files of an older build, named by id only,
    /// first): what a spool round replays.
    /// </summary>
    public IReadOnlyList<string> Files() =>
        Directory.Exists(DirectoryPath)
            ? [.. Directory.EnumerateFiles(DirectoryPath, "*" + Extension).Concat(Directory.EnumerateFiles(DirectoryPath, "*" + SafetyCopyExtension))
                .OrderBy(Sequence).ThenBy(p => p, StringComparer.Ordinal)]
            : [];

    /// <summary>Reads a spooled record; a file that cannot be read is set aside as <c>.bad</c> (and logged) and null returned.</summary>
    public async Task<HookCallRecord?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
            return await JsonSerializer.DeserializeAsync(file, LedgerJsonContext.Default.HookCallRecord, cancellationToken)
                ?? throw new JsonException("The spool file holds null.");
        }
        catch (FileNotFoundException)
        {
            return null; // a safety copy its record's commit removed meanwhile
        }
        catch (JsonException e)
        {
            Log.Unreadable(logger, path, LogText.Safe(e.Message));
            File.Move(path, path + ".bad", overwrite: true);
            return null;
        }
    }

    /// <summary>Sets a record the store refuses aside (<c>.rejected</c>), so the records behind it are not blocked.</summary>
    public void Reject(string path, string recordId, string error)
    {
        File.Move(path, Path.ChangeExtension(path, RejectedExtension), overwrite: true);
        Log.Rejected(logger, recordId, error, Path.ChangeExtension(path, RejectedExtension));
    }

    /// <summary>
    /// Deletes a safety copy whose record is committed, in the background: an unlink can wait for the disk (ext4 mounted
    /// with <c>discard</c> and no journal discards the file's blocks inside the call). A copy not deleted yet (the
    /// process dies first) is replayed at the next start and kept once, as a record written twice is.
    /// </summary>
    public void RemoveLater(string path)
    {
        _removals.Writer.TryWrite(path);
        if (Interlocked.CompareExchange(ref _removing, 1, 0) == 0)
        {
            _ = Task.Run(DrainRemovals, CancellationToken.None);
        }
    }

    // One at a time, until none is left (a path queued while this one stops is seen by the check after the flag is down).
    private void DrainRemovals()
    {
        do
        {
            while (_removals.Reader.TryRead(out var path))
            {
                try
                {
                    Remove(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Log.RemoveFailed(logger, Path.GetFileName(path), e.GetType().Name); // replayed at the next start, kept once
                }
            }

            Volatile.Write(ref _removing, 0);
        }
        while (_removals.Reader.TryPeek(out _) && Interlocked.CompareExchange(ref _removing, 1, 0) == 0);
    }

    public static void Remove(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone with its directory.
        }
    }

    private long NextSequence()
    {
        lock (_sequenceGate)
        {
            if (_sequence < 0)
            {
                _sequence = Directory.Exists(DirectoryPath)
                    ? Directory.EnumerateFiles(DirectoryPath).Select(Sequence).DefaultIfEmpty(0).Max()
                    : 0;
            }

            return ++_sequence;
        }
    }

    // The sequence of a spool file name ("000000000042-<id>.json"); 0 for a name without one.
    private static long Sequence(string path)
    {
        var name = Path.GetFileName(path);
        return name.Length > SequenceDigits && name[SequenceDigits] == '-'
            && long.TryParse(name.AsSpan(0, SequenceDigits), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : 0;
    }

    private static string FileSafe(string id) =>
        string.Concat(id.Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').Take(64));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Ledger record {RecordId} could not be written to the spool: {Error}: {Message}")]
        public static partial void SaveFailed(ILogger logger, string recordId, string error, string message);

        [LoggerMessage(2, LogLevel.Error, "Ledger spool file {Path} cannot be read ({Message}); set aside as .bad for manual recovery")]
        public static partial void Unreadable(ILogger logger, string path, string message);

        [LoggerMessage(4, LogLevel.Warning, "Ledger safety copy {File} of a committed record could not be removed ({Error}); the next start replays it (kept once)")]
        public static partial void RemoveFailed(ILogger logger, string file, string error);

        [LoggerMessage(3, LogLevel.Critical, "Ledger record {RecordId} is refused by the store while it accepts other records ({Error}); set aside as {Path} for manual recovery")]
        public static partial void Rejected(ILogger logger, string recordId, string error, string path);
    }
}
