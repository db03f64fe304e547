using System.Globalization;

namespace Cds.FhirMapping.Facts;

/// <summary>How much of a FHIR date a record gave: a year, a month, a day, or a time of day.</summary>
public enum DatePrecision
{
    Year,
    Month,
    Day,
    Time,
}

/// <summary>Where one record lies relative to another in time.</summary>
public enum TimePosition
{
    Before,
    After,

    /// <summary>The two ranges overlap (the same day without both times, or a partial date spanning the other).</summary>
    Unknown,
}

/// <summary>
/// When a record says something happened, as a range of calendar days (inclusive) with its precision: "2024" is
/// 2024-01-01 … 2024-12-31, not 2024-01-01. Calendar days are the dates as the record wrote them (the local date of the
/// clinician or lab; a dateTime is not moved to UTC), and <see cref="Instant"/> (UTC) is kept when a time was given, so
/// that two records of the same day are ordered only when both carry a time. This is the one time convention of the
/// product: <see cref="Fhir.FhirDates"/> is its only reader.
/// </summary>
public sealed record EffectiveTime(DateOnly First, DateOnly Last, DatePrecision Precision, DateTimeOffset? Instant = null)
{
    /// <summary>A single known day.</summary>
    public static EffectiveTime Day(DateOnly day) => new(day, day, DatePrecision.Day);

    /// <summary>Where this record lies relative to <paramref name="other"/>: only a clear gap orders them.</summary>
    public TimePosition Compare(EffectiveTime other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Instant is { } mine && other.Instant is { } theirs)
        {
            return mine < theirs ? TimePosition.Before : mine > theirs ? TimePosition.After : TimePosition.Unknown;
        }

        return Last < other.First ? TimePosition.Before
            : First > other.Last ? TimePosition.After
            : TimePosition.Unknown;
    }

    /// <summary>True when this range lies wholly within the days from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public bool Within(DateOnly from, DateOnly to) => First >= from && Last <= to;

    /// <summary>True when this range and the days from <paramref name="from"/> to <paramref name="to"/> share no day.</summary>
    public bool Outside(DateOnly from, DateOnly to) => Last < from || First > to;

    /// <summary>
    /// The day <paramref name="days"/> days before this range's first day: the start of a policy window. The calendar's
    /// first day when the window would begin before it (a chart date near year 1), so a window never fails to compute.
    /// </summary>
    public DateOnly DaysBeforeFirst(int days) => DateOnly.FromDayNumber((int)Math.Clamp((long)First.DayNumber - days, DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber));

    /// <summary>The day <paramref name="days"/> days after this range's last day: the end of a policy window (the calendar's last day at most).</summary>
    public DateOnly DaysAfterLast(int days) => DateOnly.FromDayNumber((int)Math.Clamp((long)Last.DayNumber + days, DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber));

    /// <summary>"15 Sep 2026", "Sep 2026", "2026".</summary>
    public override string ToString() => Precision switch
    {
        DatePrecision.Year => First.ToString("yyyy", CultureInfo.InvariantCulture),
        DatePrecision.Month => First.ToString("MMM yyyy", CultureInfo.InvariantCulture),
        _ when First != Last => $"{First.ToString("d MMM yyyy", CultureInfo.InvariantCulture)} – {Last.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}",
        _ => First.ToString("d MMM yyyy", CultureInfo.InvariantCulture),
    };
}
