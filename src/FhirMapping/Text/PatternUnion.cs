using System.Text.RegularExpressions;

namespace Cds.FhirMapping.Text;

/// <summary>
/// "Does any of these patterns match somewhere in the text?" in one scan: the patterns as one alternation
/// <c>(?:p1)|(?:p2)|…</c> with the same options and time-out. A backtracking regular expression matches at a position
/// exactly when one of its alternatives does, and each alternative here is a whole pattern in a group of its own (its
/// inline options end with the group), so the alternation matches somewhere exactly when one of the patterns does.
/// Group numbers shift in an alternation, so patterns that refer to a group (a back-reference, a conditional, a
/// balancing group), that could hold a comment running to the end of the line (a '#': under the x option it would
/// swallow the group's closing parenthesis) or that differ in options or time-out are asked one by one instead: the
/// answer is the same either way.
/// </summary>
internal sealed partial class PatternUnion
{
    private readonly Regex? _union;
    private readonly Regex[] _patterns;

    public PatternUnion(IEnumerable<Regex> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        _patterns = [.. patterns];
        if (_patterns.Length > 1
            && _patterns.All(p => p.Options == _patterns[0].Options && p.MatchTimeout == _patterns[0].MatchTimeout && !RefersToGroup().IsMatch(p.ToString()) && !p.ToString().Contains('#', StringComparison.Ordinal))
            && (_patterns[0].Options & RegexOptions.RightToLeft) == 0)
        {
            _union = new Regex(string.Join('|', _patterns.Select(p => $"(?:{p})")), _patterns[0].Options, _patterns[0].MatchTimeout);
        }
    }

    /// <summary>True when one of the patterns matches somewhere in <paramref name="text"/>.</summary>
    public bool IsMatch(string text)
    {
        if (_union is not null)
        {
            return _union.IsMatch(text);
        }

        foreach (var pattern in _patterns)
        {
            if (pattern.IsMatch(text))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The same question over a span of chars (the same engine and answer as over a string of them).</summary>
    public bool IsMatch(ReadOnlySpan<char> text)
    {
        if (_union is not null)
        {
            return _union.IsMatch(text);
        }

        foreach (var pattern in _patterns)
        {
            if (pattern.IsMatch(text))
            {
                return true;
            }
        }

        return false;
    }

    // A back-reference (\1, \k<name>), a conditional ((?(…)), or a balancing group ((?<a-b>…)): conservative, a false
    // alarm only means asking the patterns one by one.
    [GeneratedRegex(@"\\[1-9]|\\k|\(\?\(|\(\?<[^>]*-|\(\?'[^']*-", RegexOptions.CultureInvariant)]
    private static partial Regex RefersToGroup();
}
