using Cds.Service.Security;
using Microsoft.AspNetCore.Diagnostics;

namespace Cds.Service.Ledger;

/// <summary>A write that must be on record before the caller is answered (feedback) found the ledger's store down.</summary>
internal sealed class LedgerUnavailableException(string message, Exception innerException) : Exception(message, innerException);

/// <summary>
/// Answers a <see cref="LedgerUnavailableException"/> with a fast 503, <c>Retry-After</c> and an OperationOutcome
/// (never a 500): the caller may retry once the store is back.
/// </summary>
internal sealed partial class LedgerUnavailableHandler(ILogger<LedgerUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not LedgerUnavailableException unavailable)
        {
            return false;
        }

        Log.Unavailable(logger, httpContext.Request.Path.Value ?? string.Empty, unavailable.InnerException?.GetType().Name ?? "unknown");
        await StoreDownAnswer.WriteAsync(httpContext, unavailable.Message);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Answered 503 to {Path}: the ledger store cannot be reached ({Error})")]
        public static partial void Unavailable(ILogger logger, string path, string error);
    }
}
