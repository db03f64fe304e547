using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Tests.Policy;

/// <summary>A policy file with one thing wrong stops loading (so the service does not start), naming the key.</summary>
public sealed class PolicyFileMutationTests
{
    public static TheoryData<string> Mutations => new(PolicyMutations.All.Keys);

    [Fact]
    public void GivenTheShippedFile_WhenLoaded_ThenItLoadsWithItsLexicon()
    {
        // Act
        var policy = ShippedPolicyFile.Load(ShippedPolicyFile.Text);

        // Assert
        Assert.Equal("dli-45.03", policy.Id);
        Assert.NotNull(policy.Text);
        Assert.All(PolicyNames.Patterns.All, name => Assert.NotNull(policy.Pattern(name)));
        Assert.All(PolicyNames.ValueSets.All, name => Assert.NotNull(policy.ValueSet(name)));
    }

    [Theory]
    [MemberData(nameof(Mutations))]
    public void GivenTheShippedFileWithOneMutation_WhenLoaded_ThenLoadingFailsNamingTheKey(string mutation)
    {
        // Arrange
        var change = PolicyMutations.All[mutation];
        var json = change.Apply(ShippedPolicyFile.Text);

        // Act
        var error = Assert.Throws<PolicyFileException>(() => ShippedPolicyFile.Load(json));

        // Assert
        Assert.IsAssignableFrom<InvalidOperationException>(error);
        foreach (var named in change.Named)
        {
            Assert.Contains(named, error.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Cds.FhirMapping", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenSeveralProblems_WhenLoaded_ThenEveryOneIsReported()
    {
        // Arrange
        var tree = ShippedPolicyFile.Tree();
        tree["valueSets"]!["heme-in-relapse"]!["include"] = new System.Text.Json.Nodes.JsonArray();
        tree["textPatterns"]!["hct"] = "(";
        tree["thresholds"]!["graftWindowDaysAfterHct"] = -1;

        // Act
        var error = Assert.Throws<PolicyFileException>(() => ShippedPolicyFile.Load(tree.ToJsonString()));

        // Assert
        Assert.Equal(3, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("valueSets.heme-in-relapse is empty", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("textPatterns.hct is not a valid regular expression", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("thresholds.graftWindowDaysAfterHct", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAFileOnDiskWithAMissingThreshold_WhenLoadedByPath_ThenLoadingFails()
    {
        // Arrange
        var path = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, PolicyMutations.All["delete a threshold"].Apply(ShippedPolicyFile.Text));

        try
        {
            // Act
            var error = Assert.Throws<PolicyFileException>(() => PolicyFiles.LoadFile(path));

            // Assert
            Assert.Contains("thresholds.fullDonorChimerismPercent is required", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
