using Cds.Service.Contract;
using Cds.Service.Discovery;
using Cds.Service.Hooks;
using Microsoft.Extensions.Options;

namespace Cds.Service.Feedback;

/// <summary><c>POST /cds-services/{id}/feedback</c> (CDS Hooks 2.0 §Feedback), under the same trust as the hooks.</summary>
internal static class FeedbackEndpoints
{
    public static IEndpointRouteBuilder MapFeedback(this IEndpointRouteBuilder app)
    {
        CdsHooksEndpoints.Group(app).MapPost("/{id}/feedback", PostFeedbackAsync);
        return app;
    }

    private static async Task<IResult> PostFeedbackAsync(
        string id,
        HttpRequest request,
        DiscoveryDocument discovery,
        FeedbackStore store,
        IOptions<FeedbackOptions> feedback,
        IOptions<DeadlineOptions> deadlines,
        CancellationToken cancellationToken)
    {
        if (discovery.Find(id) is null)
        {
            return Problem.Result(StatusCodes.Status404NotFound, "not-found", $"There is no CDS service '{LogText.Safe(id, 100)}'.");
        }

        var (document, problem) = await JsonBody.ReadAsync(request, feedback.Value.MaxBodyBytes, deadlines.Value.BodyRead, cancellationToken);
        if (document is null)
        {
            return Problem.Result(problem!.Status, problem.Code, problem.Diagnostics);
        }

        using (document)
        {
            if (FeedbackRequest.Parse(document.RootElement, feedback.Value, out var refusal) is not { } items)
            {
                return Problem.Result(refusal!.Status, refusal.Code, refusal.Diagnostics);
            }

            await store.AppendAsync(id, request.HttpContext.User.FindFirst("iss")?.Value, items, cancellationToken);
            return TypedResults.Json(new FeedbackAccepted(items.Count), CdsJsonContext.Default.FeedbackAccepted);
        }
    }
}
