using System.Globalization;

namespace Cds.FhirMapping.Coverages;

/// <summary>
/// The days a FHIR <c>date</c> or <c>dateTime</c> can mean: <c>2026</c> is 1 Jan to 31 Dec 2026, <c>2026-11</c> the
/// month, a full date or a dateTime one day (the date as written, in the writer's own offset).
/// </summary>
public readonly record struct DateRange(DateOnly Earliest, DateOnly Latest)
{
    public static DateRange Day(DateOnly day) => new(day, day);

    /// <summary>Reads a FHIR date or dateTime; null when it is missing or not one.</summary>
    public static DateRange? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (text.Length >= 10 && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return Day(day);
        }

        if (text.Length == 7 && DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            return new DateRange(month, new DateOnly(month.Year, month.Month, DateTime.DaysInMonth(month.Year, month.Month)));
        }

        if (text.Length == 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1 and <= 9999)
        {
            return new DateRange(new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        }

        return null;
    }

    public override string ToString() =>
        Earliest == Latest
            ? Earliest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : $"{Earliest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}..{Latest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
}
