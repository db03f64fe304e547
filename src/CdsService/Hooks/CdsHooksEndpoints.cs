using System.Text.Json;
using Cds.Service.Discovery;
using Cds.Service.Feedback;
using Cds.Service.Ledger;
using Cds.Service.Policy;
using Cds.Service.Security;
using Microsoft.Extensions.Options;

namespace Cds.Service.Hooks;

/// <summary>The CDS Hooks HTTP surface: discovery, the hook services and their feedback endpoints.</summary>
internal static class CdsHooksEndpoints
{
    public static IEndpointRouteBuilder MapCdsHooks(this IEndpointRouteBuilder app)
    {
        // Hook calls and feedback come from a trusted CDS client (CDS Hooks 2.0 §Trusting CDS Clients). Discovery holds
        // nothing private: open unless Cds:Crd:DiscoveryRequiresJwt says otherwise.
        var group = app.MapGroup("/cds-services")
            .WithTags("CDS Hooks")
            .RequireAuthorization(CdsSecurityExtensions.ClientPolicy)
            .RequireCors(CdsSecurityExtensions.CorsPolicy);
        var discovery = group.MapGet(string.Empty, GetDiscovery);
        if (!app.ServiceProvider.GetRequiredService<IOptions<CrdOptions>>().Value.DiscoveryRequiresJwt)
        {
            discovery.AllowAnonymous();
        }

        group.MapPost("/{id}", PostHookAsync);
        group.MapPost("/{id}/feedback", PostFeedbackAsync);
        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult GetDiscovery(DiscoveryDocument discovery) => TypedResults.Bytes(discovery.Json, "application/json");

    private static async Task<IResult> PostHookAsync(string id, HttpRequest request, HookHandler handler, LedgerRecorder ledger, HookGate gate, CancellationToken cancellationToken)
    {
        using var slot = await gate.EnterAsync(cancellationToken);

        // Every call goes on record in the coverage assertion ledger, with its answer byte for byte.
        var entry = ledger.Begin(id, request.HttpContext.User);
        IResult result;
        try
        {
            result = await AnswerHookAsync(id, request, handler, entry, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            await ledger.RecordFailureAsync(entry, e);
            throw;
        }

        return await ledger.RecordAsync(entry, result, cancellationToken);
    }

    private static async Task<IResult> AnswerHookAsync(string id, HttpRequest request, HookHandler handler, LedgerEntry entry, CancellationToken cancellationToken)
    {
        var (document, problem) = await ReadJsonAsync(request, cancellationToken);
        if (document is null)
        {
            return problem!;
        }

        using (document)
        {
            entry.Stage("read");
            return await handler.HandleAsync(id, document.RootElement, BaseUrl(request), request.HttpContext.User, entry, cancellationToken);
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

            await store.AppendAsync(id, request.HttpContext.User.FindFirst("iss")?.Value, items, cancellationToken);
            return TypedResults.Json(new FeedbackAccepted(items.Count), CdsJsonContext.Default.FeedbackAccepted);
        }
    }

    private static async Task<(JsonDocument? Document, IResult? Problem)> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = request.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        try
        {
            // Read at most limit + 1 bytes whatever Content-Length says (chunked bodies have none).
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return (null, TooLarge(limit));
                }

                buffer.Write(chunk, 0, read);
            }

            return (JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), CdsJson.ReadOptions), null);
        }
        catch (JsonException e)
        {
            // The parser's message says where the JSON broke; it holds no request content.
            return (null, HookHandler.Problem(StatusCodes.Status400BadRequest, "invalid", $"The request body is not valid JSON: {e.Message}"));
        }
        catch (BadHttpRequestException e)
        {
            return (null, HookHandler.Problem(e.StatusCode, "too-costly", "The request body could not be read."));
        }
    }

    private static IResult TooLarge(long limit) =>
        HookHandler.Problem(StatusCodes.Status413PayloadTooLarge, "too-costly", $"The request body is larger than {limit} bytes.");

    // The URL the client called, for absolute links (the policy page) on cards.
    private static Uri BaseUrl(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/");
}
