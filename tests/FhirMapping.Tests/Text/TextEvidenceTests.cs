using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Tests.Policy;
using Cds.FhirMapping.Text;

namespace Cds.FhirMapping.Tests.Text;

public sealed class TextEvidenceTests
{
    private static readonly PolicyDefinition Policy = PolicyFiles.LoadDefault();
    private static readonly Regex GeneticModification = Policy.Pattern(PolicyNames.Patterns.GeneticModification);
    private static readonly Regex TCellDepleted = Policy.Pattern(PolicyNames.Patterns.TCellDepleted);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n ")]
    public void GivenNoText_WhenRead_ThenThereAreNoFindings(string? text)
    {
        Assert.Empty(Policy.Text.Find(text, GeneticModification));
        Assert.Null(Policy.Text.FindConfirmed(text, GeneticModification));
    }

    [Fact]
    public void GivenSeveralMentions_WhenRead_ThenEachHasItsOwnCertaintyIndexAndTrigger()
    {
        // Arrange
        const string text = "History: CAR-T in 2023; now HSV-TK transduced donor cells. Not a TCR-T product.";

        // Act
        var findings = Policy.Text.Find(text, GeneticModification);

        // Assert
        Assert.Collection(
            findings,
            f => Assert.Equal(new TextFinding("CAR-T", 9, Certainty.Historical, "History:"), f),
            f => Assert.Equal(new TextFinding("HSV-TK", text.IndexOf("HSV-TK", StringComparison.Ordinal), Certainty.Confirmed, null), f),
            f => Assert.Equal(new TextFinding("transduced", text.IndexOf("transduced", StringComparison.Ordinal), Certainty.Confirmed, null), f),
            f => Assert.Equal(new TextFinding("TCR-T", text.IndexOf("TCR-T", StringComparison.Ordinal), Certainty.Negated, "Not"), f));
        Assert.Equal("HSV-TK", Policy.Text.FindConfirmed(text, GeneticModification)?.Phrase);
    }

    [Fact]
    public void GivenOnlyNegatedMentions_WhenTheConfirmedOneIsAskedFor_ThenThereIsNone()
    {
        Assert.Null(Policy.Text.FindConfirmed("No CAR-T, no gene therapy, not transduced.", GeneticModification));
    }

    [Fact]
    public void GivenAnExceptPattern_WhenAMentionOverlapsIt_ThenThatMentionIsSkipped()
    {
        // Arrange
        var except = Policy.Pattern(PolicyNames.Patterns.NotTCellDepleted);
        const string text = "Graft not T-cell depleted. Second graft: T-cell depleted (CD34 selected).";

        // Act
        var findings = Policy.Text.Find(text, TCellDepleted, except);

        // Assert
        Assert.DoesNotContain(findings, f => f.Index < text.IndexOf('.', StringComparison.Ordinal));
        Assert.All(findings, f => Assert.Equal(Certainty.Confirmed, f.Certainty));
        Assert.Equal(2, findings.Count);
    }

    [Fact]
    public void GivenAnInVivoDepletionBesideAGraftDepletion_WhenTheGraftIsRead_ThenOnlyTheExVivoOneCounts()
    {
        // Arrange
        var inVivo = Policy.Pattern(PolicyNames.Patterns.InVivoTCellDepletion);
        const string text = "T-cell depletion with ATG in the conditioning. Graft: CD34+ immunomagnetic selection.";

        // Act
        var finding = Policy.Text.FindConfirmed(text, TCellDepleted, inVivo);

        // Assert
        Assert.Equal("CD34+ immunomagnetic selection", finding?.Phrase);
    }

    [Fact]
    public void GivenTriggersInCapitals_WhenRead_ThenTheyStillApply()
    {
        Assert.Equal(Certainty.Negated, Assert.Single(Policy.Text.Find("NO T-CELL DEPLETION PERFORMED", TCellDepleted)).Certainty);
    }

