using System.Text.RegularExpressions;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Text;

namespace Cds.FhirMapping.Tests.Text;

/// <summary>
/// The cue scan by first character (<see cref="TermScanner"/>, <see cref="TermStarts"/>) finds exactly what one
/// alternation of the same terms finds, and a term's plain start is never narrower than what it matches.
/// </summary>
public sealed class TermScannerTests
{
    private static readonly PolicyDefinition Policy = PolicyFiles.LoadDefault();
    private static readonly TextContextDocument Lexicon = Policy.Document.TextContext!;

    // The cue terms in the lexicon's order (longer first), as TextLexicon orders them.
    private static readonly string[] CueTerms = Lexicon.Triggers.Select(t => t.Term).Concat(Lexicon.PseudoTriggers)
        .OrderByDescending(TextLexicon.Leads).ThenByDescending(t => t.Length).ToArray();

    [Theory]
    [InlineData("no", "n")]
    [InlineData("History of", "h")]
    [InlineData("(was |were |been )?cancel(l)?ed", "bcw")]
    [InlineData("(opted|decided|elected) against", "deo")]
    [InlineData("versus|vs\\.?", "v")]
    [InlineData("(CD[0-9]+|lineage)[- ]negative", "cl")]
    [InlineData("(?:in|on) (19|20)[0-9]{2}", "io")]
    [InlineData("s?evere", "es")]
    [InlineData("s?e?", null)]
    [InlineData("( the )?plan", null)]
    [InlineData("\\s[-\\u2013]+\\s", null)]
    [InlineData("[a-z]+ pending", null)]
    [InlineData("(?=x)xyz", null)]
    [InlineData("(?i:no)", null)]
    [InlineData(".*", null)]
    [InlineData("(a|)b", null)]
    [InlineData("\u00E9tat", null)]
    [InlineData("x{0,2}y", "xy")]
    [InlineData("x{1,2}y", "x")]
    public void GivenATerm_WhenItsStartIsRead_ThenItIsTheLettersItCanBeginWithOrNullWhenNotPlain(string term, string? expected)
    {
        var starts = TermStarts.Of(term);
        Assert.Equal(expected, starts is null ? null : string.Concat(starts.Order()));
    }

    [Fact]
    public void GivenEveryPlainLexiconTerm_WhenItMatchesAnywhereInTheCorpus_ThenItBeginsWithOneOfItsStarts()
    {
        // Arrange
        var terms = CueTerms.Concat(Lexicon.Terminations).Concat(Lexicon.SoftBoundaries).Concat(Lexicon.Answers.Select(a => a.Term))
            .Select(t => (Term: t, Starts: TermStarts.Of(t), Pattern: new Regex(TextLexicon.Bounded(t), TextLexicon.Options)))
            .Where(t => t.Starts is not null)
            .ToList();
        var texts = TextCorpus.Texts(Policy).Where(t => t.Source is "phrase table" or "built" || t.Source.StartsWith("samples", StringComparison.Ordinal)).ToList();
        var checkedMatches = 0;
        var wrong = new List<string>();

        // Act
        foreach (var (_, text) in texts)
        {
            foreach (var (term, starts, pattern) in terms)
            {
                foreach (var match in pattern.EnumerateMatches(text))
                {
                    var c = text[match.Index];
                    checkedMatches++;
                    if (char.IsAscii(c) && !starts!.Contains(char.ToLowerInvariant(c)))
                    {
                        wrong.Add($"'{term}' matched at '{text.Substring(match.Index, match.Length)}'");
                    }
                }
            }
        }

        // Assert
        Assert.True(terms.Count > 100, $"{terms.Count} plain terms");
        Assert.True(checkedMatches > 10000, $"{checkedMatches} matches");
        Assert.Empty(wrong);
    }

