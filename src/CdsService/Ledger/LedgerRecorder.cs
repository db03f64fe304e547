using System.Security.Claims;
using System.Text.Json;
using Cds.Service.Hooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cds.Service.Ledger;

/// <summary>
/// Puts each hook call on record: the endpoint opens an entry, the handler fills it, and the answer is serialized once
/// here so that what is kept is byte for byte what is sent. The answer waits for the record at most
/// <see cref="LedgerOptions.WriteWait"/>.
/// </summary>
internal sealed partial class LedgerRecorder(LedgerWriter writer, TimeProvider time, ILogger<LedgerRecorder> logger)
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public LedgerEntry Begin(string serviceId, ClaimsPrincipal caller) => new(serviceId, caller, time);

    /// <summary>Records the answer and returns it, serialized, for sending.</summary>
    public async Task<IResult> RecordAsync(LedgerEntry entry, IResult result, CancellationToken cancellationToken)
    {
        entry.Stage("answer");
        var (body, contentType, status, cards) = result switch
        {
            JsonHttpResult<CdsResponse> json => (
                JsonSerializer.SerializeToUtf8Bytes(json.Value!, CdsJsonContext.Default.CdsResponse),
                json.ContentType ?? JsonContentType,
                json.StatusCode ?? StatusCodes.Status200OK,
                Cards(json.Value!)),
            JsonHttpResult<OperationOutcome> json => (
                JsonSerializer.SerializeToUtf8Bytes(json.Value!, CdsJsonContext.Default.OperationOutcome),
                json.ContentType ?? JsonContentType,
                json.StatusCode ?? StatusCodes.Status200OK,
                []),
            _ => (null, null, (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK, []),
        };
        entry.Stage("serialize");
        if (body is null)
        {
            Log.NotCaptured(logger, entry.Id, result.GetType().Name);
        }

        var record = entry.Complete(status, body, cards, body is null ? $"response not captured ({result.GetType().Name})" : null);
        await writer.SubmitAsync(record, cancellationToken);
        return body is null ? result : new SerializedJsonResult(body, contentType!, status);
    }

    /// <summary>Records a call that ended in an unexpected error (answered 500 by the error handler).</summary>
    public async Task RecordFailureAsync(LedgerEntry entry, Exception exception)
    {
        entry.Stage("answer");
        await writer.SubmitAsync(entry.Complete(StatusCodes.Status500InternalServerError, null, [], exception.GetType().Name), CancellationToken.None);
    }

    private static IReadOnlyList<CardRecord> Cards(CdsResponse response) =>
        [.. response.Cards.Select(c => new CardRecord(c.Uuid, c.Extension?.AssociatedResource is { Count: > 0 } associated ? associated[0].Reference : null))];

    /// <summary>JSON already serialized: sent as is.</summary>
    private sealed class SerializedJsonResult(byte[] body, string contentType, int statusCode) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => statusCode;

        public string? ContentType => contentType;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = statusCode;
            httpContext.Response.ContentType = contentType;
            httpContext.Response.ContentLength = body.Length;
            await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Ledger record {RecordId}: the answer ({ResultType}) could not be captured; its status is kept without its body")]
        public static partial void NotCaptured(ILogger logger, string recordId, string resultType);
    }
}