    [Fact]
    public void GivenATargetThatIsNotFromThePolicy_WhenRead_ThenContextStillApplies()
    {
        var finding = Assert.Single(Policy.Text.Find("Patient denies tobacco use.", new Regex("tobacco", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1))));
        Assert.Equal((Certainty.Negated, "denies"), (finding.Certainty, finding.Trigger));
    }

    [Fact]
    public void GivenTheTerminationNowRemovedFromTheFile_WhenRead_ThenTheNegationRunsOnAsFarAsTheSoftBoundary()
    {
        // Arrange
        const string text = "No GVHD now and HSV-TK gene-modified cells";
        var revised = Revise(c => Remove(c["terminations"]!.AsArray(), "now"));

        // Act
        var shipped = Policy.Text.Find(text, GeneticModification);
        var withoutNow = revised.Text.Find(text, GeneticModification);

        // Assert
        Assert.All(shipped, f => Assert.Equal(Certainty.Confirmed, f.Certainty));
        Assert.All(withoutNow, f => Assert.Equal((Certainty.Tentative, "No"), (f.Certainty, f.Trigger)));
    }

    [Fact]
    public void GivenTheSoftBoundariesRemovedFromTheFile_WhenANegationRunsPastAComma_ThenItNegates()
    {
        // Arrange
        const string text = "No GVHD, HSV-TK gene-modified cells";
        var noSoft = Revise(c => c["softBoundaries"] = new JsonArray());

        // Act & Assert
        Assert.All(Policy.Text.Find(text, GeneticModification), f => Assert.Equal(Certainty.Tentative, f.Certainty));
        Assert.All(noSoft.Text.Find(text, GeneticModification), f => Assert.Equal(Certainty.Negated, f.Certainty));
    }

    [Fact]
    public void GivenASmallerWindowInTheFile_WhenATriggerIsFarFromTheTarget_ThenItNoLongerApplies()
    {
        // Arrange
        const string text = "No evidence of significant residual T-cell depletion";
        var narrow = Revise(c => c["windowWords"] = 1);

        // Act & Assert
        Assert.Equal(Certainty.Negated, Assert.Single(Policy.Text.Find(text, TCellDepleted)).Certainty);
        Assert.Equal(Certainty.Confirmed, Assert.Single(narrow.Text.Find(text, TCellDepleted)).Certainty);
    }

    [Fact]
    public void GivenTheFilesPrecedenceReversed_WhenNegatedAndHistoricalBothApply_ThenTheFileDecides()
    {
        // Arrange
        const string text = "No prior CAR-T.";
        var reversed = Revise(c => c["precedence"] = new JsonArray("historical", "tentative", "hypothetical", "family", "negated"));

        // Act & Assert
        Assert.Equal((Certainty.Negated, "No"), Read(Policy, text));
        Assert.Equal((Certainty.Historical, "prior"), Read(reversed, text));
    }

    [Fact]
    public void GivenThePseudoTriggersRemovedFromTheFile_WhenAPseudoTriggerPrecedes_ThenItNegates()
    {
        // Arrange
        const string text = "No increase in GVHD after the T-cell depleted graft.";
        var noPseudo = Revise(c => c["pseudoTriggers"] = new JsonArray());

        // Act & Assert
        Assert.Equal(Certainty.Confirmed, Assert.Single(Policy.Text.Find(text, TCellDepleted)).Certainty);
        Assert.Equal(Certainty.Negated, Assert.Single(noPseudo.Text.Find(text, TCellDepleted)).Certainty);
    }

    [Fact]
    public void GivenManyThreads_WhenTheSameReaderIsShared_ThenEveryAnswerMatchesTheSequentialOne()
    {
        // Arrange
        var rows = PhraseTable.Rows.Select(r => (Pattern: Policy.Pattern(r.Data.Item1), Text: r.Data.Item3)).ToArray();
        var sequential = rows.Select(r => Describe(Policy.Text.Find(r.Text, r.Pattern))).ToArray();
        var parallel = new string[rows.Length];

        // Act
        Parallel.For(0, rows.Length * 8, i => parallel[i % rows.Length] = Describe(Policy.Text.Find(rows[i % rows.Length].Text, rows[i % rows.Length].Pattern)));

        // Assert
        Assert.Equal(sequential, parallel);
    }

    private static (Certainty, string?) Read(PolicyDefinition policy, string text)
    {
        var finding = Assert.Single(policy.Text.Find(text, GeneticModification));
        return (finding.Certainty, finding.Trigger);
    }

    private static string Describe(IReadOnlyList<TextFinding> findings) => string.Join('|', findings);

    private static PolicyDefinition Revise(Action<JsonObject> change)
    {
        var tree = ShippedPolicyFile.Tree();
        change(tree["textContext"]!.AsObject());
        return ShippedPolicyFile.Load(tree.ToJsonString());
    }

    private static void Remove(JsonArray array, string value)
    {
        var item = array.Single(n => (string?)n == value);
        array.Remove(item);
    }
}
