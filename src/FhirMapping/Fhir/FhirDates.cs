using System.Globalization;
using Cds.FhirMapping.Facts;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// The one reader of FHIR dates in the product. A FHIR <c>date</c>/<c>dateTime</c> is read as the calendar day(s) it
/// names in its own time zone, as a range when partial ("2024", "2024-05"); a time, when present, also gives the UTC
/// instant. An <c>instant</c> is read the same way (its own offset's calendar day). A Period is the range from the
/// start of its start to the end of its end (an open end is its start's range).
/// </summary>
public static class FhirDates
{
    /// <summary>Reads a FHIR date or dateTime string; null when absent or malformed.</summary>
    public static EffectiveTime? Read(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length < 4)
        {
            return null;
        }

        if (value.Length == 4)
        {
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1 and <= 9999
                ? new EffectiveTime(new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), DatePrecision.Year)
                : null;
        }

        if (value.Length == 7)
        {
            return DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
                ? new EffectiveTime(month, month.AddMonths(1).AddDays(-1), DatePrecision.Month)
                : null;
        }

        if (!DateOnly.TryParseExact(value[..Math.Min(10, value.Length)], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return null;
        }

        if (value.Length > 10
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return new EffectiveTime(day, day, DatePrecision.Time, instant.ToUniversalTime());
        }

        return EffectiveTime.Day(day);
    }

    /// <summary>Reads an instant (its calendar day in its own offset, and the UTC instant).</summary>
    public static EffectiveTime Read(DateTimeOffset instant)
    {
        var day = DateOnly.FromDateTime(instant.DateTime);
        return new EffectiveTime(day, day, DatePrecision.Time, instant.ToUniversalTime());
    }

    /// <summary>Reads a choice element (dateTime, Period, instant); null for other types or when absent.</summary>
    public static EffectiveTime? Read(DataType? element) => element switch
    {
        FhirDateTime dateTime => Read(dateTime.Value),
        Date date => Read(date.Value),
        Instant { Value: { } instant } => Read(instant),
        Period period => Read(period),
        _ => null,
    };

    /// <summary>Reads a Period: from its start's first day to its end's last day.</summary>
    public static EffectiveTime? Read(Period? period)
    {
        if (period is null)
        {
            return null;
        }

        var start = Read(period.Start);
        var end = Read(period.End);
        return (start, end) switch
        {
            (null, null) => null,
            ({ } s, null) => s,
            (null, { } e) => e,
            ({ } s, { } e) => new EffectiveTime(s.First, e.Last < s.First ? s.Last : e.Last, s.First == e.Last ? s.Precision : DatePrecision.Day, s.Instant),
        };
    }

    /// <summary>The later of two times by their last day (for "as of when it was recorded"); null-tolerant.</summary>
    public static EffectiveTime? Later(EffectiveTime? a, EffectiveTime? b) =>
        a is null ? b : b is null ? a : b.Compare(a) == TimePosition.After ? b : a;
}
