namespace Cds.FhirMapping.Fhir.Direct;

/// <summary>
/// Whether a string is a FHIR date, dateTime or instant in the syntax of the specification and on the calendar
/// (no 2024-02-30, no leap second, an offset within ±14:00). Only a gate for the direct reader: the text is stored as
/// written and <see cref="FhirDates"/> reads what it means, as it does for Firely's read.
/// </summary>
internal static class DirectDates
{
    /// <summary>YYYY, YYYY-MM, YYYY-MM-DD or a full date and time with seconds and a zone.</summary>
    public static bool IsDateTime(string text) => text.Length switch
    {
        4 => Year(text, out _),
        7 => Year(text, out _) && text[4] == '-' && Month(text, out _),
        10 => IsDate(text),
        _ => IsInstant(text),
    };

    /// <summary>YYYY-MM-DDThh:mm:ss[.f{1,9}](Z|±hh:mm).</summary>
    public static bool IsInstant(string text)
    {
        if (text.Length < 20 || !IsDate(text) || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || !Number(text, 11, 2, out var hour) || hour > 23 || !Number(text, 14, 2, out var minute) || minute > 59
            || !Number(text, 17, 2, out var second) || second > 59)
        {
            return false;
        }

        var i = 19;
        if (text[i] == '.')
        {
            var fraction = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == fraction || i - fraction > 9)
            {
                return false;
            }
        }

        if (i == text.Length - 1)
        {
            return text[i] == 'Z';
        }

        return i == text.Length - 6 && text[i] is ('+' or '-') && text[i + 3] == ':'
            && Number(text, i + 1, 2, out var zoneHour) && Number(text, i + 4, 2, out var zoneMinute)
            && zoneMinute <= 59 && (zoneHour < 14 || (zoneHour == 14 && zoneMinute == 0));
    }

    private static bool IsDate(string text) =>
        text.Length >= 10 && Year(text, out var year) && text[4] == '-' && Month(text, out var month) && text[7] == '-'
        && Number(text, 8, 2, out var day) && day >= 1 && day <= System.DateTime.DaysInMonth(year, month);

    private static bool Year(string text, out int year) => Number(text, 0, 4, out year) && year >= 1;

    private static bool Month(string text, out int month) => Number(text, 5, 2, out month) && month is >= 1 and <= 12;

    private static bool Number(string text, int start, int length, out int number)
    {
        number = 0;
        if (start + length > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            number = (number * 10) + (text[i] - '0');
        }

        return true;
    }
}
