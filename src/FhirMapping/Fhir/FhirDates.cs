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
                ? new EffectiveTime(month, new DateOnly(month.Year, month.Month, DateTime.DaysInMonth(month.Year, month.Month)), DatePrecision.Month)
                : null;
        }

        // The shapes EHRs send ("2024-05-01", "2024-05-01T10:00:00-08:00", "…T10:00:00.123Z") are read by hand; anything
        // else, and any component out of the plain ranges, by the general parsers, which give the same for these shapes.
        if (StandardDateTime(value) is { } standard)
        {
            return standard;
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

    // "yyyy-MM-dd", or "yyyy-MM-ddTHH:mm:ss" with 1-7 fraction digits or none and "Z" or "±hh:mm", every component in
    // its plain range (years 2-9998, so the UTC instant cannot leave DateTime's range): what DateOnly.TryParseExact and
    // DateTimeOffset.TryParse read from it, without them. Null for any other string (then they decide).
    private static EffectiveTime? StandardDateTime(string value)
    {
        if (value.Length < 10 || !Digits(value, 0, 4, out var year) || value[4] != '-' || !Digits(value, 5, 2, out var month) || value[7] != '-' || !Digits(value, 8, 2, out var dayOfMonth)
            || year is < 2 or > 9998 || month is < 1 or > 12 || dayOfMonth < 1 || dayOfMonth > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        var day = new DateOnly(year, month, dayOfMonth);
        if (value.Length == 10)
        {
            return EffectiveTime.Day(day);
        }

        if (value.Length < 20 || value[10] != 'T' || !Digits(value, 11, 2, out var hour) || value[13] != ':' || !Digits(value, 14, 2, out var minute) || value[16] != ':' || !Digits(value, 17, 2, out var second)
            || hour > 23 || minute > 59 || second > 59)
        {
            return null;
        }

        var at = 19;
        var fraction = 0L;
        if (value[at] == '.')
        {
            var digits = 0;
            for (at++; at < value.Length && char.IsAsciiDigit(value[at]); at++)
            {
                fraction = (fraction * 10) + (value[at] - '0');
                digits++;
            }

            if (digits is < 1 or > 7)
            {
                return null;
            }

            for (; digits < 7; digits++)
            {
                fraction *= 10;
            }
        }

        TimeSpan offset;
        if (at == value.Length - 1 && value[at] == 'Z')
        {
            offset = TimeSpan.Zero;
        }
        else if (at == value.Length - 6 && value[at] is '+' or '-' && Digits(value, at + 1, 2, out var offsetHours) && value[at + 3] == ':' && Digits(value, at + 4, 2, out var offsetMinutes)
                 && offsetMinutes <= 59 && (offsetHours * 60) + offsetMinutes <= 14 * 60)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            offset = value[at] == '-' ? -offset : offset;
        }
        else
        {
            return null;
        }

        var instant = new DateTimeOffset(new DateTime(year, month, dayOfMonth, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fraction), offset);
        return new EffectiveTime(day, day, DatePrecision.Time, instant.ToUniversalTime());
    }

    private static bool Digits(string value, int start, int count, out int number)
    {
        number = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return false;
            }

            number = (number * 10) + (value[i] - '0');
        }

        return true;
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
