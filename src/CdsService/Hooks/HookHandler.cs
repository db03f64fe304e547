using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.Service.Contract;
using Cds.Service.Discovery;
using Cds.Service.Dtr;
using Cds.Service.Telemetry;
using Cds.Service.Policy;
using Cds.Service.Prefetch;
using Cds.Service.Security;
using Microsoft.Extensions.Options;

namespace Cds.Service.Hooks;

/// <summary>One hook call to decide: the request body (already read and parsed), where it was sent, by whom, and how long it may take.</summary>
internal sealed record HookCall(string ServiceId, JsonElement Body, Uri BaseUrl, ClaimsPrincipal Caller, TimeSpan Budget);

/// <summary>
/// One hook call from request to outcome, as stages that each return a value: validate → select orders → gather →
/// read → decide → render. The result is a <see cref="HookOutcome"/> carrying what the ledger records; nothing here
/// writes HTTP or the ledger.
/// </summary>
internal sealed partial class HookHandler(
    DiscoveryDocument discovery,
    PatientDataGatherer gatherer,
    PolicyLibrary library,
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

    private static readonly TimeSpan TextTimeoutRetry = TimeSpan.FromSeconds(1);

    public async Task<HookOutcome> HandleAsync(HookCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var trace = HookTrace.Empty;
        try
        {
            return await HandleAsync(call, t => trace = t, cancellationToken);
        }
        catch (RegexMatchTimeoutException)
        {
            // A text pattern of the policy ran past its match timeout: the machine is starved of CPU (or a pattern
            // backtracks badly on this text). The record could not be read in full, so there is no decision to give:
            // a fast 503 the EHR may retry, never a 500 and never a decision on a record read in part.
            Log.TextTimeout(logger, call.ServiceId);
            return new HookOutcome.Overloaded(TextTimeoutRetry, "The patient's record could not be read in time; retry the call.") { Trace = trace };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new HookFlowException(trace, e);
        }
    }

    // The flow; report receives the trace as it grows, so that an unexpected failure is on record with it.
    private async Task<HookOutcome> HandleAsync(HookCall call, Action<HookTrace> report, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var mark = started;
        var trace = HookTrace.Empty;
        using var measurement = metrics.StartHook();

        HookTrace Stage(string name)
        {
            var now = Stopwatch.GetTimestamp();
            trace = trace.Staged(name, Math.Round(Stopwatch.GetElapsedTime(mark, now).TotalMilliseconds, 3));
            mark = now;
            report(trace);
            return trace;
        }

        // validate
        // One snapshot of the policies for the whole call (a reload swaps in a new set; this call keeps its own).
        var policies = library.Current;
        var validated = Validate(call, policies, measurement, ref trace);
        if (validated.Outcome is { } invalid)
        {
            return invalid with { Trace = Stage("check") };
        }

        report(trace);
        var (service, request, orders) = validated.Call!;
        using var hookScope = CdsMetrics.BeginHookScope(logger, request.HookInstance);

        // select orders: each to the policy that governs its code.
        var configuration = HookConfiguration.Read(service, request.Configuration);
        var routed = orders
            .Where(o => request.Hook != OrderSelect || request.Selections.Contains(o.Reference, StringComparer.Ordinal))
            .Select(o => (Order: o, Policy: policies.Route(o)))
            .Where(r => r.Policy is not null)
            .GroupBy(r => r.Policy!, (policy, group) => (Policy: policy, Orders: (IReadOnlyList<DraftOrder>)[.. group.Select(r => r.Order)]))
            .ToList();
        var inScope = routed.Sum(r => r.Orders.Count);
        var ungoverned = crdAnswer.Ungoverned(request, configuration, orders, policies);
        if ((inScope == 0 && ungoverned.Count == 0) || !CrdAnswer.AnyCardType(configuration))
        {
            Log.NoPolicyOrder(logger, request.HookInstance, call.ServiceId, orders.Count, policies.Names);
            measurement.NoDliOrder();
            return new HookOutcome.NothingToSay { Trace = Stage("check") };
        }

        if (CheckDataAccess(service, request, call) is { } refused)
        {
            return refused with { Trace = Stage("check") };
        }

        Stage("check");

        // gather
        var data = await gatherer.GatherAsync(service, request, call.Budget, cancellationToken);
        trace = trace with { Data = data };
        Stage("gather");

        // read
        // Completed DTR answers in prefetch are read with the chart (clinician-attested evidence). One pass over the
        // JSON binds the data to the patient and finds the Coverages; the record is read into facts only when a policy
        // order is in scope (a call with none needs only the Coverage).
        var index = Bind(data, request);
        var gaps = PatientDataGatherer.Gaps(service, data);
        var bound = data with { Keyed = index.Items };

        // Each policy with an order in scope reads the record with its own extractor; a call with only ungoverned
        // orders needs only the index (its size, resources of another patient, the Coverage).
        var reads = new List<PatientRecordRead>(routed.Count);
        foreach (var (policy, _) in routed)
        {
            reads.Add(await policy.ReadAsync(bound, request.PatientId, gaps, cancellationToken));
        }

        var read = reads.Count > 0
            ? reads[0]
            : new PatientRecordRead(index.Count, new ClinicalFacts(), [.. index.Typeless.Select(t => CoverageEngine.Unreadable(t.Key, t.Value))], []);
        read = read with { NotThisPatient = [.. index.NotThisPatient, .. read.NotThisPatient] };
        data = data with { Coverage = index.Coverage };
        trace = trace with { NotThisPatient = read.NotThisPatient };
        if (read.Resources > security.Value.MaxResources)
        {
            return new HookOutcome.Rejected(StatusCodes.Status422UnprocessableEntity, "too-costly", $"{read.Resources} FHIR resources exceed the limit of {security.Value.MaxResources} for one hook call.") { Trace = Stage("extract") };
        }

        // Only the patient's own resources are evidence; another patient's Coverage means the request itself is wrong.
        if (read.NotThisPatient.Count > 0)
        {
            Log.NotThisPatient(logger, request.HookInstance, call.ServiceId, read.NotThisPatient.Count, LogText.Safe(string.Join(", ", read.NotThisPatient.Take(20)), 2000));
            if (read.ForeignCoverage is { } coverage)
            {
                return new HookOutcome.Rejected(StatusCodes.Status400BadRequest, "invalid", $"{LogText.Safe(coverage, 100)} does not name context.patientId as its beneficiary.") { Trace = Stage("extract") };
            }
        }

        // Resources that could not be read (a value of the wrong FHIR type) are missing data, named on the cards.
        data = data with { Failures = [.. data.Failures, .. (reads.Count > 0 ? reads.SelectMany(r => r.Unreadable).DistinctBy(f => f.Key) : read.Unreadable)] };
        trace = trace with { Data = data };
        Stage("extract");

        // decide and render: the Coverage each assertion is written on, the decisions, the actions and the cards.
        var governed = routed.Select((r, i) => new PolicyOrders(r.Policy, r.Orders, reads[i].Facts)).ToList();
        var answer = await crdAnswer.BuildAsync(request, configuration, policies, governed, ungoverned, data, call.BaseUrl, call.Caller, measurement, cancellationToken);
        trace = trace with { Decisions = answer.Decisions, Ungoverned = answer.Ungoverned };
        if (answer.Decisions.Count + answer.Ungoverned.Count > 0)
        {
            // Each decision names the policy revision that made it: id, version, effective date and file hash.
            var outcomes = answer.Decisions.Select(d => $"{LogText.Safe(d.Decision.OrderReference, 80)}:{d.Decision.Outcome}@{d.Policy}")
                .Concat(answer.Ungoverned.Select(u => $"{LogText.Safe(u.OrderReference, 80)}:ungoverned"));
            Log.Answered(logger, request.HookInstance, call.ServiceId, inScope, string.Join(",", outcomes), data.Failures.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return answer.Outcome with { Trace = Stage("answer") };
    }

    /// <summary>The one JSON pass over a call's data and its completed DTR answers: bound to the patient, counted, the Coverages set apart.</summary>
    internal static PatientDataIndex Bind(PatientData data, HookRequest request)
    {
        var answers = DtrAnswers.FromPrefetch(request.Prefetch).Select(a => new KeyedItem(DtrAnswers.PrefetchKey, a));
        return PatientDataIndex.Build([.. data.Keyed, .. answers], request.PatientId);
    }

    private sealed record ValidCall(ServiceDefinition Service, HookRequest Request, IReadOnlyList<DraftOrder> Orders);

    private sealed record Validation(ValidCall? Call, HookOutcome.Rejected? Outcome);

    private Validation Validate(HookCall call, PolicySet policies, CdsMetrics.HookMeasurement measurement, ref HookTrace trace)
    {
        if (discovery.Find(call.ServiceId) is not { } service)
        {
            return Reject(StatusCodes.Status404NotFound, "not-found", $"There is no CDS service '{LogText.Safe(call.ServiceId, 100)}'. GET /cds-services lists them.");
        }

        measurement.Hook = service.Hook;
        if (HookRequest.Parse(call.Body, out var error) is not { } request)
        {
            return Reject(StatusCodes.Status400BadRequest, "invalid", error!);
        }

        trace = trace with { Request = request };
        measurement.SetHookInstance(request.HookInstance);
        if (request.Hook != service.Hook)
        {
            return Reject(StatusCodes.Status400BadRequest, "invalid", $"Service '{call.ServiceId}' answers the '{service.Hook}' hook, not '{LogText.Safe(request.Hook, 100)}'.");
        }

        if (request.RequestedVersion is { } version && !SupportedCrdVersions.Contains(version))
        {
            return Reject(StatusCodes.Status422UnprocessableEntity, "not-supported", $"CRD version '{LogText.Safe(version, 40)}' is not supported; this service answers {string.Join(", ", SupportedCrdVersions)}.");
        }

        if (request.Hook == OrderSelect && request.Selections.Count == 0)
        {
            return Reject(StatusCodes.Status400BadRequest, "required", "'context.selections' is required for order-select.");
        }

        if (!DraftOrder.TryParseBundle(request.DraftOrders, policies.MayGovern, out var orders, out error))
        {
            return Reject(StatusCodes.Status400BadRequest, "invalid", error!);
        }

        trace = trace with { Orders = [.. orders.Select(o => o.Reference)] };
        if (orders.Count > security.Value.MaxDraftOrders)
        {
            return Reject(StatusCodes.Status422UnprocessableEntity, "too-costly", $"{orders.Count} draft orders exceed the limit of {security.Value.MaxDraftOrders}.");
        }

        // An order is only ever decided for the patient it names.
        if (orders.FirstOrDefault(o => !o.IsFor(request.PatientId)) is { } foreign)
        {
            return Reject(StatusCodes.Status400BadRequest, "invalid", $"Draft order {LogText.Safe(foreign.Reference, 100)} does not name context.patientId as its subject.");
        }

        return new Validation(new ValidCall(service, request, orders), null);

        static Validation Reject(int status, string code, string diagnostics) => new(null, new HookOutcome.Rejected(status, code, diagnostics));
    }

    // 412 when data must be queried and there is no fhirServer; 403 when the fhirServer is not one the caller may use
    // (it is never contacted; it matters only when data must be queried).
    private HookOutcome.Rejected? CheckDataAccess(ServiceDefinition service, HookRequest request, HookCall call)
    {
        var toQuery = PatientDataGatherer.KeysToQuery(service, request);
        if (toQuery.Count == 0)
        {
            return null;
        }

        if (request.FhirServer is null)
        {
            return new HookOutcome.Rejected(StatusCodes.Status412PreconditionFailed, "processing", $"Prefetch for {string.Join(", ", toQuery)} was not provided and the request has no fhirServer to query.");
        }

        if (fhirServerGuard.Check(request.FhirServer, call.Caller) is { } refusal)
        {
            Log.FhirServerRefused(logger, request.HookInstance, call.ServiceId, LogText.Safe(refusal));
            return new HookOutcome.Rejected(StatusCodes.Status403Forbidden, "forbidden", refusal);
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Hook {HookInstance} on {ServiceId}: {Orders} policy order(s), decisions {Outcomes}, {Failures} data failure(s), {ElapsedMs:0.0} ms")]
        public static partial void Answered(ILogger logger, string hookInstance, string serviceId, int orders, string outcomes, int failures, double elapsedMs);

        [LoggerMessage(2, LogLevel.Debug, "Hook {HookInstance} on {ServiceId}: no order in scope of policies {Policies} among {Orders} draft order(s)")]
        public static partial void NoPolicyOrder(ILogger logger, string hookInstance, string serviceId, int orders, string policies);

        [LoggerMessage(6, LogLevel.Warning, "Hook on {ServiceId}: a policy text pattern ran past its match timeout; answered 503")]
        public static partial void TextTimeout(ILogger logger, string serviceId);

        [LoggerMessage(4, LogLevel.Warning, "Hook {HookInstance} on {ServiceId}: fhirServer refused: {Reason}")]
        public static partial void FhirServerRefused(ILogger logger, string hookInstance, string serviceId, string reason);

        [LoggerMessage(5, LogLevel.Warning, "Hook {HookInstance} on {ServiceId}: {Count} resource(s) not referencing the patient were dropped: {References}")]
        public static partial void NotThisPatient(ILogger logger, string hookInstance, string serviceId, int count, string references);
    }
}
