using System.Text.RegularExpressions;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Tests.Text.Reference;
using Cds.FhirMapping.Text;

namespace Cds.FhirMapping.Tests.Text;

/// <summary>
/// No finding changed (issue #14): over every text of <see cref="TextCorpus"/> and every target pattern of the policy
/// file (its text patterns, the conditioning agents' names, the lineages and specimens, and the graft reader's
/// not-depleted exception), the shipped reader, read once per text and asked every target in turn, finds exactly what
/// the reader as it was before (<see cref="ReferenceTextReader"/>, a fresh read per target) finds: the same phrases at
/// the same places, with the same certainty and the same trigger.
/// </summary>
public sealed class ScannedTextDifferentialTests
{
    private static readonly PolicyDefinition Policy = PolicyFiles.LoadDefault();
    private static readonly ReferenceTextReader Reference = ReferenceTextReader.From(Policy.Document.TextContext!);

    [Fact]
    public void GivenEveryTextAndEveryTarget_WhenReadOnceForAllTargets_ThenEachFindingIsTheOneTheFormerReaderFinds()
    {
        // Arrange
        var texts = TextCorpus.Texts(Policy);
        var queries = Queries();
        var mismatches = new List<string>();
        var compared = 0;
        var byCertainty = new Dictionary<Certainty, int>();
        var textsAskedSeveral = 0;

        // Act: every target on one reading of the text, in the policy's order and then on a fresh reading in reverse
        // (each sentence is then first scanned for a different target), and the one-shot Find.
        foreach (var (source, text) in texts)
        {
            var expected = queries.Select(q => Reference.Find(text, q.Target, q.Except)).ToList();
            var forward = Policy.Text.Read(text);
            var backward = Policy.Text.Read(text);
            var actualForward = queries.Select(q => forward.Find(q.Target, q.Except)).ToList();
            var actualBackward = Enumerable.Range(0, queries.Count).Reverse()
                .Select(i => (Index: i, Findings: backward.Find(queries[i].Target, queries[i].Except)))
                .OrderBy(x => x.Index)
                .Select(x => x.Findings)
                .ToList();
            var matched = 0;
            for (var i = 0; i < queries.Count; i++)
            {
                Compare(source, text, queries[i].Name, "read once", expected[i], actualForward[i], mismatches);
                Compare(source, text, queries[i].Name, "read once, targets in reverse", expected[i], actualBackward[i], mismatches);
                Compare(source, text, queries[i].Name, "Find", expected[i], Policy.Text.Find(text, queries[i].Target, queries[i].Except), mismatches);
                compared += expected[i].Count;
                matched += expected[i].Count > 0 ? 1 : 0;
                foreach (var finding in expected[i])
                {
                    byCertainty[finding.Certainty] = byCertainty.GetValueOrDefault(finding.Certainty) + 1;
                }
            }

            textsAskedSeveral += matched > 1 ? 1 : 0;
        }

        // Assert
        TestContext.Current.TestOutputHelper?.WriteLine($"{texts.Count} texts, {queries.Count} targets, {compared} findings compared ({string.Join(", ", byCertainty.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}), {textsAskedSeveral} texts with findings for several targets");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} target(s) read differently:\n{string.Join('\n', mismatches.Take(20))}");
        Assert.True(texts.Count > 3000, $"{texts.Count} texts");
        Assert.True(compared > 5000, $"{compared} findings compared");
        Assert.True(textsAskedSeveral > 500, $"{textsAskedSeveral} texts with findings for several targets");
        foreach (var certainty in Enum.GetValues<Certainty>())
        {
            Assert.True(byCertainty.GetValueOrDefault(certainty) >= 20, $"{byCertainty.GetValueOrDefault(certainty)} {certainty} findings compared");
        }
    }

    [Fact]
    public void GivenAReadText_WhenAskedAgainForTheSameTarget_ThenTheFindingsAreTheSame()
    {
        // Arrange
        const string text = "No T-cell depletion; graft was not T-cell depleted. History: CAR-T in 2023, now HSV-TK DLI? No";
        var read = Policy.Text.Read(text);
        var depleted = Policy.Pattern(PolicyNames.Patterns.TCellDepleted);
        var modified = Policy.Pattern(PolicyNames.Patterns.GeneticModification);

        // Act
        var first = read.Find(depleted);
        var between = read.Find(modified);
        var again = read.Find(depleted);

        // Assert
        Assert.Equal(Reference.Find(text, depleted), first);
        Assert.Equal(Reference.Find(text, modified), between);
        Assert.Equal(first, again);
        Assert.NotEmpty(first);
        Assert.Contains(between, f => f.Certainty == Certainty.Historical);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \r\n ")]
    public void GivenNoText_WhenRead_ThenEveryTargetHasNoFindingsAndANullTargetIsRefused(string? text)
    {
        var read = Policy.Text.Read(text);
        Assert.Empty(read.Find(Policy.Pattern(PolicyNames.Patterns.Hct)));
        Assert.Null(read.FindConfirmed(Policy.Pattern(PolicyNames.Patterns.Hct)));
        Assert.Throws<ArgumentNullException>(() => read.Find(null!));
    }

    private static List<(string Name, Regex Target, Regex? Except)> Queries()
    {
        var targets = (Policy.Document.TextPatterns ?? new Dictionary<string, string>()).Keys.Order(StringComparer.Ordinal)
            .Select(name => (Name: name, Target: Policy.Pattern(name)))
            .Concat(Policy.Conditioning.Agents.Select(a => (Name: "agent " + a.Id, Target: a.Pattern)))
            .Concat(Policy.Lineages.Select(l => (Name: "lineage " + l.Id, Target: l.Pattern)))
            .Concat(Policy.Specimens.Select(s => (Name: "specimen " + s.Id, Target: s.Pattern)))
            .ToList();
        var queries = targets.Select(t => (t.Name, t.Target, Except: (Regex?)null)).ToList();

        // The graft reader's exception (ProcedureReader), and each target with the next one as its exception.
        var notDepleted = Policy.Pattern(PolicyNames.Patterns.NotTCellDepleted);
        var inVivo = Policy.Pattern(PolicyNames.Patterns.InVivoTCellDepletion);
        queries.Add(("t-cell-depleted except not-depleted or in-vivo", Policy.Pattern(PolicyNames.Patterns.TCellDepleted), new Regex($"(?:{notDepleted})|(?:{inVivo})", notDepleted.Options, notDepleted.MatchTimeout)));
        queries.AddRange(targets.Select((t, i) => ($"{t.Name} except {targets[(i + 1) % targets.Count].Name}", t.Target, (Regex?)targets[(i + 1) % targets.Count].Target)));
        return queries;
    }

    private static void Compare(string source, string text, string target, string how, IReadOnlyList<TextFinding> expected, IReadOnlyList<TextFinding> actual, List<string> mismatches)
    {
        if (!expected.SequenceEqual(actual))
        {
            static string Describe(IEnumerable<TextFinding> findings) => string.Join("; ", findings.Select(f => $"'{f.Phrase}'@{f.Index} {f.Certainty} by '{f.Trigger}'"));
            mismatches.Add($"[{source}] {target} ({how}) in \"{text[..Math.Min(text.Length, 300)]}\": expected {Describe(expected)}; got {Describe(actual)}");
        }
    }
}
