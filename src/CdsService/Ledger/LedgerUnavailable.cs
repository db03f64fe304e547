using System.Globalization;
using Cds.Service.Hooks;
using Cds.Service.Security;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Cds.Service.Ledger;

/// <summary>A write that must be on record before the caller is answered (feedback) found the ledger's store down.</summary>
internal sealed class LedgerUnavailableException(string message, Exception innerException) : Exception(message, innerException);

/// <summary>
/// Answers a <see cref="LedgerUnavailableException"/> with a fast 503, <c>Retry-After</c> and an OperationOutcome
/// (never a 500): the caller may retry once the store is back.
/// </summary>
internal sealed partial class LedgerUnavailableHandler(IOptions<SecurityOptions> options, ILogger<LedgerUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not LedgerUnavailableException unavailable)
        {
            return false;
        }

        Log.Unavailable(logger, httpContext.Request.Path.Value ?? string.Empty, unavailable.InnerException?.GetType().Name ?? "unknown");
        httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(options.Value.StoreDownRetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await HookHandler.Problem(StatusCodes.Status503ServiceUnavailable, "transient", unavailable.Message).ExecuteAsync(httpContext);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Answered 503 to {Path}: the ledger store cannot be reached ({Error})")]
        public static partial void Unavailable(ILogger logger, string path, string error);
    }
}
