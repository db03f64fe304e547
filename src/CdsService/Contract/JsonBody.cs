using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Net.Http.Headers;

namespace Cds.Service.Contract;

/// <summary>Why a request body was refused: the HTTP status, the OperationOutcome issue code and what to fix.</summary>
internal sealed record BodyProblem(int Status, string Code, string Diagnostics);

/// <summary>
/// Reads a request body as strict JSON: <c>Content-Type: application/json</c> (charset utf-8 or none, else 415), at
/// most <c>limit</c> bytes (413), within <c>timeout</c> (408), valid UTF-8 without lone surrogates in escapes, no
/// duplicate keys, at most 64 levels deep (400). Nothing about the body is trusted before these checks pass.
/// </summary>
internal static class JsonBody
{
    /// <summary>Limits for parsing request bodies: deep nesting and duplicate keys are refused.</summary>
    public static readonly JsonDocumentOptions ParseOptions = new()
    {
        MaxDepth = 64,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        AllowDuplicateProperties = false,
    };

    /// <summary>Bytes rented first when the body has no Content-Length (chunked); the buffer doubles from here, up to the limit.</summary>
    private const int FirstChunk = 16 * 1024;

    /// <summary>
    /// Reads the body into one pooled buffer sized by Content-Length (grown by doubling, at most to the limit, when it
    /// is chunked) and parses it in place; <paramref name="fhir"/> also accepts <c>application/fhir+json</c> (a FHIR
    /// operation). The caller disposes the body when the call is done.
    /// </summary>
    public static async Task<(RequestBody? Body, BodyProblem? Problem)> ReadAsync(HttpRequest request, long limit, TimeSpan timeout, CancellationToken cancellationToken, bool fhir = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HeaderProblem(request, limit, fhir) is { } refused)
        {
            return (null, refused);
        }

        var (bytes, problem) = await ReadBytesAsync(request, limit, timeout, null, cancellationToken);
        if (bytes is null)
        {
            return (null, problem);
        }

        var (body, invalid) = bytes.Parse(owned: true);
        if (body is null)
        {
            bytes.Dispose();
        }

