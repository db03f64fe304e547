using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Coverages;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Dtr;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;
using Cds.Service.Contract;
using Cds.Service.Dtr;
using Cds.Service.Telemetry;
using Cds.Service.Policy;
using Cds.Service.Prefetch;
using Microsoft.Extensions.Options;

namespace Cds.Service.Hooks;

/// <summary>
/// The CRD answer once the patient's data is read: the Coverage each order's assertion is written on (or the CRD 400
/// when none of this payer's qualifies), the decision per DLI order, the coverage-information system actions (for
/// orders no policy governs too), and the cards by CRD card type, each honouring its configuration option.
/// </summary>
internal sealed partial class CrdAnswer(
    CoverageResolver coverageResolver,
    IOptions<CrdOptions> crd,
    IOptions<CdsOptions> options,
    IOptions<DtrOptions> dtr,
    TimeProvider timeProvider,
    ILogger<CrdAnswer> logger)
{
    /// <summary>The outcome of the call, and the decisions and assertions it issued (what the ledger records).</summary>
    public sealed record Answer(HookOutcome Outcome, IReadOnlyList<DecidedOrder> Decisions, IReadOnlyList<UngovernedOrder> Ungoverned);

    /// <summary>Whether any card type (or the coverage information) is asked for.</summary>
    public static bool AnyCardType(HookConfiguration configuration) =>
        configuration.CoverageInfo || configuration.Guideline || configuration.ClinicalReminder;

    /// <summary>
    /// The order-sign orders no loaded policy governs that can carry an assertion (CRD 2.0.1: order-sign returns
    /// coverage information for every invocation); none when configured off or coverage information is not wanted.
    /// </summary>
    public IReadOnlyList<DraftOrder> Ungoverned(HookRequest request, HookConfiguration configuration, IReadOnlyList<DraftOrder> orders, PolicySet policies) =>
        request.Hook == HookHandler.OrderSign && configuration.CoverageInfo && crd.Value.UngovernedOrders != UngovernedAnswer.None
            ? [.. orders.Where(o => policies.Route(o) is null && OrderCoverageContext.CanCarryAssertion(o))]
            : [];

    public async Task<Answer> BuildAsync(
        HookRequest request,
        HookConfiguration configuration,
        PolicySet policies,
        IReadOnlyList<PolicyOrders> governed,
        IReadOnlyList<DraftOrder> ungoverned,
        PatientData data,
        Uri baseUrl,
        ClaimsPrincipal caller,
        CdsMetrics.HookMeasurement measurement,
        CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var inScope = governed.SelectMany(g => g.Orders).ToList();
        var severalOrders = inScope.Count > 1;

        // Every wording of a card comes from the policy that governs its order (what depends only on the revision and
        // the base URL is built once: PolicyTexts).
        PolicyTexts TextsOf(CoverageEngine engine) => PolicyTexts.For(engine, baseUrl, options.Value.PolicyUrl);
        CardBuilder.Context ContextOf(CoverageEngine engine) => new(
            engine.Insurer, engine.Policy.Document.PolicyNumber, engine.ServiceLabel, TextsOf(engine).PolicyUrl, severalOrders, data.Failures,
            engine.Words, TextsOf(engine).OverrideReasons)
        {
            ServiceName = engine.ServiceName,
            PolicyVersion = engine.Revision.Version,
        };

        var insurer = (governed.Count > 0 ? governed[0].Policy : policies.Policies[0]).Insurer;

        // The Coverage each order's assertion is written on: this payer's, active, its period containing the order's date.
        var coverages = await coverageResolver.ReadAsync(data.CoverageItems, request, caller, cancellationToken);
        var choices = inScope.Concat(ungoverned).ToDictionary(o => o.Reference, o => coverageResolver.Choose(coverages, o, today), StringComparer.Ordinal);
        if (choices.Values.All(c => c.Failure is not null))
        {
            var technical = choices.Values.Any(c => c.Failure == CoverageFailure.PayerUnresolved)
                || (data.Failures.Any(f => f.Key == "coverage") && coverages.Coverages.Count == 0);
            if (technical && inScope.Count == 0)
            {
                // Only orders no policy governs, and their coverage could not be read: nothing to assert, no error either.
                Log.CoverageUnavailable(logger, request.HookInstance);
                measurement.CoverageUnavailable();
                return new Answer(new HookOutcome.NothingToSay(), [], []);
            }

            if (technical)
            {
                // A technical failure: say so on a card; without a Coverage there is no coverage-information to return.
                Log.CoverageUnavailable(logger, request.HookInstance);
                measurement.CoverageUnavailable();
                var reason = data.Failures.FirstOrDefault(f => f.Key == "coverage")?.Reason ?? "the payer of the patient's coverage could not be read from the EHR";
                return new Answer(
                    new HookOutcome.Answered(new CdsResponse([.. governed.SelectMany(g => g.Orders.Select(o => CardBuilder.Problem(
                        $"{g.Policy.ServiceName} coverage could not be checked: the patient's coverage could not be retrieved from the EHR",
                        $"The coverage of the patient could not be read ({reason}). Try again, or check coverage with {g.Policy.Insurer}.",
                        ContextOf(g.Policy),
                        o.Reference)))])),
                    [],
                    []);
            }

            var first = choices.First();
            return new Answer(
                new HookOutcome.Rejected(
                    StatusCodes.Status400BadRequest,
                    "not-found",
                    $"No {insurer} Coverage applies to {LogText.Safe(first.Key, 100)}: it must be {insurer}'s (payor identifier or name), active, and its period must contain the order's date ({first.Value.Explain()})."),
                [],
                []);
        }

        var labels = OrderLabel.For(inScope, today);
        var cards = new List<Card>();
        var suggestionCards = new List<Card>();
        var references = new List<Card>();
        var actions = new List<CdsAction>();
        var decisions = new List<CoverageDecision>();
        var decided = new List<DecidedOrder>();
        var asserted = new List<UngovernedOrder>();
        foreach (var (engine, orders, facts) in governed)
        {
            var texts = TextsOf(engine);
            var context = ContextOf(engine);
            var questionnaire = texts.Questionnaire;
            var policyDecisions = new List<CoverageDecision>();
            foreach (var order in orders)
            {
                var choice = choices[order.Reference];
                if (choice.Failure is not null)
                {
                    // Another order of this call has one of our Coverages; this one is billed elsewhere (its insurance, its date).
                    cards.Add(CardBuilder.Problem(
                        $"{engine.ServiceName} coverage not assessed: no {engine.Insurer} coverage applies to this order",
                        $"{(context.SeveralOrders ? $"Order: {labels[order.Reference]}. " : string.Empty)}No {engine.Insurer} Coverage is active for this order's date and named by its insurance.",
                        context,
                        order.Reference));
                    continue;
                }

                // An order dated before this revision took effect is never paid or denied on it (RevisionCheck).
                var decision = RevisionCheck.Apply(engine.Decide(facts, order), order, engine, today);
                decisions.Add(decision);
                policyDecisions.Add(decision);
                measurement.Decided(decision.Outcome);
                var assertions = choice.Chosen
                    .Select(c => CoverageAssertion.From(decision, c.Reference, engine.PriorAuthorization, mayRequestDocumentation: request.Hook == HookHandler.OrderSign, today, Guid.CreateVersion7(now).ToString(), request.RequestedVersion))
                    .ToList();
                decided.AddRange(assertions.Select(a => new DecidedOrder(decision, a) { Supersedes = DtrAnswers.PreviousAssertion(order), Answers = DtrAnswers.AnswersUsed(decision), Policy = engine.Revision }));
                var paNeeded = assertions[0].PaNeeded;
                if (configuration.CoverageInfo)
                {
                    var annotated = CoverageInformation.AnnotateAll(order, assertions, engine.Policy.BillingCodes);
                    actions.Add(new CdsAction("update", $"Coverage information for {order.Reference} under Medical Policy {context.PolicyNumber} version {engine.Revision.Version}", QuestionnairePointer.Add(annotated, assertions[0], questionnaire)));
                    if (request.Hook == HookHandler.OrderSign)
                    {
                        cards.Add(CardBuilder.Status(decision, context, paNeeded, labels[order.Reference]));
                        if (CardBuilder.Missing(decision, context, labels[order.Reference]) is { } missing)
                        {
                            cards.AddRange(DtrAnswers.OfferQuestionnaire(missing, questionnaire, order, assertions[0].CoverageReference, dtr.Value.AppUrl, engine.ServiceName));
                        }
                    }
                    else
                    {
                        cards.Add(CardBuilder.HeadsUp(decision, context, paNeeded, labels[order.Reference]));
                    }
                }

                if (configuration.ClinicalReminder && request.Hook == HookHandler.OrderSign
                    && GuidanceCards.SuggestedOrders(decision, context, engine.Guidance, request.PatientId, Requester(order, request.UserId), now) is { } suggested)
                {
                    suggestionCards.Add(suggested);
                }
            }

            if (configuration.Guideline && policyDecisions.Count > 0)
            {
                var documentationMissing = policyDecisions.Any(d => d.Outcome == DecisionOutcome.CannotBeDetermined || (d.Outcome == DecisionOutcome.MeetsCriteria && d.Documentation.Count > 0));
                references.Add(GuidanceCards.PolicyReference(context, texts.DocumentationUrl, policyDecisions, documentationMissing && request.Hook == HookHandler.OrderSign));
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
                asserted.AddRange(assertions.Select(a => new UngovernedOrder(order.Reference, a)));
                actions.Add(new CdsAction("update", $"Coverage information for {order.Reference}: no policy of this service governs it", CoverageInformation.AnnotateAll(order, assertions)));
            }
        }

        if (decisions.Count == 0)
        {
            // Only orders no policy governs (or none of this payer's): answered, but no policy decision to measure.
            measurement.NoDliOrder();
        }

        cards.AddRange(suggestionCards);
        cards.AddRange(references);
        return new Answer(new HookOutcome.Answered(new CdsResponse([.. cards.Take(configuration.MaxCards)], actions.Count > 0 ? actions : null)), decided, asserted);
    }

    // Who orders a suggested test: the signed order's requester, else the signing user (CDS Hooks userId:
    // Practitioner or PractitionerRole); null when neither is known (CRD profile-servicerequest needs one).
    private static JsonObject? Requester(DraftOrder order, string? userId) =>
        order.Json.TryGetProperty("requester", out var requester) && requester.ValueKind == JsonValueKind.Object
            ? JsonObject.Create(requester)
            : userId is not null && (userId.StartsWith("Practitioner/", StringComparison.Ordinal) || userId.StartsWith("PractitionerRole/", StringComparison.Ordinal))
                ? new JsonObject { ["reference"] = userId }
                : null;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Hook {HookInstance}: the patient's coverage could not be retrieved")]
        public static partial void CoverageUnavailable(ILogger logger, string hookInstance);
    }
}
