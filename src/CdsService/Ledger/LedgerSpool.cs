using Cds.Service.Contract;
using System.Globalization;
using System.Text.Json;
using Cds.Service.Policy;
using Microsoft.Extensions.Options;

namespace Cds.Service.Ledger;

/// <summary>
/// Records the store could not take (it was down past every retry, the queue was full, or older records still wait
/// here), one JSON file per record in <c>{Cds:DataDirectory}/ledger-spool</c>, in every environment. Each file is
/// written owner-only (0600, the directory 0700) to a temporary name, flushed to disk and renamed, so a file that exists
/// is whole. Names start with a sequence number that keeps growing across restarts, so the spool replays in the order
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

    public string DirectoryPath => Path.GetFullPath(Path.Combine(options.Value.DataDirectory, "ledger-spool"));

    /// <summary>How many records wait in the spool.</summary>
    public int Count => Directory.Exists(DirectoryPath) ? Directory.EnumerateFiles(DirectoryPath, "*" + Extension).Count() : 0;

    /// <summary>True when at least one record waits (cheaper than <see cref="Count"/>).</summary>
    public bool HasRecords => Directory.Exists(DirectoryPath) && Directory.EnumerateFiles(DirectoryPath, "*" + Extension).Any();

    /// <summary>How many records the store refused and were set aside for manual recovery.</summary>
    public int RejectedCount => Directory.Exists(DirectoryPath) ? Directory.EnumerateFiles(DirectoryPath, "*" + RejectedExtension).Count() : 0;

    /// <summary>Keeps <paramref name="record"/>; the file's path, or null (and an error log) when even that failed.</summary>
    public Task<string?> SaveAsync(HookCallRecord record, CancellationToken cancellationToken) => SaveAsync(record, Extension, cancellationToken);

    /// <summary>
    /// Keeps a copy of a record the store has not committed within the hook's bound, before the hook answers (so a crash
    /// of the process cannot lose it). Unlike a spooled record it does not hold back the records after it: the writer
    /// removes it once the record is committed; one left by a crash is replayed with the spool at the next start.
    /// </summary>
    public Task<string?> SaveSafetyCopyAsync(HookCallRecord record, CancellationToken cancellationToken) => SaveAsync(record, SafetyCopyExtension, cancellationToken);

    private async Task<string?> SaveAsync(HookCallRecord record, string extension, CancellationToken cancellationToken)
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
                file.Flush(flushToDisk: true);
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

        [LoggerMessage(3, LogLevel.Critical, "Ledger record {RecordId} is refused by the store while it accepts other records ({Error}); set aside as {Path} for manual recovery")]
        public static partial void Rejected(ILogger logger, string recordId, string error, string path);
    }
}
