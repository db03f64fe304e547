using System.Globalization;
using Cds.Service.Contract;
using Microsoft.Extensions.Options;

namespace Cds.Service.Security;

/// <summary>
/// The one answer to a call that cannot be handled because the shared store is down (the jti replay check, feedback
/// that must be on record): 503, <c>Retry-After</c> (<see cref="SecurityOptions.StoreDownRetryAfter"/>) and an
/// OperationOutcome <c>transient</c>. Never a 500, never a 401 for a token that may be fine.
/// </summary>
internal static class StoreDownAnswer
{
    public static Task WriteAsync(HttpContext context, string diagnostics)
    {
        var retryAfter = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.StoreDownRetryAfter;
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problem.Result(StatusCodes.Status503ServiceUnavailable, "transient", diagnostics).ExecuteAsync(context);
    }
}
