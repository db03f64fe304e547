using System.Text;

namespace Cds.Service.Hosting;

/// <summary>
/// Makes a caller-supplied string safe to log or store: at most a given length (the cut is marked with its full length)
/// and, for logs, with control characters escaped, so a value can neither forge a log line nor bloat an index.
/// </summary>
internal static class SafeText
{
    /// <summary>Longest caller-supplied value written to a log line.</summary>
    public const int MaxLogLength = 200;

    /// <summary>
    /// <paramref name="value"/> cut to <paramref name="maxLength"/> characters (never splitting a surrogate pair), with
    /// "…(N chars)" appended when cut.
    /// </summary>
    public static string? Bound(string? value, int maxLength)
    {
        if (value is null || value.Length <= maxLength)
        {
            return value;
        }

        var marker = $"…({value.Length} chars)";
        var keep = Math.Max(0, maxLength - marker.Length);
        if (keep > 0 && char.IsHighSurrogate(value[keep - 1]))
        {
            keep--;
        }

        return string.Concat(value.AsSpan(0, keep), marker);
    }

    /// <summary>For a log line: bounded to <see cref="MaxLogLength"/> and every control character escaped (<c>\n</c>, <c>\u001b</c>).</summary>
    public static string? ForLog(string? value)
    {
        var bounded = Bound(value, MaxLogLength);
        if (bounded is null || !bounded.Any(char.IsControl))
        {
            return bounded;
        }

        var text = new StringBuilder(bounded.Length + 16);
        foreach (var c in bounded)
        {
            _ = c switch
            {
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ when char.IsControl(c) => text.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text.ToString();
    }
}