        return (body, invalid);
    }

    /// <summary>What can be refused before a byte of the body is read: its Content-Type (415) and a declared length past the limit (413).</summary>
    public static BodyProblem? HeaderProblem(HttpRequest request, long limit, bool fhir = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ContentTypeProblem(request.ContentType, fhir) ?? (request.ContentLength > limit ? TooLarge(limit) : null);
    }

    /// <summary>The bytes a read holds first: Content-Length and one spare byte, or the first chunk of a chunked body.</summary>
    public static long FirstBufferBytes(HttpRequest request, long limit)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ContentLength is { } declared ? declared + 1 : Math.Min(FirstChunk, limit + 1);
    }

    /// <summary>
    /// Reads the body's bytes (headers checked by <see cref="HeaderProblem"/>) into one pooled buffer of
    /// <see cref="FirstBufferBytes"/>, doubled up to the limit when it is chunked; each doubling first grows
    /// <paramref name="reservation"/> when given (503 <c>throttled</c> when the budget has no room in time).
    /// </summary>
    public static async Task<(RawBody? Body, BodyProblem? Problem)> ReadBytesAsync(HttpRequest request, long limit, TimeSpan timeout, IBodyAllowance? reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);

        // One spare byte past Content-Length: the read that finds the end of the body needs room to return 0.
        var buffer = ArrayPool<byte>.Shared.Rent((int)FirstBufferBytes(request, limit));
        var length = 0;
        try
        {
            // Read at most limit + 1 bytes whatever Content-Length says (chunked bodies have none).
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), deadline.Token)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    return Refuse(TooLarge(limit));
                }

                if (length == buffer.Length)
                {
                    var size = (int)Math.Min((long)buffer.Length * 2, limit + 1);
                    if (reservation is not null && !await reservation.TryGrowToAsync(size, deadline.Token))
                    {
                        return Refuse(new BodyProblem(StatusCodes.Status503ServiceUnavailable, "throttled", "The request-body budget is spent (too many bodies are being read at once); the body could not be read within its budget."));
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(size);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Refuse(new BodyProblem(StatusCodes.Status408RequestTimeout, "timeout", $"The request body did not arrive within {timeout.TotalSeconds:0.###} s."));
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's limits: the body was too large, or arrived slower than the minimum data rate.
            return Refuse(e.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => TooLarge(limit),
                StatusCodes.Status408RequestTimeout => new BodyProblem(StatusCodes.Status408RequestTimeout, "timeout", "The request body arrived too slowly."),
                _ => new BodyProblem(StatusCodes.Status400BadRequest, "invalid", "The request body could not be read."),
            });
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return (new RawBody(buffer, length), null);

        (RawBody?, BodyProblem?) Refuse(BodyProblem refusal)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, refusal);
        }
    }

    /// <summary>Checks and parses UTF-8 JSON bytes.</summary>
    public static (JsonDocument? Document, BodyProblem? Problem) Parse(ReadOnlyMemory<byte> utf8)
    {
        // A UTF-8 byte order mark is not part of the JSON text (RFC 8259 §8.1 lets a parser ignore it).
        if (utf8.Span.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        if (!Utf8.IsValid(utf8.Span))
        {
            return (null, Invalid("The request body is not valid UTF-8."));
        }

        if (LoneSurrogateAt(utf8.Span) is { } at)
        {
            return (null, Invalid($"The request body has a lone UTF-16 surrogate escape (\\uD800–\\uDFFF without its pair) at byte {at}."));
        }

        try
        {
            return (JsonDocument.Parse(utf8, ParseOptions), null);
        }
        catch (JsonException e)
        {
            // The parser's message says where the JSON broke (duplicate keys included); it holds no request content.
            return (null, Invalid($"The request body is not valid JSON: {e.Message}"));
        }
    }

    private static BodyProblem? ContentTypeProblem(string? contentType, bool fhir)
    {
        if (MediaTypeHeaderValue.TryParse(contentType, out var media)
            && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || (fhir && media.MediaType.Equals("application/fhir+json", StringComparison.OrdinalIgnoreCase)))
            && (!media.Charset.HasValue || media.Charset.Value.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var sent = string.IsNullOrEmpty(contentType) ? "none" : $"'{LogText.Safe(contentType, 100)}'";
        return new BodyProblem(StatusCodes.Status415UnsupportedMediaType, "not-supported", $"The request body must be JSON sent with 'Content-Type: application/json' (charset utf-8 or none); the Content-Type was {sent}.");
    }

    /// <summary>
    /// The byte offset of a <c>\uXXXX</c> escape that is half of a surrogate pair without its other half, or null.
    /// Valid UTF-8 cannot hold a surrogate itself, so escapes are the only way one gets in.
    /// </summary>
    internal static int? LoneSurrogateAt(ReadOnlySpan<byte> json)
    {
        var i = 0;
        while (i < json.Length)
        {
            var slash = json[i..].IndexOf((byte)'\\');
            if (slash < 0)
            {
                return null;
            }

            i += slash;
            if (i + 1 >= json.Length)
            {
                return null;
            }

            if (json[i + 1] != (byte)'u')
            {
                i += 2; // \" \\ \/ \n …: the next character is escaped, whatever it is
                continue;
            }

            if (Hex(json, i + 2) is not { } unit)
            {
                i += 2; // not a valid escape: the parser will say so
                continue;
            }

            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return i;
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 7 < json.Length && json[i + 6] == (byte)'\\' && json[i + 7] == (byte)'u' && Hex(json, i + 8) is >= 0xDC00 and <= 0xDFFF)
                {
                    i += 12;
                    continue;
                }

                return i;
            }

            i += 6;
        }

        return null;
    }

    private static int? Hex(ReadOnlySpan<byte> json, int start)
    {
        if (start + 4 > json.Length)
        {
            return null;
        }

        var value = 0;
        foreach (var b in json.Slice(start, 4))
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return null;
            }

            value = (value << 4) | digit;
        }

        return value;
    }

    private static BodyProblem Invalid(string diagnostics) => new(StatusCodes.Status400BadRequest, "invalid", diagnostics);

    private static BodyProblem TooLarge(long limit) => new(StatusCodes.Status413PayloadTooLarge, "too-costly", $"The request body is larger than {limit} bytes.");
}
