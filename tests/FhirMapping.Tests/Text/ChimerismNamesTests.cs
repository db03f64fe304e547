using System.Text.RegularExpressions;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Fhir.Readers;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Tests.Text;

/// <summary>
/// The chimerism reader's lineage and specimen naming (issue #14 made it a loop that stops at the second kind named)
/// names exactly what it named before, over every text of <see cref="TextCorpus"/>, alone and in runs of three.
/// </summary>
public sealed class ChimerismNamesTests
{
    private static readonly PolicyDefinition Policy = PolicyFiles.LoadDefault();

    [Fact]
    public void GivenEveryCorpusText_WhenALineageOrSpecimenIsNamed_ThenItIsTheOneTheFormerReadingNamed()
    {
        // Arrange
        var texts = TextCorpus.Texts(Policy).Select(t => t.Text).ToList();
        var named = 0;
        var wrong = new List<string>();

        // Act
        foreach (var kinds in new[] { Policy.Lineages, Policy.Specimens })
        {
            for (var i = 0; i < texts.Count; i++)
            {
                foreach (var list in new[] { new[] { texts[i] }, texts.Skip(i).Take(3).ToArray() })
                {
                    var expected = Former(kinds, list);
                    var actual = ChimerismReader.Named(kinds, list);
                    named += expected is null ? 0 : 1;
                    if (expected != actual)
                    {
                        wrong.Add($"\"{string.Join(" | ", list)[..Math.Min(200, string.Join(" | ", list).Length)]}\": expected {expected}, got {actual}");
                    }
                }
            }
        }

        // Assert
        Assert.True(named > 1000, $"{named} named");
        Assert.True(wrong.Count == 0, string.Join('\n', wrong.Take(10)));
    }

    // The reading before issue #14.
    private static string? Former(IReadOnlyList<(string Id, Regex Pattern)> kinds, IReadOnlyList<string> texts)
    {
        foreach (var text in texts)
        {
            var named = kinds.Where(l => l.Pattern.IsMatch(text)).Select(l => l.Id).Distinct(StringComparer.Ordinal).ToList();
            if (named.Count == 1)
            {
                return named[0];
            }
        }

        return null;
    }
}
