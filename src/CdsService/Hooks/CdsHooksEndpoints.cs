using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Cds.Service.Contract;
using Cds.Service.Discovery;
using Cds.Service.Policy;
using Cds.Service.Security;
using Microsoft.Extensions.Options;

namespace Cds.Service.Hooks;

/// <summary>The CDS Hooks HTTP surface: discovery and the hook services (their feedback: <c>Feedback.FeedbackEndpoints</c>).</summary>
internal static class CdsHooksEndpoints
{
    public static IEndpointRouteBuilder MapCdsHooks(this IEndpointRouteBuilder app)
    {
        // Hook calls come from a trusted CDS client (CDS Hooks 2.0 §Trusting CDS Clients). Discovery holds nothing
        // private: open unless Cds:Crd:DiscoveryRequiresJwt says otherwise.
        var group = Group(app);
        var discovery = group.MapGet(string.Empty, GetDiscovery);
        if (!app.ServiceProvider.GetRequiredService<IOptions<CrdOptions>>().Value.DiscoveryRequiresJwt)
        {
            discovery.AllowAnonymous();
        }

        group.MapPost("/{id}", PostHookAsync);
        return app;
    }

    /// <summary>The <c>/cds-services</c> routes, with the trust every endpoint under it requires (a trusted CDS client's JWT, the CORS policy).</summary>
    internal static RouteGroupBuilder Group(IEndpointRouteBuilder app) =>
        app.MapGroup("/cds-services")
            .WithTags("CDS Hooks")
            .RequireAuthorization(CdsSecurityExtensions.ClientPolicy)
            .RequireCors(CdsSecurityExtensions.CorsPolicy);

    private static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult GetDiscovery(DiscoveryDocument discovery) => TypedResults.Bytes(discovery.Json, "application/json");

    /// <summary>
    /// Reserve the body's size in the request-body budget, read it (bounded in size and time, before any slot is
    /// taken), wait a bounded time for a slot, parse and decide, map the outcome to HTTP once, and let the ledger observe it.
    /// </summary>
    private static Task<IResult> PostHookAsync(string id, HttpRequest request, [AsParameters] HookPipeline pipeline, CancellationToken cancellationToken) =>
        AnswerAsync(id, request, null, pipeline, cancellationToken);

    /// <summary>
    /// Reserve the body's size in the request-body budget, read it (bounded in size and time, before any slot is
    /// taken), wait a bounded time for a slot, parse it, check it with <paramref name="precheck"/> when given (a call
    /// that re-submits the hook with more data, such as DTR answers), decide, map the outcome to HTTP once, and let the
    /// ledger observe it. The reservation, buffer and document are released when the call ends, however it ends.
    /// </summary>
    internal static async Task<IResult> AnswerAsync(string id, HttpRequest request, Func<System.Text.Json.JsonElement, BodyProblem?>? precheck, HookPipeline pipeline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(pipeline);
        var (handler, gate, budget, observer, security, deadlines, deadlineMetrics, time) = pipeline;
        var receivedAt = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        using var body = await HookBody.ReadAsync(request, budget, security.Value.MaxRequestBodyBytes, deadlines.Value, deadlineMetrics, cancellationToken);
        var read = Stopwatch.GetTimestamp();
        var outcome = default(HookOutcome);
        try
        {
            outcome = await DecideAsync(id, request, body, precheck, handler, gate, security.Value, deadlines.Value, deadlineMetrics, cancellationToken);
            outcome = outcome with { Trace = outcome.Trace with { Stages = [new HookStage("read", Milliseconds(started, read)), .. outcome.Trace.Stages] } };
            var mapped = Stopwatch.GetTimestamp();
            var answer = HookResults.Map(outcome);
            outcome = outcome with { Trace = outcome.Trace.Staged("serialize", Milliseconds(mapped, Stopwatch.GetTimestamp())) };
            await observer.ObserveAsync(new ObservedHookCall(id, request.HttpContext.User, receivedAt, outcome, answer), cancellationToken);
            return answer;
        }
        catch (HookFlowException e) when (!cancellationToken.IsCancellationRequested && e.InnerException is { } bug)
        {
            // A bug: on record as such, with what the flow had found; the exception handler answers 500 without any detail.
            await observer.ObserveFailureAsync(new ObservedHookCall(id, request.HttpContext.User, receivedAt, new HookOutcome.NothingToSay { Trace = e.Trace }, null), bug);
            ExceptionDispatchInfo.Throw(bug);
            throw;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not HookFlowException)
        {
            await observer.ObserveFailureAsync(new ObservedHookCall(id, request.HttpContext.User, receivedAt, outcome ?? new HookOutcome.NothingToSay(), null), e);
            throw;
        }
    }

    private static async Task<HookOutcome> DecideAsync(
        string id,
        HttpRequest request,
        HookBody body,
        Func<System.Text.Json.JsonElement, BodyProblem?>? precheck,
        HookHandler handler,
        HookGate gate,
        SecurityOptions security,
        DeadlineOptions deadlines,
        DeadlineMetrics deadlineMetrics,
        CancellationToken cancellationToken)
    {
        if (body.Refusal is { } refusal)
        {
            return refusal;
        }

        // The budget starts once the body is in (a slow client's own slowness is not the service's latency), less what
        // the call already waited for the body budget: the service's queueing is.
        var started = Stopwatch.GetTimestamp();
        using var slot = await gate.TryEnterAsync(body.Length, HookBody.WaitAllowance(deadlines) - body.Waited, cancellationToken);

        // Parsed only now: a call waiting for its slot holds its bytes, not a document as well.
        var (root, invalid) = body.Parse();
        if (invalid is not null)
        {
            return invalid;
        }

        if (slot is null)
        {
            deadlineMetrics.Refused(DeadlineMetrics.NoSlot);

            // On record with the request's identifiers (hook instance, patient) when it is well formed: parsing is cheap.
            return new HookOutcome.Overloaded(deadlines.RetryAfter, $"Every hook slot is busy; the call could not be started within its budget. Retry after {deadlines.RetryAfter.TotalSeconds:0} s.")
            {
                Trace = HookTrace.Empty with { Request = HookRequest.Parse(root, out _) },
            };
        }

        if (precheck?.Invoke(root) is { } refused)
        {
            return new HookOutcome.Rejected(refused.Status, refused.Code, refused.Diagnostics)
            {
                Trace = HookTrace.Empty with { Request = HookRequest.Parse(root, out _) },
            };
        }

        var remaining = deadlines.HookBudget - body.Waited - Stopwatch.GetElapsedTime(started) - deadlines.AnswerReserve;
        return await handler.HandleAsync(new HookCall(id, root, PublicBaseUrl.For(request, security), request.HttpContext.User, remaining), cancellationToken);
    }

    private static double Milliseconds(long from, long to) => Math.Round(Stopwatch.GetElapsedTime(from, to).TotalMilliseconds, 3);
}

/// <summary>What a hook call needs from the host, bound by minimal APIs (<c>[AsParameters]</c>) for every endpoint that answers one.</summary>
internal sealed record HookPipeline(
    HookHandler Handler,
    HookGate Gate,
    BodyBudget BodyBudget,
    IHookObserver Observer,
    IOptions<SecurityOptions> Security,
    IOptions<DeadlineOptions> Deadlines,
    DeadlineMetrics DeadlineMetrics,
    TimeProvider Time);
