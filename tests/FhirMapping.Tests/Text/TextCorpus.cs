using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cds.Bench.Corpus;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Tests.Fixtures;
using Cds.FhirMapping.Text;

namespace Cds.FhirMapping.Tests.Text;

/// <summary>
/// Every text the repository holds for the text reader to read, for the differential test of the scan-once reader:
/// each string of the sample patients and hook requests, the case folder, the FHIR fixtures and the benchmark corpus
/// patients (generated as the benchmarks generate them); the phrase table; the string literals of the test sources
/// (the evidence-model and reader tests write their notes inline); and phrases built at random (fixed seed) from the
/// lexicon's own terms, the phrase table's words and the punctuation the lexicon cares about.
/// </summary>
internal static partial class TextCorpus
{
    private static readonly string[] Separators = [" ", " ", " ", ". ", ", ", "; ", ": ", "? ", "?: ", " - ", " \u2013 ", "\n", "\r\n", " | ", " \u2022 ", " and ", " with ", "! ", " (", ") ", " = ", " vs. ", " e.g. "];

    /// <summary>The distinct texts, by where they come from.</summary>
    public static IReadOnlyList<(string Source, string Text)> Texts(PolicyDefinition policy)
    {
        var texts = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string source, string? text)
        {
            if (!string.IsNullOrWhiteSpace(text) && text.Any(char.IsLetter) && seen.Add(text))
            {
                texts.Add((source, text));
            }
        }

        var root = RepositoryRoot.Path;
        foreach (var folder in new[] { "samples", Path.Combine("cases", "45.03"), Path.Combine("tests", "FhirMapping.Tests", "TestData", "Resources"), Path.Combine("tests", "FhirMapping.Tests", "TestData", "DraftOrders") })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                foreach (var text in Strings(JsonNode.Parse(File.ReadAllText(file))))
                {
                    Add(Path.GetRelativePath(root, file), text);
                }
            }
        }

        foreach (var (name, resources, seed) in new[] { ("typical", 50, 4503), ("heavy", 2000, 4503), ("other", 400, 17), ("other", 400, 2024) })
        {
            foreach (var text in Strings(PatientRecord.HookRequest(name, resources, seed)))
            {
                Add($"corpus {name} {resources} seed {seed}", text);
            }
        }

        var phrases = PhraseTable.Rows.Select(r => r.Data.Item3).ToList();
        phrases.ForEach(p => Add("phrase table", p));

        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            foreach (Match literal in StringLiteral().Matches(File.ReadAllText(file)))
            {
                Add(Path.GetRelativePath(root, file), Unescape(literal.Groups["s"].Value));
            }
        }

        foreach (var text in Built(policy.Document.TextContext!, phrases, 3000))
        {
            Add("built", text);
        }

        return texts;
    }

    // Random phrases from the lexicon's plain terms, words of the phrase table and the separators, so that triggers,
    // answers, terminations and sentence ends meet targets in every order.
    private static IEnumerable<string> Built(TextContextDocument lexicon, List<string> phrases, int count)
    {
        var terms = lexicon.Triggers.Select(t => t.Term)
            .Concat(lexicon.PseudoTriggers)
            .Concat(lexicon.Terminations)
            .Concat(lexicon.Answers.Select(a => a.Term))
            .Where(t => PlainTerm().IsMatch(t))
            .ToArray();
        var words = phrases.SelectMany(p => p.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToArray();
        var random = new Random(4503);
        for (var i = 0; i < count; i++)
        {
            var pieces = random.Next(4, 16);
            var text = new System.Text.StringBuilder();
            for (var p = 0; p < pieces; p++)
            {
                var roll = random.Next(10);
                text.Append(roll < 3 ? terms[random.Next(terms.Length)] : roll < 5 ? phrases[random.Next(phrases.Count)] : words[random.Next(words.Length)]);
                text.Append(Separators[random.Next(Separators.Length)]);
            }

            // Now and then with letters the case-insensitive engine takes for ASCII ones (Kelvin sign, long s, dotted I).
            yield return i % 10 == 9 ? text.Replace('k', '\u212A').Replace('s', '\u017F').Replace('I', '\u0130').ToString() : text.ToString();
        }
    }

    private static IEnumerable<string> Strings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    foreach (var s in Strings(value))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonArray array:
                foreach (var value in array)
                {
                    foreach (var s in Strings(value))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var s):
                yield return s;
                break;
        }
    }

    private static string Unescape(string literal)
    {
        try
        {
            return Regex.Unescape(literal);
        }
        catch (ArgumentException)
        {
            return literal;
        }
    }

    [GeneratedRegex(@"(?<!@)""(?<s>(?:[^""\\\r\n]|\\.){3,})""", RegexOptions.CultureInvariant)]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^[\p{L}\p{N} '/-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainTerm();
}
