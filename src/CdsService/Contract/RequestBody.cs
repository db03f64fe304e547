using System.Buffers;
using System.Text.Json;

namespace Cds.Service.Contract;

/// <summary>
/// A request body read into one pooled buffer and parsed in place (<see cref="JsonDocument"/> does not copy it):
/// disposing releases the document, then returns the buffer to the pool when the body owns it (else its
/// <see cref="RawBody"/> does). Nothing may use <see cref="RootElement"/> after that (a disposed document throws; it
/// never reads a reused buffer).
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private readonly JsonDocument _document;
    private byte[]? _rented;

    public RequestBody(JsonDocument document, byte[]? rented)
    {
        _document = document;
        _rented = rented;
    }

    public JsonElement RootElement => _document.RootElement;

    public void Dispose()
    {
        _document.Dispose();
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
