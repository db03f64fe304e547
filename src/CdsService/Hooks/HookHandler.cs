using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Coverages;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;
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
    IOptions<CdsOptions> options,
    IOptions<SecurityOptions> security,
    FhirServerGuard fhirServerGuard,
    TimeProvider timeProvider,
    CdsMetrics metrics,
    CoverageResolver coverageResolver,
    CardGuidance guidance,
    EvidenceText words,
    IOptions<CrdOptions> crd,
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

        // CRD 2.0.1: order-sign returns coverage information for every order that can carry it, governed or not.
        var ungoverned = request.Hook == OrderSign && configuration.CoverageInfo && crd.Value.UngovernedOrders != UngovernedAnswer.None
            ? orders.Where(o => !engine.Extractor.IsPolicyOrder(o) && OrderCoverageContext.CanCarryAssertion(o)).ToList()
            : [];
        var anyCardType = configuration.CoverageInfo || configuration.Guideline || configuration.ClinicalReminder;
        if ((inScope.Count == 0 && ungoverned.Count == 0) || !anyCardType)
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
        var now = timeProvider.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var context = new CardBuilder.Context(
            engine.Insurer, engine.Policy.Document.PolicyNumber, engine.ServiceLabel, PolicyUrl(baseUrl), inScope.Count > 1, data.Failures,
            words, [.. guidance.OverrideReasons.Select(r => new CardCoding(r.System, r.Code, r.Display))]);

        // The Coverage each order's assertion is written on: this payer's, active, its period containing the order's date.
        var coverages = await coverageResolver.ReadAsync(data.Items, request, caller, cancellationToken);
        var choices = inScope.Concat(ungoverned).ToDictionary(o => o.Reference, o => coverageResolver.Choose(coverages, o, today), StringComparer.Ordinal);
        if (choices.Values.All(c => c.Failure is not null))
        {
            var technical = choices.Values.Any(c => c.Failure == CoverageFailure.PayerUnresolved)
                || (data.Failures.Any(f => f.Key == "coverage") && coverages.Coverages.Count == 0);
            if (technical && inScope.Count > 0)
            {
                // A technical failure: say so on a card; without a Coverage there is no coverage-information to return.
                Log.CoverageUnavailable(logger, request.HookInstance, serviceId);
                measurement.CoverageUnavailable();
                var reason = data.Failures.FirstOrDefault(f => f.Key == "coverage")?.Reason ?? "the payer of the patient's coverage could not be read from the EHR";
                return TypedResults.Json(
                    new CdsResponse([.. inScope.Select(o => CardBuilder.Problem(
                        "DLI coverage could not be checked: the patient's coverage could not be retrieved from the EHR",
                        $"The coverage of the patient could not be read ({reason}). Try again, or check coverage with {engine.Insurer}.",
                        context,
                        o.Reference))]),
                    CdsJsonContext.Default.CdsResponse);
            }

            var first = choices.First();
            return Problem(
                StatusCodes.Status400BadRequest,
                "not-found",
                $"No {engine.Insurer} Coverage applies to {first.Key}: it must be {engine.Insurer}'s (payor identifier or name), active, and its period must contain the order's date ({first.Value.Explain()}).");
        }

        var labels = OrderLabel.For(inScope, today);
        var cards = new List<Card>();
        var suggestionCards = new List<Card>();
        var actions = new List<CdsAction>();
        var outcomes = new List<string>();
        var decisions = new List<CoverageDecision>();
        foreach (var order in inScope)
        {
            var choice = choices[order.Reference];
            if (choice.Failure is not null)
            {
                // Another order of this call has one of our Coverages; this one is billed elsewhere (its insurance, its date).
                cards.Add(CardBuilder.Problem(
                    $"DLI coverage not assessed: no {engine.Insurer} coverage applies to this order",
                    $"{(context.SeveralOrders ? $"Order: {labels[order.Reference]}. " : string.Empty)}No {engine.Insurer} Coverage is active for this order's date and named by its insurance.",
                    context,
                    order.Reference));
                continue;
            }

            var decision = engine.Decide(facts, order);
            decisions.Add(decision);
            measurement.Decided(decision.Outcome);
            outcomes.Add($"{order.Id}:{decision.Outcome}");
            var assertions = choice.Chosen
                .Select(c => CoverageAssertion.From(decision, c.Reference, engine.PriorAuthorization, mayRequestDocumentation: request.Hook == OrderSign, today, Guid.CreateVersion7(now).ToString(), request.RequestedVersion))
                .ToList();
            assertions.ForEach(a => ledger.Decided(decision, a));
            var paNeeded = assertions[0].PaNeeded;
            if (configuration.CoverageInfo)
            {
                actions.Add(new CdsAction("update", $"Coverage information for {order.Reference} under Medical Policy {context.PolicyNumber}", CoverageInformation.AnnotateAll(order, assertions, engine.Policy.BillingCodes)));
                if (request.Hook == OrderSign)
                {
                    cards.Add(CardBuilder.Status(decision, context, paNeeded, labels[order.Reference]));
                    if (CardBuilder.Missing(decision, context, labels[order.Reference]) is { } missing)
                    {
                        cards.Add(missing);
                    }
                }
                else
                {
                    cards.Add(CardBuilder.HeadsUp(decision, context, paNeeded, labels[order.Reference]));
                }
            }

            if (configuration.ClinicalReminder && request.Hook == OrderSign
                && GuidanceCards.SuggestedOrders(decision, context, guidance, request.PatientId, Requester(order, request.UserId), now) is { } suggested)
            {
                suggestionCards.Add(suggested);
            }
        }

        foreach (var order in ungoverned.Where(o => choices[o.Reference].Failure is null))
        {
            var assertions = choices[order.Reference].Chosen
                .Select(c => UngovernedOrders.Assert(crd.Value.UngovernedOrders, c.Reference, request.RequestedVersion, today, Guid.CreateVersion7(now).ToString()))
                .OfType<CoverageAssertion>()
                .ToList();
            if (assertions.Count > 0)
            {
                assertions.ForEach(a => ledger.AssertedUngoverned(order.Reference, a));
                outcomes.Add($"{order.Id}:ungoverned");
                actions.Add(new CdsAction("update", $"Coverage information for {order.Reference}: no policy of this service governs it", CoverageInformation.AnnotateAll(order, assertions)));
            }
        }

        if (decisions.Count == 0)
        {
            // Only orders no policy governs (or none of this payer's): answered, but no DLI decision to measure.
            measurement.NoDliOrder();
        }

        cards.AddRange(suggestionCards);
        if (configuration.Guideline && decisions.Count > 0)
        {
            var documentationMissing = decisions.Any(d => d.Outcome == DecisionOutcome.CannotBeDetermined || (d.Outcome == DecisionOutcome.MeetsCriteria && d.Documentation.Count > 0));
            cards.Add(GuidanceCards.PolicyReference(context, new Uri(baseUrl, $"policies/{engine.Policy.Id}#documentation"), decisions, documentationMissing && request.Hook == OrderSign));
        }

        Log.Answered(logger, request.HookInstance, serviceId, inScope.Count, string.Join(",", outcomes), data.Failures.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return TypedResults.Json(new CdsResponse([.. cards.Take(configuration.MaxCards)], actions.Count > 0 ? actions : null), CdsJsonContext.Default.CdsResponse);
    }

    // Who orders a suggested test: the signed order's requester, else the signing user (CDS Hooks userId:
    // Practitioner or PractitionerRole); null when neither is known (CRD profile-servicerequest needs one).
    private static JsonNode? Requester(DraftOrder order, string? userId) =>
        order.Json.TryGetProperty("requester", out var requester) && requester.ValueKind == JsonValueKind.Object
            ? JsonNode.Parse(requester.GetRawText())
            : userId is not null && (userId.StartsWith("Practitioner/", StringComparison.Ordinal) || userId.StartsWith("PractitionerRole/", StringComparison.Ordinal))
                ? new JsonObject { ["reference"] = userId }
                : null;

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

        [LoggerMessage(3, LogLevel.Warning, "Hook {HookInstance} on {ServiceId}: the patient's coverage could not be retrieved")]
        public static partial void CoverageUnavailable(ILogger logger, string hookInstance, string serviceId);
    }
}
