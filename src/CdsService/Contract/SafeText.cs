
namespace Cds.Service.Contract;

/// <summary>
/// Makes a caller-supplied string safe to store: at most a given length (the cut is marked with its full length), so a
/// value cannot bloat an index. Log lines use <see cref="LogText"/>.
/// </summary>
internal static class SafeText
{

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
}
