using System.Text.RegularExpressions;

namespace Cds.FhirMapping.Text;

/// <summary>
/// Finds the matches of one alternation of lexicon terms (in their order, each on a leading word boundary) exactly as
/// scanning the text with that alternation would, but trying it only where a term can begin: at the start of a word
/// whose first character is one a term can begin with (<see cref="TermStarts"/>), and there only the terms that can
/// begin with it. One regular expression with every term in it is slow to scan with (each position tries every term,
/// and compiled it is too large a method for the JIT to optimise); small ones per first character are fast.
/// </summary>
/// <remarks>
/// Used only when every term begins with a word boundary and a plain start (so every match is at a word start and at
/// least one character long); <see cref="TryCreate"/> gives null otherwise, and the caller scans with the alternation.
/// A position whose character is not ASCII is tried with every term, because the case-insensitive engine may take it
/// for a letter (the Kelvin sign for "k").
/// </remarks>
internal sealed class TermScanner
{
    private readonly Dictionary<char, Regex> _byStart;
    private readonly Regex _all;

    private TermScanner(Dictionary<char, Regex> byStart, Regex all)
    {
        _byStart = byStart;
        _all = all;
    }

    /// <summary>
    /// A scanner for <paramref name="terms"/> (in their order; <paramref name="leads"/> says whether a term begins with
    /// a word boundary, <paramref name="trailed"/> gives its pattern without the leading boundary), or null when some term
    /// has no leading boundary or no plain start. The small per-character patterns are made by <paramref name="compile"/>;
    /// the one with every term (for a character that is not ASCII, rare) by <paramref name="interpret"/>: compiled, so
    /// large a method is left unoptimised by the JIT and is no faster than the interpreter, and costs the most to build.
    /// </summary>
    public static TermScanner? TryCreate(string[] terms, Func<string, bool> leads, Func<string, string> trailed, string leadingBoundary, Func<string, Regex> compile, Func<string, Regex> interpret)
    {
        var starts = terms.Select(TermStarts.Of).ToArray();
        if (terms.Length == 0 || !terms.All(leads) || starts.Any(s => s is null))
        {
            return null;
        }

        var byStart = new Dictionary<char, Regex>();
        foreach (var key in starts.SelectMany(s => s!).Distinct().Order())
        {
            var these = terms.Where((_, i) => starts[i]!.Contains(key)).Select(trailed);
            byStart[key] = compile($@"\G{leadingBoundary}(?:{string.Join('|', these)})");
        }

        return new TermScanner(byStart, interpret($@"\G{leadingBoundary}(?:{string.Join('|', terms.Select(trailed))})"));
    }

    /// <summary>The matches in <c>text[start..end]</c> (what precedes start still counts for the word boundary).</summary>
    public void Scan(string text, int start, int end, List<(int Start, int End)> matches)
    {
        for (var at = Next(text, start, end, out var length); at >= 0; at = Next(text, at + length, end, out length))
        {
            matches.Add((at, at + length));
        }
    }

    /// <summary>
    /// Where the first match in <c>text[from..end]</c> begins (its length in <paramref name="length"/>), or -1: the next
    /// match a scan with the alternation would give after one that ended at <paramref name="from"/>.
    /// </summary>
    public int Next(string text, int from, int end, out int length)
    {
        var span = text.AsSpan(0, end);
        for (var at = from; at < end; at++)
        {
            length = MatchAt(span, at);
            if (length > 0)
            {
                return at;
            }
        }

        length = 0;
        return -1;
    }

    // The length of the match at the position, or 0 when none. Inside a word (after an ASCII letter or digit) no term
    // can begin; at an ASCII character only the terms that can begin with it are tried.
    private int MatchAt(ReadOnlySpan<char> span, int at)
    {
        var c = span[at];
        Regex? regex;
        if (at > 0 && char.IsAsciiLetterOrDigit(span[at - 1]))
        {
            return 0;
        }

        if (char.IsAscii(c))
        {
            if (!_byStart.TryGetValue(char.ToLowerInvariant(c), out regex))
            {
                return 0;
            }
        }
        else
        {
            regex = _all;
        }

        foreach (var match in regex.EnumerateMatches(span, at))
        {
            return match.Length;
        }

        return 0;
    }
}
