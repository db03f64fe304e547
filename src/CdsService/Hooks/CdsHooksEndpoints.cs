using System.Text.Json;
using Cds.Service.Discovery;
using Cds.Service.Feedback;

namespace Cds.Service.Hooks;

/// <summary>The CDS Hooks HTTP surface: discovery, the hook services and their feedback endpoints.</summary>
internal static class CdsHooksEndpoints
{
    public static IEndpointRouteBuilder MapCdsHooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cds-services").WithTags("CDS Hooks");
        group.MapGet(string.Empty, GetDiscovery);
        group.MapPost("/{id}", PostHookAsync);
        group.MapPost("/{id}/feedback", PostFeedbackAsync);
        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult GetDiscovery(DiscoveryDocument discovery) => TypedResults.Bytes(discovery.Json, "application/json");

    private static async Task<IResult> PostHookAsync(string id, HttpRequest request, HookHandler handler, CancellationToken cancellationToken)
    {
        var (document, problem) = await ReadJsonAsync(request, cancellationToken);
        if (document is null)
        {
            return problem!;
        }

        using (document)
        {
            return await handler.HandleAsync(id, document.RootElement, BaseUrl(request), cancellationToken);
        }
    }

    private static async Task<IResult> PostFeedbackAsync(string id, HttpRequest request, DiscoveryDocument discovery, FeedbackStore store, CancellationToken cancellationToken)
    {
        if (discovery.Find(id) is null)
        {
            return HookHandler.Problem(StatusCodes.Status404NotFound, "not-found", $"There is no CDS service '{id}'.");
        }

        var (document, problem) = await ReadJsonAsync(request, cancellationToken);
        if (document is null)
        {
            return problem!;
        }

        using (document)
        {
            if (FeedbackRequest.Parse(document.RootElement, out var error) is not { } items)
            {
                return HookHandler.Problem(StatusCodes.Status400BadRequest, "invalid", error!);
            }

            await store.AppendAsync(id, items, cancellationToken);
            return TypedResults.Json(new FeedbackAccepted(items.Count), CdsJsonContext.Default.FeedbackAccepted);
        }
    }

    private static async Task<(JsonDocument? Document, IResult? Problem)> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return (await JsonDocument.ParseAsync(request.Body, CdsJson.ReadOptions, cancellationToken), null);
        }
        catch (JsonException e)
        {
            // The parser's message says where the JSON broke; it holds no request content.
            return (null, HookHandler.Problem(StatusCodes.Status400BadRequest, "invalid", $"The request body is not valid JSON: {e.Message}"));
        }
        catch (BadHttpRequestException e)
        {
            return (null, HookHandler.Problem(e.StatusCode, "too-costly", "The request body could not be read: " + e.Message));
        }
    }

    // The URL the client called, for absolute links (the policy page) on cards.
    private static Uri BaseUrl(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/");
}
