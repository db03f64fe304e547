using Cds.Service.Contract;

namespace Cds.Service.Ledger;

/// <summary>
/// The longest string the ledger keeps in each kind of column, applied to every record before it is queued, spooled or
/// written: a caller-supplied value (a 1 MB <c>hookInstance</c>, a long prefetch key) can then neither break an index
/// (PostgreSQL refuses index entries over about 2.7 KB) nor keep a record in the spool for ever. A cut value ends with
/// "…(N chars)". The response and the feedback body are kept whole: they are what was sent, bounded by the request
/// size limit, and not indexed.
/// </summary>
internal static class LedgerLimits
{
    /// <summary>Identifiers (indexed or joined on): hook instance, patient, user, encounter, issuer, references, uuids.</summary>
    public const int Identifier = 256;

    /// <summary>URLs (<c>fhirServer</c>).</summary>
    public const int Url = 2048;

    /// <summary>Free text the service writes (reasons, summaries, what is missing, errors).</summary>
    public const int FreeText = 4000;

    /// <summary>
    /// <paramref name="record"/> with every value within its limit: the record itself when all are (as good as always:
    /// nothing is copied on the hook's thread), else a copy with the long values cut.
    /// </summary>
    public static HookCallRecord Bound(HookCallRecord record) => Fits(record) ? record : Cut(record);

    // True when Cut would change nothing: every value it bounds is within its limit (the same fields, the same limits).
    private static bool Fits(HookCallRecord r) =>
        IsId(r.Id) && IsId(r.ServiceId) && IsId(r.Hook) && IsId(r.HookInstance) && IsId(r.Issuer) && IsId(r.PatientId)
        && IsId(r.UserId) && IsId(r.EncounterId) && Within(r.FhirServer, Url) && All(r.Orders, IsId)
        && (r.OrderCodes is null || All(r.OrderCodes, IsId)) && All(r.Decisions, Fits)
        && All(r.Cards, c => IsId(c.Uuid) && IsId(c.OrderReference))
        && r.DataSources.All(s => IsId(s.Key) && IsId(s.Value))
        && All(r.DataFailures, f => IsId(f.Key) && IsText(f.Reason)) && All(r.Timings, t => IsId(t.Stage)) && IsText(r.Error);

    private static bool Fits(OrderDecisionRecord d) =>
        IsId(d.OrderReference) && IsId(d.AssertionId) && IsId(d.CoverageReference) && IsId(d.Outcome) && IsId(d.DecidingCriterion)
        && IsText(d.Reason) && IsId(d.Covered) && IsId(d.PaNeeded) && IsId(d.DocNeeded)
        && All(d.Detail.Criteria, c => IsId(c.Id) && IsText(c.Label) && IsId(c.Status) && IsText(c.Summary) && All(c.Evidence, IsId))
        && All(d.Detail.Missing, Fits) && All(d.Detail.Documentation, Fits) && All(d.Detail.InfoNeeded, IsId) && All(d.Detail.DocPurpose, IsId)
        && All(d.Detail.Review, Fits) && IsId(d.Detail.Supersedes) && (d.Detail.Answers is null || All(d.Detail.Answers, IsId));

    private static bool Fits(MissingRecord m) => IsId(m.Criterion) && IsText(m.What);

    private static bool All<T>(IReadOnlyList<T> items, Func<T, bool> fits)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (!fits(items[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsId(string? value) => Within(value, Identifier);

    private static bool IsText(string? value) => Within(value, FreeText);

    private static bool Within(string? value, int maxLength) => value is null || value.Length <= maxLength;

    private static HookCallRecord Cut(HookCallRecord record) => record with
    {
        Id = Id(record.Id)!,
        ServiceId = Id(record.ServiceId)!,
        Hook = Id(record.Hook),
        HookInstance = Id(record.HookInstance),
        Issuer = Id(record.Issuer),
        PatientId = Id(record.PatientId),
        UserId = Id(record.UserId),
        EncounterId = Id(record.EncounterId),
        FhirServer = SafeText.Bound(record.FhirServer, Url),
        Orders = [.. record.Orders.Select(o => Id(o)!)],
        OrderCodes = record.OrderCodes is null ? null : [.. record.OrderCodes.Select(c => Id(c)!)],
        Decisions = [.. record.Decisions.Select(Bound)],
        Cards = [.. record.Cards.Select(c => new CardRecord(Id(c.Uuid)!, Id(c.OrderReference)))],
        DataSources = record.DataSources
            .GroupBy(s => Id(s.Key)!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Id(g.First().Value)!, StringComparer.Ordinal),
        DataFailures = [.. record.DataFailures.Select(f => new DataFailureRecord(Id(f.Key)!, Text(f.Reason)!))],
        Timings = [.. record.Timings.Select(t => t with { Stage = Id(t.Stage)! })],
        Error = Text(record.Error),
    };

    public static FeedbackRecord Bound(FeedbackRecord feedback) => feedback with
    {
        Id = Id(feedback.Id)!,
        CardUuid = Id(feedback.CardUuid)!,
        ServiceId = Id(feedback.ServiceId)!,
        Issuer = Id(feedback.Issuer),
        Outcome = Id(feedback.Outcome)!,
    };

    private static OrderDecisionRecord Bound(OrderDecisionRecord d) => d with
    {
        OrderReference = Id(d.OrderReference)!,
        AssertionId = Id(d.AssertionId)!,
        CoverageReference = Id(d.CoverageReference)!,
        Outcome = Id(d.Outcome)!,
        DecidingCriterion = Id(d.DecidingCriterion)!,
        Reason = Text(d.Reason)!,
        Covered = Id(d.Covered)!,
        PaNeeded = Id(d.PaNeeded),
        DocNeeded = Id(d.DocNeeded),
        Detail = new DecisionDetail(
            [.. d.Detail.Criteria.Select(c => new CriterionRecord(Id(c.Id)!, Text(c.Label)!, Id(c.Status)!, Text(c.Summary)!, [.. c.Evidence.Select(e => Id(e)!)]))],
            [.. d.Detail.Missing.Select(m => new MissingRecord(Id(m.Criterion)!, Text(m.What)!))],
            [.. d.Detail.Documentation.Select(m => new MissingRecord(Id(m.Criterion)!, Text(m.What)!))],
            [.. d.Detail.InfoNeeded.Select(i => Id(i)!)],
            [.. d.Detail.DocPurpose.Select(p => Id(p)!)])
        {
            Review = [.. d.Detail.Review.Select(m => new MissingRecord(Id(m.Criterion)!, Text(m.What)!))],
            Supersedes = Id(d.Detail.Supersedes),
            Answers = d.Detail.Answers is { } answers ? [.. answers.Select(a => Id(a)!)] : null,
        },
    };

    private static string? Id(string? value) => SafeText.Bound(value, Identifier);

    private static string? Text(string? value) => SafeText.Bound(value, FreeText);
}
