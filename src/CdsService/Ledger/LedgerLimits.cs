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

    public static HookCallRecord Bound(HookCallRecord record) => record with
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
