using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Text;

/// <summary>
/// The <c>textContext</c> lexicon of the policy file compiled into three regular expressions: one for every trigger and
/// pseudo-trigger (an alternation, longer terms first, so "not ruled out" wins over "ruled out" and "not", and "negative
/// selection" over "negative"), one for the places a scope ends (sentence ends and termination terms), and one for a
/// question or label followed by its answer. <see cref="PolicyFileValidator"/> checks the lexicon before it gets here.
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

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    private readonly Regex _cues;
    private readonly (int Group, Certainty? Category, TriggerDirection Direction)[] _cueGroups;
    private readonly Regex _boundaries;
    private readonly Regex _answer;
    private readonly (int Group, Certainty Category)[] _answerGroups;
    private readonly int _labelGroup;

    private TextLexicon(TextContextDocument document)
    {
        WindowWords = document.WindowWords;
        Precedence = document.Precedence.Select(name => Categories[name]).ToArray();

        // Pseudo-triggers sit in the same alternation with no category: matched, they consume their words and mean nothing.
        var cues = document.Triggers
            .Select(t => (t.Term, Category: (Certainty?)Categories[t.Category], Direction: Directions[t.Direction]))
            .Concat(document.PseudoTriggers.Select(p => (Term: p, Category: (Certainty?)null, Direction: TriggerDirection.Both)))
            .OrderByDescending(c => c.Term.Length)
            .ToArray();
        _cues = Compile(string.Join('|', cues.Select((c, i) => $"(?<c{i}>{Bounded(c.Term)})")));
        _cueGroups = cues.Select((c, i) => (_cues.GroupNumberFromName($"c{i}"), c.Category, c.Direction)).ToArray();

        _boundaries = Compile(string.Join('|', document.SentenceEnds.Select(e => $"(?:{e})")
            .Concat(document.Terminations.OrderByDescending(t => t.Length).Select(t => $"(?:{Bounded(t)})"))));

        var answers = document.Answers.OrderByDescending(a => a.Term.Length).ToArray();
        var separators = string.Join('|', document.AnswerSeparators.OrderByDescending(s => s.Length).Select(s => $"(?:{s})"));
        var answerAlternation = string.Join('|', answers.Select((a, i) => $"(?<a{i}>{Bounded(a.Term)})"));

        // From the end of the target: a short label (no sentence punctuation), a separator, an answer, and then nothing
        // more in that segment ("Genetically modified cells?: No", "CAR-T: N", "Clinical trial enrollment - declined").
        _answer = Compile($@"\G(?<label>[^.;!?:=\r\n]{{0,60}}?)(?:{separators})[^\S\r\n]*(?:{answerAlternation})(?=[^\S\r\n]*(?:\z|[.,;:()\r\n]|[-\u2013\u2014]+\s))");
        _labelGroup = _answer.GroupNumberFromName("label");
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
    internal static string Bounded(string term)
    {
        var builder = new StringBuilder();
        if (term.Length > 0 && (char.IsLetterOrDigit(term[0]) || term[0] is '('))
        {
            builder.Append(@"(?<![\p{L}\p{N}])");
        }

        builder.Append("(?:").Append(term).Append(')');
        if (term.Length > 0 && (char.IsLetterOrDigit(term[^1]) || term[^1] is ')' or '?' or '*' or '+' or '}'))
        {
            builder.Append(@"(?![\p{L}\p{N}])");
        }

        return builder.ToString();
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a fragment is not a valid regular expression.</summary>
    internal static void Parse(string pattern) => _ = new Regex(pattern, Options, PolicyDefinition.MatchTimeout);

    /// <summary>The triggers in a text, pseudo-triggers already removed.</summary>
    public List<ContextCue> Cues(string text)
    {
        var cues = new List<ContextCue>();
        foreach (Match match in _cues.Matches(text))
        {
            foreach (var (group, category, direction) in _cueGroups)
            {
                if (match.Groups[group].Success)
                {
                    if (category is { } found)
                    {
                        cues.Add(new ContextCue(match.Index, match.Index + match.Length, found, direction, match.Value));
                    }

                    break;
                }
            }
        }

        return cues;
    }

    /// <summary>Where scopes end: sentence ends and termination terms, as (start, end) spans.</summary>
    public List<(int Start, int End)> Boundaries(string text) =>
        _boundaries.Matches(text).Select(m => (m.Index, m.Index + m.Length)).ToList();

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
        new(pattern, Options | RegexOptions.Compiled, PolicyDefinition.MatchTimeout);
}
