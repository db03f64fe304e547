using System.Buffers;

namespace Cds.Service.Contract;

/// <summary>
/// A request body's bytes in one pooled buffer, not yet parsed: a hook call holds these while it waits for its slot and
/// parses them only once it has one (the parse doubles what a body holds). Disposing returns the buffer to the pool;
/// nothing may use <see cref="Bytes"/> or a document parsed from them after that.
/// </summary>
internal sealed class RawBody : IDisposable
{
    private readonly int _length;
    private byte[]? _rented;

    public RawBody(byte[] rented, int length)
    {
        _rented = rented;
        _length = length;
    }

    /// <summary>The body's length in bytes.</summary>
    public int Length => _length;

    public ReadOnlyMemory<byte> Bytes => (_rented ?? throw new ObjectDisposedException(nameof(RawBody))).AsMemory(0, _length);

    /// <summary>
    /// Parses the bytes in place (<see cref="JsonBody.Parse"/>). With <paramref name="owned"/> the body hands its buffer
    /// to the document (disposing the document returns it); otherwise this stays the buffer's owner and must outlive the document.
    /// </summary>
    public (RequestBody? Body, BodyProblem? Problem) Parse(bool owned)
    {
        var (document, problem) = JsonBody.Parse(Bytes);
        if (document is null)
        {
            return (null, problem);
        }

        return (new RequestBody(document, owned ? Interlocked.Exchange(ref _rented, null) : null), null);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