    [Fact]
    public void GivenTheCueTerms_WhenEveryCorpusTextIsScannedByFirstCharacter_ThenTheMatchesAreThoseOfTheWholeAlternation()
    {
        // Arrange
        var scanner = TermScanner.TryCreate(CueTerms, TextLexicon.Leads, TextLexicon.Trailed, TextLexicon.LeadingBoundary, p => new Regex(p, TextLexicon.Options), p => new Regex(p, TextLexicon.Options));
        var alternation = new Regex($"{TextLexicon.LeadingBoundary}(?:{string.Join('|', CueTerms.Select(TextLexicon.Trailed))})", TextLexicon.Options);
        var texts = TextCorpus.Texts(Policy);
        var compared = 0;
        var wrong = new List<string>();

        // Act: the whole text and its middle third (a sentence inside a text).
        Assert.NotNull(scanner);
        foreach (var (source, text) in texts)
        {
            foreach (var (start, end) in new[] { (0, text.Length), (text.Length / 3, 2 * text.Length / 3) })
            {
                var expected = new List<(int Start, int End)>();
                foreach (var match in alternation.EnumerateMatches(text.AsSpan(0, end), start))
                {
                    expected.Add((match.Index, match.Index + match.Length));
                }

                var actual = new List<(int Start, int End)>();
                scanner.Scan(text, start, end, actual);
                compared += expected.Count;
                if (!expected.SequenceEqual(actual))
                {
                    wrong.Add($"[{source}] {start}..{end} of \"{text[..Math.Min(200, text.Length)]}\": expected {string.Join(",", expected)}; got {string.Join(",", actual)}");
                }
            }
        }

        // Assert
        Assert.True(compared > 10000, $"{compared} matches compared");
        Assert.True(wrong.Count == 0, string.Join('\n', wrong.Take(10)));
    }

    [Fact]
    public void GivenALetterTheEngineTakesForAnAsciiOne_WhenScanned_ThenTheTermIsFoundAsTheAlternationFindsIt()
    {
        // Arrange: the Kelvin sign is a "k" to the case-insensitive engine.
        const string text = "\u212Anown: no. Also \u212ANOWN and kNoWn";
        string[] terms = ["known", "no"];
        var scanner = TermScanner.TryCreate(terms, TextLexicon.Leads, TextLexicon.Trailed, TextLexicon.LeadingBoundary, p => new Regex(p, TextLexicon.Options), p => new Regex(p, TextLexicon.Options))!;
        var alternation = new Regex($"{TextLexicon.LeadingBoundary}(?:{string.Join('|', terms.Select(TextLexicon.Trailed))})", TextLexicon.Options);
        var found = new List<(int Start, int End)>();

        // Act
        scanner.Scan(text, 0, text.Length, found);

        // Assert
        Assert.Equal([.. alternation.Matches(text).Select(m => (m.Index, m.Index + m.Length))], found);
        Assert.Contains((0, 5), found);
        Assert.Equal(4, found.Count);
    }

    [Fact]
    public void GivenATermThatBacktracksWithoutEnd_WhenATextIsRead_ThenTheMatchTimeoutSurfaces()
    {
        // Arrange: a lexicon (with the shipped one's other parts) whose one trigger backtracks exponentially on a run of
        // x's; the service answers such a timeout with a 503, so it must not be swallowed.
        var reader = TextEvidence.From(Lexicon with
        {
            Triggers = [new TriggerDocument { Term = "(x|xx)+y", Category = "negated", Direction = "forward" }],
            PseudoTriggers = [],
        });
        var text = "DLI ordered " + new string('x', 80);

        // Act / Assert
        Assert.Throws<RegexMatchTimeoutException>(() => reader.Find(text, new Regex("DLI", RegexOptions.None, TimeSpan.FromSeconds(2))));
    }

    [Fact]
    public void GivenATermWithoutAPlainStart_WhenAScannerIsAskedFor_ThenThereIsNone()
    {
        Assert.Null(TermScanner.TryCreate(["no", "s?e?"], TextLexicon.Leads, TextLexicon.Trailed, TextLexicon.LeadingBoundary, p => new Regex(p, TextLexicon.Options), p => new Regex(p, TextLexicon.Options)));
        Assert.Null(TermScanner.TryCreate(["no", ";"], TextLexicon.Leads, TextLexicon.Trailed, TextLexicon.LeadingBoundary, p => new Regex(p, TextLexicon.Options), p => new Regex(p, TextLexicon.Options)));
        Assert.Null(TermScanner.TryCreate([], TextLexicon.Leads, TextLexicon.Trailed, TextLexicon.LeadingBoundary, p => new Regex(p, TextLexicon.Options), p => new Regex(p, TextLexicon.Options)));
    }
}
