using System.Buffers;
using System.Text.Json;
using Cds.Service.Contract;

namespace Cds.Service.Prefetch;

/// <summary>A FHIR server's answer was longer than <see cref="FhirOptions.MaxResponseBytes"/>.</summary>
internal sealed class ResponseTooLargeException : Exception;

/// <summary>
/// Reads one answer of the EHR's FHIR server: at most <c>limit</c> bytes, into one pooled buffer sized by Content-Length
/// (doubled, up to the limit, when the answer is chunked), checked and parsed as a request body is
/// (<see cref="JsonBody.Parse"/>: a FHIR server's answer is no more trusted than the EHR's request), and detached from
/// the buffer, which goes back to the pool. One copy of the answer is kept; nothing is allocated per read chunk.
/// </summary>
internal static class FhirAnswerReader
{
    /// <summary>Bytes rented first when the answer has no Content-Length (chunked).</summary>
    private const int FirstChunk = 16 * 1024;

    /// <exception cref="ResponseTooLargeException">The answer is longer than <paramref name="limit"/> bytes.</exception>
    /// <exception cref="JsonException">The answer is not strict JSON.</exception>
    public static async Task<JsonElement> ReadAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Headers.ContentLength > limit)
        {
            throw new ResponseTooLargeException();
        }

        // One spare byte past Content-Length: the read that finds the end of the answer needs room to return 0.
        var buffer = ArrayPool<byte>.Shared.Rent(content.Headers.ContentLength is { } declared ? (int)declared + 1 : Math.Min(FirstChunk, limit + 1));
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            var length = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    throw new ResponseTooLargeException();
                }

                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            var (document, problem) = JsonBody.Parse(buffer.AsMemory(0, length));
            using (document ?? throw new JsonException(problem!.Diagnostics))
            {
                return document.RootElement.Clone();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
