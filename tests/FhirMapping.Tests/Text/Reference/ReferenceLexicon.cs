using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Text;

namespace Cds.FhirMapping.Tests.Text.Reference;

/// <summary>
/// The lexicon as <see cref="ReferenceTextReader"/> compiled it at 76d953f (the differential test's reference only).
/// </summary>
internal sealed class ReferenceLexicon
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

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;
    private const string LeadingBoundary = @"(?<![\p{L}\p{N}])";

    private readonly Regex _cues;
    private readonly (Regex Anchored, Certainty? Category, TriggerDirection Direction)[] _cueTerms;
    private readonly Regex _sentenceEnds;
    private readonly Regex _terminations;
    private readonly Regex _softBoundaries;
    private readonly Regex _answer;
    private readonly (int Group, Certainty Category)[] _answerGroups;
    private readonly int _labelGroup;
    private readonly Regex _afterSeparator;

    private ReferenceLexicon(TextContextDocument document)
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

        // One scan finds every cue; the term that matched is the first, in the same order, that matches there. (A group
        // per term would make every Match carry hundreds of groups.)
        _cues = Compile(Alternation(cues.Select(c => c.Term).ToArray()));
        _cueTerms = cues.Select(c => (new Regex($@"\G{Bounded(c.Term)}", Options, PatternTimeout.Match), c.Category, c.Direction)).ToArray();

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

    public static ReferenceLexicon Compile(TextContextDocument document) => new(document);

    /// <summary>
    /// A term as the lexicon means it: on a word boundary wherever it begins or ends with a letter or digit, so "no"
    /// does not match inside "known" but "non-" matches the start of "non-T-cell-depleted".
    /// </summary>
    internal static string Bounded(string term) => (Leads(term) ? LeadingBoundary : string.Empty) + Trailed(term);

    private static bool Leads(string term) => term.Length > 0 && (char.IsLetterOrDigit(term[0]) || term[0] is '(');

    private static string Trailed(string term)
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
        foreach (var match in _cues.EnumerateMatches(text.AsSpan(0, end), start))
        {
            foreach (var (anchored, category, direction) in _cueTerms)
            {
                if (anchored.IsMatch(text, match.Index))
                {
                    if (category is { } found)
                    {
                        var bare = _afterSeparator.IsMatch(text, match.Index) && EndsSegment(text, match.Index + match.Length);
                        cues.Add(new ContextCue(match.Index, match.Index + match.Length, found, direction, text.Substring(match.Index, match.Length), bare));
                    }

                    break;
                }
            }
        }
    }

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

    private static Regex Compile(string pattern) =>
        new(pattern, Options | RegexOptions.Compiled, PatternTimeout.Match);
}
