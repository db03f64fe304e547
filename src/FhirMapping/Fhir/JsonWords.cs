using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// JSON string values joined by a space, exactly as <c>string.Join(" ", values.Select(v => v.GetString()))</c> would
/// join them, but in one pooled buffer: a screen that only asks whether a pattern matches the words (the relevance
/// filter, for every Observation of a record) makes no string of them. A value without escapes is transcoded from the
/// document's UTF-8 in place; an escaped one is unescaped by <see cref="JsonElement.GetString"/> first. Dispose returns
/// the buffer.
/// </summary>
internal struct JsonWords : IDisposable
{
    private char[]? _buffer;
    private int _length;
    private int _count;

    /// <summary>The words so far, joined by a space (empty when there are none).</summary>
    public readonly ReadOnlySpan<char> Text => _buffer.AsSpan(0, _length);

    /// <summary>Adds the value of a JSON string (the caller checked its kind).</summary>
    public void Add(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length >= 2 && raw[0] == (byte)'"' && raw[^1] == (byte)'"' && raw[1..^1].IndexOf((byte)'\\') < 0)
        {
            // The document is valid UTF-8, and UTF-8 never takes fewer bytes than UTF-16 takes chars.
            var chars = Reserve(raw.Length - 2);
            _length += Encoding.UTF8.GetChars(raw[1..^1], chars);
            return;
        }

        var text = value.GetString()!;
        text.AsSpan().CopyTo(Reserve(text.Length));
        _length += text.Length;
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    // Room for one more word of at most `chars` chars (after the separating space, when there is a word before it).
    private Span<char> Reserve(int chars)
    {
        var separator = _count++ > 0 ? 1 : 0;
        var needed = _length + separator + chars;
        if (_buffer is null || _buffer.Length < needed)
        {
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(needed, 256));
            Text.CopyTo(larger);
            Dispose();
            _buffer = larger;
        }

        if (separator == 1)
        {
            _buffer[_length++] = ' ';
        }

        return _buffer.AsSpan(_length, chars);
    }
}
