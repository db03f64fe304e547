using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Text;

/// <summary>
/// The <c>textContext</c> lexicon of the policy file, compiled: one alternation of every trigger and pseudo-trigger
/// (longer terms first, so "not ruled out" wins over "ruled out" and "not", and "negative selection" over "negative"),
/// the sentence ends, the termination terms, and the question-or-label-then-answer pattern.
/// The policy file validator checks the lexicon before it gets here.
/// </summary>
internal sealed class TextLexicon
{
    /// <summary>The categories a trigger or answer may have, by their name in the policy file.</summary>
    internal static readonly FrozenDictionary<string, Certainty> Categories = new Dictionary<string, Certainty>(StringComparer.Ordinal)
    {
        ["negated"] = Certainty.Negated,
        ["family"] = Certainty.Family,
        ["hypothetical"] = Certainty.Hypothetical,
        ["tentative"] = Certainty.Tentative,
        ["historical"] = Certainty.Historical,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    internal static readonly FrozenDictionary<string, TriggerDirection> Directions = new Dictionary<string, TriggerDirection>(StringComparer.Ordinal)
    {
        ["forward"] = TriggerDirection.Forward,
        ["backward"] = TriggerDirection.Backward,
        ["both"] = TriggerDirection.Both,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    internal const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;
    internal const string LeadingBoundary = @"(?<![\p{L}\p{N}])";

    private readonly Regex? _cues;
    private readonly (Regex Anchored, Certainty? Category, TriggerDirection Direction)[] _cueTerms;
    private readonly IReadOnlySet<char>?[] _cueStarts;
    private readonly TermScanner? _cueScanner;
    private readonly Regex[] _cueRuns;
    private readonly IReadOnlySet<char>?[] _runStarts;
    private readonly int _runLength;
    private readonly Regex _sentenceEnds;
    private readonly Regex _terminations;
    private readonly Regex _softBoundaries;
    private readonly Regex _answer;
    private readonly (int Group, Certainty Category)[] _answerGroups;
    private readonly int _labelGroup;
    private readonly Regex _afterSeparator;

    private TextLexicon(TextContextDocument document)
    {
        WindowWords = document.WindowWords;
        Precedence = document.Precedence.Select(name => Categories[name]).ToArray();

        // Pseudo-triggers sit in the same alternation with no category: matched, they consume their words and mean nothing.
        var cues = document.Triggers
            .Select(t => (t.Term, Category: (Certainty?)Categories[t.Category], Direction: Directions[t.Direction]))
            .Concat(document.PseudoTriggers.Select(p => (Term: p, Category: (Certainty?)null, Direction: TriggerDirection.Both)))
            .OrderByDescending(c => Leads(c.Term))
            .ThenByDescending(c => c.Term.Length)
            .ToArray();

        // One scan finds every cue: TermScanner, which tries the terms only at word starts and only those that can begin
        // with the character there (when every term's start is plain: TermStarts), or else one alternation of them all.
        // The term that matched is the first, in the same order, whose own anchored pattern matches there in the whole
        // text (a group per term would make every Match carry hundreds of groups). The terms are tried in runs of about
        // the square root of their number, each run one anchored alternation of its terms in order, so finding it takes
        // a call per run up to the first run that matches and then a call per term inside it, not a call per term.
        _cueScanner = TermScanner.TryCreate(cues.Select(c => c.Term).ToArray(), Leads, Trailed, LeadingBoundary, Compile, Interpret);
        _cues = _cueScanner is null ? Compile(Alternation(cues.Select(c => c.Term).ToArray())) : null;
        _cueStarts = cues.Select(c => TermStarts.Of(c.Term)).ToArray();
        _cueTerms = cues.Select(c => (new Regex($@"\G{Bounded(c.Term)}", Options, PatternTimeout.Match), c.Category, c.Direction)).ToArray();
        _runLength = Math.Max(1, (int)Math.Ceiling(Math.Sqrt(cues.Length)));
        _cueRuns = cues.Chunk(_runLength)
            .Select(run => Compile($@"\G(?:{string.Join('|', run.Select(c => $"(?:{Bounded(c.Term)})"))})"))
            .ToArray();
        _runStarts = _cueStarts.Chunk(_runLength)
            .Select(run => run.Any(s => s is null) ? null : (IReadOnlySet<char>)run.SelectMany(s => s!).ToHashSet())
            .ToArray();

        _sentenceEnds = Compile(string.Join('|', document.SentenceEnds.Select(e => $"(?:{e})")));
        _terminations = Compile(Alternation(document.Terminations.OrderByDescending(Leads).ThenByDescending(t => t.Length).ToArray()));
        _softBoundaries = Compile(Alternation(document.SoftBoundaries.OrderByDescending(Leads).ThenByDescending(t => t.Length).ToArray()));

        var answers = document.Answers.OrderByDescending(a => a.Term.Length).ToArray();
        var separators = string.Join('|', document.AnswerSeparators.OrderByDescending(s => s.Length).Select(s => $"(?:{s})"));
        var answerAlternation = string.Join('|', answers.Select((a, i) => $"(?<a{i}>{Bounded(a.Term)})"));

        // From the end of the target: a short label (no sentence punctuation), a separator, an answer, and then nothing
        // more in that segment ("Genetically modified cells?: No", "CAR-T: N", "Clinical trial enrollment - declined").
        _answer = Compile($@"\G(?<label>[^.;!?:=\r\n]{{0,100}}?)(?:{separators})[^\S\r\n]*(?:{answerAlternation})(?=[^\S\r\n]*(?:\z|[.,;:()\r\n]|[-\u2013\u2014]+\s))");
        _labelGroup = _answer.GroupNumberFromName("label");
        _afterSeparator = Compile($@"\G(?<=(?:{separators})[^\S\r\n]*)");
        _answerGroups = answers.Select((a, i) => (_answer.GroupNumberFromName($"a{i}"), Categories[a.Category])).ToArray();
    }

    public int WindowWords { get; }

    /// <summary>The categories, strongest first: the first that applies to a phrase is its certainty.</summary>
    public IReadOnlyList<Certainty> Precedence { get; }

    public static TextLexicon Compile(TextContextDocument document) => new(document);

    /// <summary>
    /// A term as the lexicon means it: on a word boundary wherever it begins or ends with a letter or digit, so "no"
    /// does not match inside "known" but "non-" matches the start of "non-T-cell-depleted".
    /// </summary>
    internal static string Bounded(string term) => (Leads(term) ? LeadingBoundary : string.Empty) + Trailed(term);

    internal static bool Leads(string term) => term.Length > 0 && (char.IsLetterOrDigit(term[0]) || term[0] is '(');

    internal static string Trailed(string term)
    {
        // An escape at the end ("\\s") is a character class, not a word character.
        var escaped = term.Length > 1 && term[^2] == '\\';
        var trails = term.Length > 0 && !escaped && (char.IsLetterOrDigit(term[^1]) || term[^1] is ')' or '?' or '*' or '+' or '}');
        return trails ? $@"(?:{term})(?![\p{{L}}\p{{N}}])" : $"(?:{term})";
    }

    // The same terms in the same order as Bounded one by one, with the leading word boundary tested once for all the
    // terms that have one (ordered first): the engine then fails fast inside words instead of trying every term.
    private static string Alternation(string[] terms)
    {
        var led = terms.Where(Leads).Select(Trailed).ToArray();
        var rest = terms.Where(t => !Leads(t)).Select(Trailed).ToArray();
        var builder = new StringBuilder();
        if (led.Length > 0)
        {
            builder.Append(LeadingBoundary).Append("(?:").AppendJoin('|', led).Append(')');
        }

        foreach (var term in rest)
        {
            builder.Append(builder.Length > 0 ? "|" : string.Empty).Append(term);
        }

        // No terms: a pattern that never matches (an empty one would match everywhere).
        return builder.Length > 0 ? builder.ToString() : "(?!)";
    }

    /// <summary>The triggers in <c>text[start..end]</c>, pseudo-triggers already removed (what precedes start still
    /// counts for a term's leading word boundary).</summary>
    public void Cues(string text, int start, int end, List<ContextCue> cues)
    {
        if (_cueScanner is null)
        {
            foreach (var match in _cues!.EnumerateMatches(text.AsSpan(0, end), start))
            {
                AddCue(text, match.Index, match.Length, cues);
            }

            return;
        }

        for (var at = _cueScanner.Next(text, start, end, out var length); at >= 0; at = _cueScanner.Next(text, at + length, end, out length))
        {
            AddCue(text, at, length, cues);
        }
    }

    private void AddCue(string text, int index, int length, List<ContextCue> cues)
    {
        if (MatchedTerm(text, index) is { } term && _cueTerms[term].Category is { } found)
        {
            var bare = _afterSeparator.IsMatch(text, index) && EndsSegment(text, index + length);
            cues.Add(new ContextCue(index, index + length, found, _cueTerms[term].Direction, text.Substring(index, length), bare));
        }
    }

    // The first cue term, in the lexicon's order, whose anchored pattern matches the whole text at index; null if none.
    // A run matches exactly when one of its terms does, so the runs before the first that matches hold no such term.
    // A term (or a run of terms) that cannot begin with the ASCII character there is not tried (TermStarts).
    private int? MatchedTerm(string text, int index)
    {
        char? key = char.IsAscii(text[index]) ? char.ToLowerInvariant(text[index]) : null;
        for (var run = 0; run < _cueRuns.Length; run++)
        {
            if (Cannot(_runStarts[run], key) || !_cueRuns[run].IsMatch(text, index))
            {
                continue;
            }

            var last = Math.Min(_cueTerms.Length, (run + 1) * _runLength);
            for (var term = run * _runLength; term < last; term++)
            {
                if (!Cannot(_cueStarts[term], key) && _cueTerms[term].Anchored.IsMatch(text, index))
                {
                    return term;
                }
            }
        }

        return null;
    }

    private static bool Cannot(IReadOnlySet<char>? starts, char? key) => key is { } c && starts is not null && !starts.Contains(c);

    /// <summary>Where sentences end in the whole text, as (start, end) spans.</summary>
    public List<(int Start, int End)> SentenceEnds(string text)
    {
        var ends = new List<(int Start, int End)>();
        foreach (var match in _sentenceEnds.EnumerateMatches(text))
        {
            ends.Add((match.Index, match.Index + match.Length));
        }

        return ends;
    }

    /// <summary>The termination terms in <c>text[start..end]</c>, added to <paramref name="boundaries"/>.</summary>
    public void Terminations(string text, int start, int end, List<(int Start, int End)> boundaries)
    {
        foreach (var match in _terminations.EnumerateMatches(text.AsSpan(0, end), start))
        {
            boundaries.Add((match.Index, match.Index + match.Length));
        }
    }

    /// <summary>
    /// The answer to a question or label that the target phrase ending at <paramref name="end"/> belongs to, if the
    /// answer changes its meaning: its category, its words and the length of the label between phrase and separator.
    /// </summary>
    public (Certainty Category, string Answer, string Label)? Answer(string text, int end)
    {
        // Most phrases have no answer after them: the check without a Match object first.
        if (!_answer.IsMatch(text, end))
        {
            return null;
        }

        var match = _answer.Match(text, end);
        if (!match.Success)
        {
            return null;
        }

        foreach (var (group, category) in _answerGroups)
        {
            if (match.Groups[group].Success)
            {
                return (category, match.Groups[group].Value.Trim(), match.Groups[_labelGroup].Value);
            }
        }

        return null;
    }

    // Nothing but spaces before the end of the text, a punctuation mark, a line break or a spaced dash (the same
    // followers an answer may have).
    private static bool EndsSegment(string text, int at)
    {
        var spaced = false;
        while (at < text.Length && text[at] is ' ' or '\t')
        {
            at++;
            spaced = true;
        }

        return at == text.Length
            || text[at] is '.' or ',' or ';' or ':' or '(' or ')' or '\r' or '\n'
            || (spaced && text[at] is '-' or '\u2013' or '\u2014' && at + 1 < text.Length && char.IsWhiteSpace(text[at + 1]));
    }

    /// <summary>True when <c>text[from..to]</c> holds a soft boundary ("," "and" "with").</summary>
    public bool CrossesSoftBoundary(string text, int from, int to) => _softBoundaries.IsMatch(text.AsSpan(from, to - from));

    /// <summary>Words in a span of text: runs of letters or digits ("T-cell" is two).</summary>
    public static int Words(ReadOnlySpan<char> span)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in span)
        {
            var letter = char.IsLetterOrDigit(c);
            if (letter && !inWord)
            {
                count++;
            }

            inWord = letter;
        }

        return count;
    }

    private static Regex Interpret(string pattern) => new(pattern, Options, PatternTimeout.Match);

    private static Regex Compile(string pattern) =>
        new(pattern, Options | RegexOptions.Compiled, PatternTimeout.Match);
}
