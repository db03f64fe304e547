using System.Text.Json;
using Cds.Service.Policy;
using Microsoft.Extensions.Options;

namespace Cds.Service.Ledger;

/// <summary>
/// Records the store could not take (it was down past every retry, or the queue was full), one JSON file per record in
/// <c>{Cds:DataDirectory}/ledger-spool</c>, written to a temporary name, flushed to disk and renamed, so a file that
/// exists is whole. The writer offers them to the store again (at start and then periodically) and deletes each once
/// written; writes are idempotent, so a file offered twice is kept once.
/// </summary>
internal sealed partial class LedgerSpool(IOptions<CdsOptions> options, ILogger<LedgerSpool> logger)
{
    private const string Extension = ".json";

    public string DirectoryPath => Path.GetFullPath(Path.Combine(options.Value.DataDirectory, "ledger-spool"));

    /// <summary>How many records wait in the spool.</summary>
    public int Count => Directory.Exists(DirectoryPath) ? Directory.EnumerateFiles(DirectoryPath, "*" + Extension).Count() : 0;

    /// <summary>Keeps <paramref name="record"/>; false (and an error log) when even that failed.</summary>
    public async Task<bool> SaveAsync(HookCallRecord record, CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(DirectoryPath);
            var path = Path.Combine(DirectoryPath, record.Id + Extension);
            var temporary = path + ".tmp";
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await JsonSerializer.SerializeAsync(file, record, LedgerJsonContext.Default.HookCallRecord, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            Log.SaveFailed(logger, record.Id, e.GetType().Name, e.Message);
            return false;
        }
    }

    /// <summary>The spooled files, oldest first (ids are UUID v7, so names sort by time).</summary>
    public IReadOnlyList<string> Files() =>
        Directory.Exists(DirectoryPath)
            ? [.. Directory.EnumerateFiles(DirectoryPath, "*" + Extension).Order(StringComparer.Ordinal)]
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
        catch (JsonException e)
        {
            Log.Unreadable(logger, path, e.Message);
            File.Move(path, path + ".bad", overwrite: true);
            return null;
        }
    }

    public static void Remove(string path) => File.Delete(path);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Ledger record {RecordId} could not be written to the spool: {Error}: {Message}")]
        public static partial void SaveFailed(ILogger logger, string recordId, string error, string message);

        [LoggerMessage(2, LogLevel.Error, "Ledger spool file {Path} cannot be read ({Message}); set aside as .bad for manual recovery")]
        public static partial void Unreadable(ILogger logger, string path, string message);
    }
}
