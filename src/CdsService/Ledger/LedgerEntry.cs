using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Evaluation;
using Cds.Service.Hooks;
using Cds.Service.Prefetch;

namespace Cds.Service.Ledger;

/// <summary>
/// The ledger record of one hook call, built from what the call's outcome carries (<see cref="HookTrace"/>): the
/// request's identifiers, the orders, where the data came from, each decision and assertion, and the time each stage
/// took (by Stopwatch: elapsed time, whatever the service's clock says). Holds no token: the access token of
/// <c>fhirAuthorization</c> and the caller's JWT are never copied into it.
/// </summary>
internal sealed class LedgerEntry
{
    private readonly HookTrace _trace;

    public LedgerEntry(string serviceId, ClaimsPrincipal caller, DateTimeOffset receivedAt, HookTrace trace)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(trace);
        ServiceId = serviceId;
        ReceivedAt = receivedAt;
        Id = Guid.CreateVersion7(ReceivedAt).ToString();
        Issuer = caller.Identity?.IsAuthenticated == true ? caller.FindFirst("iss")?.Value : null;
        _trace = trace;
    }

    public string Id { get; }

    public string ServiceId { get; }

    public DateTimeOffset ReceivedAt { get; }

    public string? Issuer { get; }

    /// <summary>
    /// The finished record, with the answer exactly as sent (null when the call failed unexpectedly, and for a call with
    /// nothing to say, which is kept compact: <see cref="LedgerCompactRecord"/>).
    /// </summary>
    public HookCallRecord Complete(int status, byte[]? response, IReadOnlyList<CardRecord> cards, string? error = null)
    {
        var request = _trace.Request;
        var timings = _trace.Stages.Select(s => new StageTiming(s.Name, s.Milliseconds)).ToList();
        var total = timings.Sum(t => t.Milliseconds);
        var record = new HookCallRecord
        {
            Id = Id,
            ReceivedAt = ReceivedAt,
            ServiceId = ServiceId,
            Hook = request?.Hook,
            HookInstance = request?.HookInstance,
            Issuer = Issuer,
            PatientId = request?.PatientId,
            UserId = request?.UserId,
            EncounterId = request?.EncounterId,
            FhirServer = request?.FhirServer?.AbsoluteUri,
            Status = status,
            Orders = _trace.Orders,
            Decisions = [.. _trace.Decisions.Select(Decided), .. _trace.Ungoverned.Select(u => Ungoverned(u.OrderReference, u.Assertion))],
            Cards = cards,
            DataSources = _trace.Data?.Sources.ToDictionary(s => s.Key, s => SourceName(s.Value), StringComparer.Ordinal) ?? new Dictionary<string, string>(),
            DataFailures = [.. (_trace.Data?.Failures ?? []).Select(f => new DataFailureRecord(f.Key, f.Reason)), .. NotThisPatient(_trace.NotThisPatient)],
            Timings = [.. timings, new StageTiming("total", Math.Round(total, 3))],
            ResponseSha256 = response is null ? null : Convert.ToHexStringLower(SHA256.HashData(response)),
            Error = error,
        };

        // The answer as text, except for a call kept compact (LedgerCompactRecord), whose record holds only its hash: not
        // decoded on the hook's thread to be dropped.
        return response is null || LedgerCompactRecord.Applies(record) ? record : record with { Response = Encoding.UTF8.GetString(response) };
    }

    // Resources dropped because they are another patient's or name none: by type and id, never content.
    private static IEnumerable<DataFailureRecord> NotThisPatient(IReadOnlyList<string> references) =>
        references.Count == 0 ? [] : [new DataFailureRecord("not-this-patient", $"{references.Count} resource(s) not referencing the patient were dropped: {string.Join(", ", references.Take(50))}")];

    private static OrderDecisionRecord Decided(DecidedOrder decided)
    {
        var (decision, assertion) = (decided.Decision, decided.Assertion);
        var detail = new DecisionDetail(
            [.. decision.Criteria.Select(c => new CriterionRecord(c.Id, c.Label, StatusName(c.Status), c.Summary, [.. c.Evidence.Select(e => e.Reference).Distinct(StringComparer.Ordinal)]))],
            [.. decision.Missing.Select(m => new MissingRecord(m.Criterion, m.What))],
            [.. decision.Documentation.Select(m => new MissingRecord(m.Criterion, m.What))],
            assertion.InfoNeeded,
            assertion.DocPurpose)
        {
            Review = [.. decision.Review.Select(r => new MissingRecord(r.Criterion, r.What))],
            Supersedes = decided.Supersedes,
            Answers = decided.Answers.Count > 0 ? decided.Answers : null,
        };
        return new OrderDecisionRecord(
            decision.OrderReference,
            assertion.AssertionId,
            assertion.CoverageReference,
            OutcomeName(decision.Outcome),
            decision.DecidingCriterion,
            decision.Reason,
            assertion.Covered,
            assertion.PaNeeded,
            assertion.DocNeeded,
            assertion.Date,
            detail)
        {
            Policy = decided.Policy is { } revision ? new PolicyRevisionRecord(revision.Id, revision.Version, revision.EffectiveText, revision.Sha256) : null,
        };
    }

    // An assertion for an order no loaded policy governs (CRD: all coverage guidance given is retained).
    private static OrderDecisionRecord Ungoverned(string orderReference, CoverageAssertion assertion) => new(
        orderReference,
        assertion.AssertionId,
        assertion.CoverageReference,
        NotGoverned,
        "none",
        assertion.Reason,
        assertion.Covered,
        assertion.PaNeeded,
        assertion.DocNeeded,
        assertion.Date,
        new DecisionDetail([], [], [], assertion.InfoNeeded, assertion.DocPurpose));

    /// <summary>The outcome recorded for an order no loaded policy governs.</summary>
    internal const string NotGoverned = "not-governed";

    internal static string OutcomeName(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.MeetsCriteria => "meets-criteria",
        DecisionOutcome.NotMedicallyNecessary => "not-medically-necessary",
        DecisionOutcome.Investigational => "investigational",
        DecisionOutcome.CannotBeDetermined => "cannot-be-determined",
        _ => outcome.ToString(),
    };

    private static string StatusName(CriterionStatus status) => status switch
    {
        CriterionStatus.Met => "met",
        CriterionStatus.NotMet => "not-met",
        _ => "unknown",
    };

    private static string SourceName(DataSource source) => source switch
    {
        DataSource.Prefetch => "prefetch",
        DataSource.PrefetchNull => "prefetch-null",
        DataSource.Query => "query",
        DataSource.Failed => "failed",
        _ => "not-available",
    };
}
