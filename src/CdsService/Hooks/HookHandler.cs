using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using Cds.FhirMapping.Fhir;
using Cds.Service.Discovery;
using Cds.Service.Hosting;
using Cds.Service.Ledger;
using Cds.Service.Policy;
using Cds.Service.Prefetch;
using Cds.Service.Security;
using Microsoft.Extensions.Options;

namespace Cds.Service.Hooks;

/// <summary>
/// One hook call from request to answer: check the request, gather the patient's data, decide each DLI order, and
/// build the cards and the CRD coverage-information system actions.
/// </summary>
internal sealed partial class HookHandler(
    DiscoveryDocument discovery,
    PatientDataGatherer gatherer,
    CoverageEngine engine,
    IOptions<SecurityOptions> security,
    FhirServerGuard fhirServerGuard,
    CdsMetrics metrics,
    CrdAnswer crdAnswer,
    ILogger<HookHandler> logger)
{
    public const string OrderSign = "order-sign";
    public const string OrderSelect = "order-select";

    /// <summary>CRD versions this service answers (<c>davinci-crd.requestedVersion</c>).</summary>
    public static readonly IReadOnlyList<string> SupportedCrdVersions = ["2.0", "2.2"];

    public async Task<IResult> HandleAsync(string serviceId, JsonElement body, Uri baseUrl, ClaimsPrincipal caller, LedgerEntry ledger, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var measurement = metrics.StartHook();
        if (discovery.Find(serviceId) is not { } service)
        {
            return Problem(StatusCodes.Status404NotFound, "not-found", $"There is no CDS service '{serviceId}'. GET /cds-services lists them.");
        }

        measurement.Hook = service.Hook;
        if (HookRequest.Parse(body, out var error) is not { } request)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid", error!);
        }

        ledger.Received(request);
        measurement.SetHookInstance(request.HookInstance);
        using var hookScope = CdsMetrics.BeginHookScope(logger, request.HookInstance);

        if (request.Hook != service.Hook)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid", $"Service '{serviceId}' answers the '{service.Hook}' hook, not '{request.Hook}'.");
        }

        if (request.RequestedVersion is { } version && !SupportedCrdVersions.Contains(version))
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "not-supported", $"CRD version '{version}' is not supported; this service answers {string.Join(", ", SupportedCrdVersions)}.");
        }

        if (request.Hook == OrderSelect && request.Selections.Count == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "required", "'context.selections' is required for order-select.");
        }

        if (!DraftOrder.TryParseBundle(request.DraftOrders, out var orders, out error))
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid", error!);
        }

        ledger.Orders(orders);

        if (orders.Count > security.Value.MaxDraftOrders)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "too-costly", $"{orders.Count} draft orders exceed the limit of {security.Value.MaxDraftOrders}.");
        }

        var configuration = HookConfiguration.Read(service, request.Configuration);
        var inScope = orders
            .Where(engine.Extractor.IsPolicyOrder)
            .Where(o => request.Hook != OrderSelect || request.Selections.Contains(o.Reference, StringComparer.Ordinal))
            .ToList();

        var ungoverned = crdAnswer.Ungoverned(request, configuration, orders);
        if ((inScope.Count == 0 && ungoverned.Count == 0) || !CrdAnswer.AnyCardType(configuration))
        {
            Log.NoDliOrder(logger, request.HookInstance, serviceId, orders.Count);
            measurement.NoDliOrder();
            return TypedResults.Json(CdsResponse.Empty, CdsJsonContext.Default.CdsResponse);
        }

        var toQuery = PatientDataGatherer.KeysToQuery(service, request);
        if (toQuery.Count > 0 && request.FhirServer is null)
        {
            return Problem(StatusCodes.Status412PreconditionFailed, "processing", $"Prefetch for {string.Join(", ", toQuery)} was not provided and the request has no fhirServer to query.");
        }

        // A fhirServer the caller may not use is never contacted; it matters only when data must be queried.
        if (toQuery.Count > 0 && fhirServerGuard.Check(request.FhirServer!, caller) is { } refusal)
        {
            Log.FhirServerRefused(logger, request.HookInstance, serviceId, refusal);
            return Problem(StatusCodes.Status403Forbidden, "forbidden", refusal);
        }

        ledger.Stage("check");
        var data = await gatherer.GatherAsync(service, request, cancellationToken);
        ledger.Gathered(data);
        var (resources, facts) = await engine.ReadAsync(data.Items, cancellationToken);
        if (resources > security.Value.MaxResources)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "too-costly", $"{resources} FHIR resources exceed the limit of {security.Value.MaxResources} for one hook call.");
        }

        ledger.Stage("extract");
        var answer = await crdAnswer.BuildAsync(request, configuration, inScope, ungoverned, data, facts, baseUrl, caller, ledger, measurement, cancellationToken);
        if (answer.Outcomes is { } outcomes)
        {
            Log.Answered(logger, request.HookInstance, serviceId, inScope.Count, outcomes, data.Failures.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return answer.Result;
    }

    internal static IResult Problem(int status, string code, string diagnostics) =>
        TypedResults.Json(OperationOutcome.Error(code, diagnostics), CdsJsonContext.Default.OperationOutcome, "application/fhir+json", status);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Hook {HookInstance} on {ServiceId}: {Orders} DLI order(s), decisions {Outcomes}, {Failures} data failure(s), {ElapsedMs:0.0} ms")]
        public static partial void Answered(ILogger logger, string hookInstance, string serviceId, int orders, string outcomes, int failures, double elapsedMs);

        [LoggerMessage(2, LogLevel.Debug, "Hook {HookInstance} on {ServiceId}: no DLI order in scope among {Orders} draft order(s)")]
        public static partial void NoDliOrder(ILogger logger, string hookInstance, string serviceId, int orders);

        [LoggerMessage(4, LogLevel.Warning, "Hook {HookInstance} on {ServiceId}: fhirServer refused: {Reason}")]
        public static partial void FhirServerRefused(ILogger logger, string hookInstance, string serviceId, string reason);
    }
}
