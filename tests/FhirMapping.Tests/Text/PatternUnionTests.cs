using System.Text.RegularExpressions;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Text;

namespace Cds.FhirMapping.Tests.Text;

/// <summary>
/// <see cref="PatternUnion"/> answers "does any of these patterns match?" exactly as asking each pattern: over every text of
/// <see cref="TextCorpus"/> and the unions the readers build from the policy file's patterns, and for patterns that refer to
/// a group (asked one by one).
/// </summary>
public sealed class PatternUnionTests
{
    private static readonly PolicyDefinition Policy = PolicyFiles.LoadDefault();

    public static TheoryData<string> Unions() =>
    [
        "conditioning|t-cell-depleted|not-t-cell-depleted",
        "t-cell-depleted|not-t-cell-depleted|in-vivo-t-cell-depletion|reduced-intensity|myeloablative",
        "chimerism-observation|hct|allogeneic|autologous|genetic-modification|investigational-transplant",
    ];

    [Theory]
    [MemberData(nameof(Unions))]
    public void GivenThePolicyPatterns_WhenEveryTextIsAsked_ThenTheUnionAnswersAsThePatternsOneByOne(string names)
    {
        // Arrange
        var patterns = names.Split('|').Select(Policy.Pattern).Concat(Policy.Conditioning.Agents.Where(a => a.IsRadiation).Select(a => a.Pattern)).ToArray();
        var union = new PatternUnion(patterns);
        var texts = TextCorpus.Texts(Policy);

        // Act
        var differ = texts.Where(t => union.IsMatch(t.Text) != patterns.Any(p => p.IsMatch(t.Text))).Select(t => t.Text).ToList();
        var matched = texts.Count(t => union.IsMatch(t.Text));

        // Assert: the same answer for every text, and texts of both answers.
        Assert.True(differ.Count == 0, string.Join('\n', differ.Take(10)));
        Assert.InRange(matched, 100, texts.Count - 100);
    }

    [Theory]
    [InlineData("abcabc", true)]
    [InlineData("abab", true)]
    [InlineData("xyzzy", true)]
    [InlineData("abcab", false)]
    public void GivenPatternsThatReferToAGroup_WhenAsked_ThenTheyAreAskedOneByOne(string text, bool expected)
    {
        // Arrange: in one alternation "(?:(ab)c\1)|(?:(x)yz)" the second pattern's \1 would be the first pattern's group.
        Regex[] patterns = [new(@"(abc)\1", RegexOptions.CultureInvariant), new(@"(ab)\1", RegexOptions.CultureInvariant), new(@"(z)\1", RegexOptions.CultureInvariant)];
        var union = new PatternUnion(patterns);

        // Act
        var matched = union.IsMatch(text);

        // Assert
        Assert.Equal(expected, matched);
        Assert.Equal(patterns.Any(p => p.IsMatch(text)), matched);
    }

    [Theory]
    [InlineData("relapse", true)]
    [InlineData("chimerism", true)]
    [InlineData("remission", false)]
    public void GivenAPatternWithACommentToTheEndOfTheLine_WhenAsked_ThenItIsAskedOnItsOwn(string text, bool expected)
    {
        // Arrange: under the x option "# …" runs to the end of the line; in "(?:(?x) relapse # a comment)|(?:chimerism)" it
        // would swallow the group's ")" and the whole second pattern.
        Regex[] patterns = [new("(?x) relapse # a comment", RegexOptions.CultureInvariant), new("chimerism", RegexOptions.CultureInvariant)];

        // Act
        var matched = new PatternUnion(patterns).IsMatch(text);

        // Assert
        Assert.Equal(expected, matched);
        Assert.Equal(patterns.Any(p => p.IsMatch(text)), matched);
    }
}
