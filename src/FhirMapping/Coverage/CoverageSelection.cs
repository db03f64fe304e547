namespace Cds.FhirMapping.Coverages;

/// <summary>What the selection concluded about one Coverage.</summary>
public enum CoverageVerdict
{
    /// <summary>This payer's, active on the order's date, and the one the assertion is written on.</summary>
    Chosen,

    /// <summary>This payer's and active on the order's date, but another of this payer's Coverages ranks first.</summary>
    Outranked,

    /// <summary>Another payer's Coverage.</summary>
    OtherPayer,

    /// <summary>The payer could not be identified (an unresolved payor reference without identifier or name).</summary>
    PayerUnknown,

    /// <summary>Status is not <c>active</c> (cancelled, draft, entered-in-error, or missing).</summary>
    NotActive,

    /// <summary>The period starts after the order's date.</summary>
    NotStarted,

    /// <summary>The period ended before the order's date.</summary>
    Ended,

    /// <summary>A partial date in the period or the order's date leaves it open whether the order falls inside.</summary>
    PeriodUncertain,

    /// <summary>The order's <c>insurance</c> names other Coverages.</summary>
    NotNamedByOrder,
}

/// <summary>Why no Coverage could be chosen.</summary>
public enum CoverageFailure
{
    /// <summary>The patient has no Coverage on record.</summary>
    NoCoverage,

    /// <summary>Coverages exist, but none is this payer's, active, on the order's date (and named by the order).</summary>
    NoneQualifies,

    /// <summary>None qualifies among those identified, and some payer could not be identified (a technical gap).</summary>
    PayerUnresolved,
}

public sealed record CoverageAssessment(CoverageCandidate Coverage, CoverageVerdict Verdict);

/// <summary>The outcome of the selection for one order: the Coverage(s) to assert on, or why there is none.</summary>
public sealed record CoverageChoice(IReadOnlyList<CoverageCandidate> Chosen, IReadOnlyList<CoverageAssessment> Assessments, CoverageFailure? Failure)
{
    /// <summary>Each Coverage and its verdict, in words without patient data, e.g. <c>Coverage/c1: another payer</c>.</summary>
    public string Explain() =>
        Assessments.Count == 0
            ? "the patient has no Coverage on record"
            : string.Join("; ", Assessments.Select(a => $"{a.Coverage.Reference}: {Words(a.Verdict)}"));

    private static string Words(CoverageVerdict verdict) => verdict switch
    {
        CoverageVerdict.Chosen => "chosen",
        CoverageVerdict.Outranked => "also this payer's, ranked after the chosen one (Coverage.order)",
        CoverageVerdict.OtherPayer => "another payer",
        CoverageVerdict.PayerUnknown => "payer could not be identified",
        CoverageVerdict.NotActive => "not active",
        CoverageVerdict.NotStarted => "starts after the order's date",
        CoverageVerdict.Ended => "ended before the order's date",
        CoverageVerdict.PeriodUncertain => "period may not contain the order's date (partial date)",
        CoverageVerdict.NotNamedByOrder => "not the insurance the order names",
        _ => verdict.ToString(),
    };
}

/// <summary>
/// Chooses the Coverage a coverage assertion for one order is written on (pure). A Coverage qualifies when it is this
/// payer's, <c>active</c>, and its period contains the order's date. When the order's <c>insurance</c> names
/// Coverages, only those count. Among several qualifying, the lowest <c>Coverage.order</c> wins (1 = primary; a
/// Coverage without one ranks after those with one); Coverages that tie are all chosen (one assertion each, distinct
/// assertion ids, as CRD allows for different coverages). Nothing qualifies: a failure naming why each was passed over.
/// </summary>
public static class CoverageSelection
{
    public static CoverageChoice Select(IReadOnlyList<CoverageCandidate> coverages, PayerIdentity payer, DateRange orderDate, IReadOnlyCollection<string> orderInsurance)
    {
        ArgumentNullException.ThrowIfNull(coverages);
        ArgumentNullException.ThrowIfNull(payer);
        ArgumentNullException.ThrowIfNull(orderInsurance);
        if (coverages.Count == 0)
        {
            return new CoverageChoice([], [], CoverageFailure.NoCoverage);
        }

        var verdicts = coverages.Select(c => (Coverage: c, Verdict: Assess(c, payer, orderDate))).ToList();
        if (orderInsurance.Count > 0)
        {
            verdicts = [.. verdicts.Select(v => v.Verdict is null && !orderInsurance.Contains(v.Coverage.Reference, StringComparer.Ordinal) ? (v.Coverage, CoverageVerdict.NotNamedByOrder) : v)];
        }

        var qualifying = verdicts.Where(v => v.Verdict is null).Select(v => v.Coverage).ToList();
        if (qualifying.Count == 0)
        {
            var assessments = verdicts.Select(v => new CoverageAssessment(v.Coverage, v.Verdict!.Value)).ToList();
            var failure = assessments.Any(a => a.Verdict == CoverageVerdict.PayerUnknown) ? CoverageFailure.PayerUnresolved : CoverageFailure.NoneQualifies;
            return new CoverageChoice([], assessments, failure);
        }

        var best = qualifying.Min(Rank);
        var chosen = qualifying.Where(c => Rank(c) == best).ToList();
        var result = verdicts.Select(v => new CoverageAssessment(
            v.Coverage,
            v.Verdict ?? (chosen.Contains(v.Coverage) ? CoverageVerdict.Chosen : CoverageVerdict.Outranked))).ToList();
        return new CoverageChoice(chosen, result, null);
    }

    private static int Rank(CoverageCandidate coverage) => coverage.Order is { } order and > 0 ? order : int.MaxValue;

    // Null: qualifies.
    private static CoverageVerdict? Assess(CoverageCandidate coverage, PayerIdentity payer, DateRange orderDate)
    {
        var matches = coverage.Payors.Select(payer.Match).ToList();
        if (!matches.Contains(PayerMatch.Ours))
        {
            return matches.Contains(PayerMatch.Unknown) || matches.Count == 0 ? CoverageVerdict.PayerUnknown : CoverageVerdict.OtherPayer;
        }

        if (!string.Equals(coverage.Status, "active", StringComparison.Ordinal))
        {
            return CoverageVerdict.NotActive;
        }

        if (coverage.Start is { } start)
        {
            if (start.Earliest > orderDate.Latest)
            {
                return CoverageVerdict.NotStarted;
            }

            if (start.Latest > orderDate.Earliest)
            {
                return CoverageVerdict.PeriodUncertain;
            }
        }

        if (coverage.End is { } end)
        {
            if (end.Latest < orderDate.Earliest)
            {
                return CoverageVerdict.Ended;
            }

            if (end.Earliest < orderDate.Latest)
            {
                return CoverageVerdict.PeriodUncertain;
            }
        }

        return null;
    }
}
