using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Dtr;
using Cds.Service.Discovery;
using Cds.Service.Dtr;
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
    IOptions<CdsOptions> options,
    IOptions<SecurityOptions> security,
    IOptions<DtrOptions> dtr,
    FhirServerGuard fhirServerGuard,
    TimeProvider timeProvider,
    CdsMetrics metrics,
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
        if (orders.FirstOrDefault(o => !o.IsFor(request.PatientId)) is { } foreign)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid", $"Draft order {foreign.Reference} does not name context.patientId as its subject.");
        }

        if (orders.Count > security.Value.MaxDraftOrders)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "too-costly", $"{orders.Count} draft orders exceed the limit of {security.Value.MaxDraftOrders}.");
        }

        var configuration = HookConfiguration.Read(service, request.Configuration);
        var inScope = orders
            .Where(engine.Extractor.IsPolicyOrder)
            .Where(o => request.Hook != OrderSelect || request.Selections.Contains(o.Reference, StringComparer.Ordinal))
            .ToList();
        if (inScope.Count == 0 || !configuration.CoverageInfo)
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
        var (record, facts) = await engine.ReadAsync(data.Items.Concat(DtrAnswers.FromPrefetch(request.Prefetch)), request.PatientId, PatientDataGatherer.Gaps(service, data), cancellationToken);
        ledger.Read(record);
        if (record.Count > security.Value.MaxResources)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "too-costly", $"{record.Count} FHIR resources exceed the limit of {security.Value.MaxResources} for one hook call.");
        }

        // Only the patient's own resources are evidence; another patient's Coverage means the request itself is wrong.
        if (record.NotThisPatient.Count > 0)
        {
            Log.NotThisPatient(logger, request.HookInstance, serviceId, record.NotThisPatient.Count, string.Join(", ", record.NotThisPatient.Take(20)));
            if (record.NotThisPatient.FirstOrDefault(r => r.StartsWith("Coverage", StringComparison.Ordinal)) is { } coverage)
            {
                return Problem(StatusCodes.Status400BadRequest, "invalid", $"{coverage} does not name context.patientId as its beneficiary.");
            }
        }

        ledger.Stage("extract");
        var context = new CardBuilder.Context(engine.Insurer, engine.Policy.Document.PolicyNumber, engine.ServiceLabel, PolicyUrl(baseUrl), inScope.Count > 1, data.Failures);

        string coverageReference;
        switch (facts.ActiveCoverages.Count)
        {
            case 1:
                coverageReference = $"Coverage/{facts.ActiveCoverages[0].Id}";
                break;
            case 0 when data.Failures.Any(f => f.Key == "coverage"):
                // A technical failure: say so on a card; without a Coverage there is no coverage-information to return.
                Log.CoverageUnavailable(logger, request.HookInstance, serviceId);
                measurement.CoverageUnavailable();
                return TypedResults.Json(
                    new CdsResponse([.. inScope.Select(o => CardBuilder.Problem(
                        "DLI coverage could not be checked: the patient's coverage could not be retrieved from the EHR",
                        $"The coverage of the patient could not be read ({data.Failures.First(f => f.Key == "coverage").Reason}). Try again, or check coverage with {engine.Insurer}.",
                        context,
                        o.Reference))]),
                    CdsJsonContext.Default.CdsResponse);
            case 0:
                return Problem(StatusCodes.Status400BadRequest, "not-found", "No active Coverage for the patient was provided or found; CRD needs exactly one (the primary coverage).");
            default:
                return Problem(StatusCodes.Status400BadRequest, "multiple-matches", $"{facts.ActiveCoverages.Count} active Coverages were provided or found; CRD needs exactly one (the primary coverage).");
        }

        var now = timeProvider.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var cards = new List<Card>();
        var actions = new List<CdsAction>();
        var outcomes = new List<string>();
        foreach (var order in inScope)
        {
            var decision = engine.Decide(facts, order);
            measurement.Decided(decision.Outcome);
            outcomes.Add($"{order.Id}:{decision.Outcome}");
            var assertion = CoverageAssertion.From(decision, coverageReference, engine.PriorAuthorization, mayRequestDocumentation: request.Hook == OrderSign, today, Guid.CreateVersion7(now).ToString(), request.RequestedVersion);
            ledger.Decided(decision, assertion);
            ledger.Linked(assertion.AssertionId, DtrAnswers.PreviousAssertion(order), DtrAnswers.AnswersUsed(decision));
            var questionnaire = QuestionnaireGenerator.Canonical(engine.Policy, new Uri(baseUrl, "fhir/"));
            actions.Add(new CdsAction("update", $"Coverage information for {order.Reference} under Medical Policy {context.PolicyNumber}", QuestionnairePointer.Add(CoverageInformation.Annotate(order, assertion, engine.Policy.BillingCodes), assertion, questionnaire)));
            if (request.Hook == OrderSign)
            {
                cards.Add(CardBuilder.Status(decision, context));
                if (CardBuilder.Missing(decision, context) is { } missing)
                {
                    cards.Add(DtrAnswers.OfferQuestionnaire(missing, questionnaire, order, coverageReference, dtr.Value.AppUrl));
                }
            }
            else
            {
                cards.Add(CardBuilder.HeadsUp(decision, context));
            }
        }

        Log.Answered(logger, request.HookInstance, serviceId, inScope.Count, string.Join(",", outcomes), data.Failures.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return TypedResults.Json(new CdsResponse([.. cards.Take(configuration.MaxCards)], actions), CdsJsonContext.Default.CdsResponse);
    }

    private Uri PolicyUrl(Uri baseUrl) => options.Value.PolicyUrl ?? new Uri(baseUrl, $"policies/{engine.Policy.Id}");

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

        [LoggerMessage(5, LogLevel.Warning, "Hook {HookInstance} on {ServiceId}: {Count} resource(s) not referencing the patient were dropped: {References}")]
        public static partial void NotThisPatient(ILogger logger, string hookInstance, string serviceId, int count, string references);

        [LoggerMessage(3, LogLevel.Warning, "Hook {HookInstance} on {ServiceId}: the patient's coverage could not be retrieved")]
        public static partial void CoverageUnavailable(ILogger logger, string hookInstance, string serviceId);
    }
}
