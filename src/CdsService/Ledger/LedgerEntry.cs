using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;
using Cds.Service.Hooks;
using Cds.Service.Prefetch;

namespace Cds.Service.Ledger;

/// <summary>
/// The ledger record of one hook call, filled in as the call goes: the request's identifiers, the orders, where the
/// data came from, each decision and assertion, and the time each stage took (by Stopwatch: elapsed time, whatever the
/// service's clock says). Holds no token: the access token of
/// <c>fhirAuthorization</c> and the caller's JWT are never copied into it.
/// </summary>
internal sealed class LedgerEntry
{
    private readonly List<StageTiming> _timings = [];
    private readonly List<OrderDecisionRecord> _decisions = [];
    private long _mark;
    private HookRequest? _request;
    private IReadOnlyList<string> _orders = [];
    private IReadOnlyDictionary<string, string> _sources = new Dictionary<string, string>();
    private IReadOnlyList<DataFailureRecord> _failures = [];

    public LedgerEntry(string serviceId, ClaimsPrincipal caller, TimeProvider time)
    {
        _mark = Stopwatch.GetTimestamp();
        ServiceId = serviceId;
        ReceivedAt = time.GetUtcNow();
        Id = Guid.CreateVersion7(ReceivedAt).ToString();
        Issuer = caller.Identity?.IsAuthenticated == true ? caller.FindFirst("iss")?.Value : null;
    }

    public string Id { get; }

    public string ServiceId { get; }

    public DateTimeOffset ReceivedAt { get; }

    public string? Issuer { get; }

    /// <summary>The request was read and is a well-formed hook request.</summary>
    public void Received(HookRequest request) => _request = request;

    /// <summary>The draft orders of the request, all of them.</summary>
    public void Orders(IEnumerable<DraftOrder> orders) => _orders = [.. orders.Select(o => o.Reference)];

    /// <summary>The patient's data is in: records where each key came from, and closes the <c>gather</c> stage.</summary>
    public void Gathered(PatientData data)
    {
        _sources = data.Sources.ToDictionary(s => s.Key, s => SourceName(s.Value), StringComparer.Ordinal);
        _failures = [.. data.Failures.Select(f => new DataFailureRecord(f.Key, f.Reason))];
        Stage("gather");
    }

    /// <summary>
    /// The record was read: resources dropped as another patient's (by type and id, never content) and resources that
    /// could not be read go on record beside the data failures of the queries.
    /// </summary>
    public void Read(ClinicalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.NotThisPatient.Count > 0)
        {
            _failures = [.. _failures, new DataFailureRecord("not-this-patient", $"{record.NotThisPatient.Count} resource(s) not referencing the patient were dropped: {string.Join(", ", record.NotThisPatient.Take(50))}")];
        }

        _failures = [.. _failures, .. record.UnreadableResources.Select(r => new DataFailureRecord("unreadable", $"{r} could not be read as FHIR R4"))];
    }

    /// <summary>Closes a stage: the time since the previous one.</summary>
    public void Stage(string name)
    {
        var now = Stopwatch.GetTimestamp();
        _timings.Add(new StageTiming(name, Math.Round(Stopwatch.GetElapsedTime(_mark, now).TotalMilliseconds, 3)));
        _mark = now;
    }

    /// <summary>The decision for one order and the assertion issued for it.</summary>
    public void Decided(CoverageDecision decision, CoverageAssertion assertion)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(assertion);
        var detail = new DecisionDetail(
            [.. decision.Criteria.Select(c => new CriterionRecord(c.Id, c.Label, StatusName(c.Status), c.Summary, [.. c.Evidence.Select(e => e.Reference).Distinct(StringComparer.Ordinal)]))],
            [.. decision.Missing.Select(m => new MissingRecord(m.Criterion, m.What))],
            [.. decision.Documentation.Select(m => new MissingRecord(m.Criterion, m.What))],
            assertion.InfoNeeded,
            assertion.DocPurpose)
        {
            Review = [.. decision.Review.Select(r => new MissingRecord(r.Criterion, r.What))],
        };
        _decisions.Add(new OrderDecisionRecord(
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
            detail));
    }

    /// <summary>
    /// Links the assertion just issued to the one it replaces and to the DTR answers it rests on (kept in the
    /// decision's detail, so the ledger schema is unchanged).
    /// </summary>
    public void Linked(string assertionId, string? supersedes, IReadOnlyList<string> answers)
    {
        var i = _decisions.FindLastIndex(d => d.AssertionId == assertionId);
        if (i >= 0 && (supersedes is not null || answers.Count > 0))
        {
            _decisions[i] = _decisions[i] with { Detail = _decisions[i].Detail with { Supersedes = supersedes, Answers = answers.Count > 0 ? answers : null } };
        }
    }

    /// <summary>The finished record, with the answer exactly as sent (null when the call failed unexpectedly).</summary>
    public HookCallRecord Complete(int status, byte[]? response, IReadOnlyList<CardRecord> cards, string? error = null)
    {
        var total = _timings.Sum(t => t.Milliseconds);
        return new HookCallRecord
        {
            Id = Id,
            ReceivedAt = ReceivedAt,
            ServiceId = ServiceId,
            Hook = _request?.Hook,
            HookInstance = _request?.HookInstance,
            Issuer = Issuer,
            PatientId = _request?.PatientId,
            UserId = _request?.UserId,
            EncounterId = _request?.EncounterId,
            FhirServer = _request?.FhirServer?.AbsoluteUri,
            Status = status,
            Orders = _orders,
            Decisions = [.. _decisions],
            Cards = cards,
            DataSources = _sources,
            DataFailures = _failures,
            Timings = [.. _timings, new StageTiming("total", Math.Round(total, 3))],
            Response = response is null ? null : Encoding.UTF8.GetString(response),
            ResponseSha256 = response is null ? null : Convert.ToHexStringLower(SHA256.HashData(response)),
            Error = error,
        };
    }

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
