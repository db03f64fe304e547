using System.Globalization;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Tests.Facts.Reference;

/// <summary>
/// FhirDates as it was before issue #14's fourth round (main d2d75ef), kept to hold the shipped reader to it
/// (<see cref="FhirDatesDifferentialTests"/>). The one reader of FHIR dates in the product. A FHIR <c>date</c>/<c>dateTime</c> is read as the calendar day(s) it
/// names in its own time zone, as a range when partial ("2024", "2024-05"); a time, when present, also gives the UTC
/// instant. An <c>instant</c> is read the same way (its own offset's calendar day). A Period is the range from the
/// start of its start to the end of its end (an open end is its start's range).
/// </summary>
internal static class ReferenceFhirDates
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
}
