using System.Text;
using System.Text.Json;
using Cds.Service.Policy;
using Microsoft.Extensions.Options;

namespace Cds.Service.Feedback;

/// <summary>
/// Keeps CDS Hooks feedback (accepted / overridden cards, override reasons) as JSON lines in the data directory,
/// flushed before the EHR is answered, so an accepted item survives a restart.
/// </summary>
internal sealed class FeedbackStore(IOptions<CdsOptions> options, TimeProvider timeProvider) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string FilePath => Path.GetFullPath(Path.Combine(options.Value.DataDirectory, "feedback.jsonl"));

    public async Task AppendAsync(string serviceId, IReadOnlyList<JsonElement> items, CancellationToken cancellationToken)
    {
        var lines = new StringBuilder();
        var receivedAt = timeProvider.GetUtcNow();
        foreach (var item in items)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("serviceId", serviceId);
                writer.WriteString("receivedAt", receivedAt);
                writer.WritePropertyName("feedback");
                item.WriteTo(writer);
                writer.WriteEndObject();
            }

            lines.Append(Encoding.UTF8.GetString(buffer.ToArray())).Append('\n');
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            await using var file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read);
            await file.WriteAsync(Encoding.UTF8.GetBytes(lines.ToString()), cancellationToken);
            await file.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
