using System.Text;

namespace Cds.Service.Contract;

/// <summary>
/// Makes a caller-supplied string safe for a log line: at most <see cref="MaxLength"/> characters, control characters
/// (newlines included) escaped as <c>\uXXXX</c>, so one request cannot forge or flood log lines.
/// </summary>
internal static class LogText
{
    public const int MaxLength = 200;

    public static string Safe(string? value, int maxLength = MaxLength)
    {
        if (value is null)
        {
            return string.Empty;
        }

        var cut = value.Length > maxLength;
        var text = cut ? value[..maxLength] : value;
        if (!cut && !text.Any(char.IsControl) && !text.Any(char.IsSurrogate))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair)
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return cut ? builder.Append('…').ToString() : builder.ToString();
    }
}
