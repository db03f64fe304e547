using System.Globalization;
using System.Text.Json;
using Cds.Service.Contract;

namespace Cds.Service.Hooks;

/// <summary>The one place where a hook call's outcome becomes HTTP: status, body, content type and headers.</summary>
internal static class HookResults
{
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>Maps an outcome to its answer, serialized once so that what the ledger keeps is what is sent.</summary>
    public static HookAnswer Map(HookOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome switch
        {
            HookOutcome.Answered answered => Cds(answered.Response),
            HookOutcome.NothingToSay => Cds(CdsResponse.Empty),
            HookOutcome.Rejected rejected => Outcome(rejected.Status, rejected.Code, rejected.Diagnostics, null),
            HookOutcome.Overloaded overloaded => Outcome(StatusCodes.Status503ServiceUnavailable, "throttled", overloaded.Diagnostics, overloaded.RetryAfter),
            _ => throw new InvalidOperationException($"Unmapped hook outcome {outcome.GetType().Name}."),
        };
    }

    private static HookAnswer Cds(CdsResponse response) =>
        new(StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(response, CdsJsonContext.Default.CdsResponse), JsonContentType, null, response);

    private static HookAnswer Outcome(int status, string code, string diagnostics, TimeSpan? retryAfter) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(OperationOutcome.Error(code, diagnostics), ContractJsonContext.Default.OperationOutcome), Problem.ContentType, retryAfter, null);
}

/// <summary>A hook call's answer, already serialized: sent as is.</summary>
internal sealed record HookAnswer(int Status, byte[] Body, string ContentType, TimeSpan? RetryAfter, CdsResponse? Response)
    : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    int? IStatusCodeHttpResult.StatusCode => Status;

    string? IContentTypeHttpResult.ContentType => ContentType;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = Status;
        httpContext.Response.ContentType = ContentType;
        httpContext.Response.ContentLength = Body.Length;
        if (RetryAfter is { } retryAfter)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await httpContext.Response.Body.WriteAsync(Body, httpContext.RequestAborted);
    }
}
