using Cds.Service.Contract;
using Microsoft.AspNetCore.Diagnostics;

namespace Cds.Service.Hosting;

/// <summary>
/// The last resort: an exception nothing else handled. A request the server could not read (Kestrel's limits) keeps
/// its 4xx; anything else is a bug, answered 500 with an OperationOutcome <c>exception</c> and never a stack trace;
/// the exception's type and where it happened are logged, not its message (it may quote request content).
/// </summary>
internal sealed partial class CdsExceptionHandler(ILogger<CdsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);
        if (httpContext.RequestAborted.IsCancellationRequested)
        {
            return true; // the client went away: nobody to answer
        }

        if (exception is BadHttpRequestException bad)
        {
            Log.BadRequest(logger, LogText.Safe(httpContext.Request.Path.Value, 200), bad.StatusCode);
            await Problem.Result(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "too-costly" : "invalid", "The request could not be read.").ExecuteAsync(httpContext);
            return true;
        }

        Log.Unexpected(logger, LogText.Safe(httpContext.Request.Path.Value, 200), exception.GetType().FullName ?? exception.GetType().Name, LogText.Safe(exception.TargetSite?.DeclaringType?.FullName + "." + exception.TargetSite?.Name, 300));
        await Problem.Result(StatusCodes.Status500InternalServerError, "exception", "An unexpected error occurred; it has been logged.").ExecuteAsync(httpContext);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Unexpected {ExceptionType} at {Site} answering {Path}: answered 500")]
        public static partial void Unexpected(ILogger logger, string path, string exceptionType, string site);

        [LoggerMessage(2, LogLevel.Information, "A request to {Path} could not be read: answered {Status}")]
        public static partial void BadRequest(ILogger logger, string path, int status);
    }
}
