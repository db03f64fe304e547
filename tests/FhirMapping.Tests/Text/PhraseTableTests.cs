using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Tests.Text;

/// <summary>The phrase table (<see cref="PhraseTable"/>) read with the shipped policy file's patterns and lexicon.</summary>
public sealed class PhraseTableTests
{
    private static readonly PolicyDefinition Policy = PolicyFiles.LoadDefault();

    public static TheoryData<string, string, string, string?> Rows => PhraseTable.Rows;

    [Theory]
    [MemberData(nameof(Rows))]
    public void GivenAClinicalPhrase_WhenReadForATarget_ThenItHasTheCertaintyAClinicianReads(string pattern, string expected, string text, string? phrase)
    {
        // Arrange
        var target = Policy.Pattern(pattern);

        // Act
        var findings = Policy.Text.Find(text, target)
            .Where(f => phrase is null || f.Phrase.Equals(phrase, StringComparison.OrdinalIgnoreCase))
            .ToList();

        // Assert
        var described = string.Join("; ", findings.Select(f => $"'{f.Phrase}' {f.Certainty} by '{f.Trigger}'"));
        if (expected == PhraseTable.None)
        {
            Assert.True(findings.Count == 0, $"expected no mention of {pattern}, found {described}");
            return;
        }

        var certainty = Enum.Parse<Certainty>(expected);
        Assert.True(findings.Count > 0, $"expected a mention of {pattern} ({certainty}), found none");
        Assert.True(findings.TrueForAll(f => f.Certainty == certainty), $"expected {certainty}, found {described}");
        Assert.True(findings.TrueForAll(f => (f.Trigger is null) == (certainty == Certainty.Confirmed)), $"a trigger is named exactly when not confirmed: {described}");
    }

    [Fact]
    public void GivenThePhraseTable_WhenCounted_ThenItHasAtLeast150PhrasesAcrossEveryCategory()
    {
        // Arrange
        var rows = PhraseTable.Rows.Select(r => r.Data.Item2).ToList();

        // Assert
        Assert.True(rows.Count >= 150, $"{rows.Count} phrases");
        foreach (var category in Enum.GetNames<Certainty>().Append(PhraseTable.None))
        {
            Assert.Contains(category, rows);
        }
    }
}
