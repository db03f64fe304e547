using System.Text.Json.Nodes;

namespace Cds.PolicyTool.Tests;

/// <summary><c>test</c> over the shipped 45.03 cases and over deliberately broken ones: exit 0, 1 with the difference printed, or 2.</summary>
public sealed class CaseFolderTests
{
    [Fact]
    public void GivenTheShippedCases_WhenTested_ThenEveryCasePassesAndTheRunExitsZero()
    {
        // Act
        var run = ToolRun.Of("test", Repository.Cases);

        // Assert
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var cases = Directory.GetDirectories(Repository.Cases).Select(Path.GetFileName).ToList();
        Assert.True(cases.Count >= 19, $"{cases.Count} cases");
        foreach (var name in cases)
        {
            Assert.Contains($"| {name} | PASS |", run.Output, StringComparison.Ordinal);
        }

        Assert.Contains($"{cases.Count} case(s): {cases.Count} passed, 0 failed, 0 invalid", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAWrongExpectedOutcomeAndStatus_WhenTested_ThenExitOneAndTheDifferenceIsPrinted()
    {
        // Arrange
        using var scratch = new ScratchFolder();
        var folder = scratch.WithCases("patient-met", "patient-not-met-ia");
        Edit(scratch.Under("patient-met", "expected.json"), e =>
        {
            e["outcome"] = "NotMedicallyNecessary";
            e["criteria"]!["I.C"] = "NotMet";
        });

        // Act
        var run = ToolRun.Of("test", folder);

        // Assert
        Assert.True(run.ExitCode == ExitCodes.Failed, run.ToString());
        var row = Row(run.Output, "patient-met");
        Assert.Contains("| FAIL | NotMedicallyNecessary | MeetsCriteria |", row, StringComparison.Ordinal);
        Assert.Contains("outcome: expected NotMedicallyNecessary, got MeetsCriteria", row, StringComparison.Ordinal);
        Assert.Contains("I.C: expected NotMet, got Met", row, StringComparison.Ordinal);
        Assert.Contains("| patient-not-met-ia | PASS |", run.Output, StringComparison.Ordinal);
        Assert.Contains("2 case(s): 1 passed, 1 failed, 0 invalid", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAWrongMissingOrReviewSet_WhenTested_ThenTheSetsDiffer()
    {
        // Arrange
        using var scratch = new ScratchFolder();
        var folder = scratch.WithCases("patient-missing-data");
        Edit(scratch.Under("patient-missing-data", "expected.json"), e =>
        {
            e["missing"] = new JsonArray("I.C");
            e["review"] = new JsonArray("I.B");
        });

        // Act
        var run = ToolRun.Of("test", folder);

        // Assert
        Assert.True(run.ExitCode == ExitCodes.Failed, run.ToString());
        Assert.Contains("missing: expected [I.C], got [I.B, I.C]", run.Output, StringComparison.Ordinal);
        Assert.Contains("review: expected [I.B], got []", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenARevisedPolicyFile_WhenTheCasesAreTested_ThenTheCasesItChangesFail()
    {
        // Arrange: a reviewer raises the full-donor threshold from 95 % to 99.5 %.
        using var scratch = new ScratchFolder();
        var policy = JsonNode.Parse(File.ReadAllText(Repository.ShippedPolicy))!;
        policy["thresholds"]!["fullDonorChimerismPercent"] = 99.5;
        var revised = scratch.Under("revised.json");
        File.WriteAllText(revised, policy.ToJsonString());

        // Act
        var run = ToolRun.Of("test", "--policy", revised, Repository.Cases);

        // Assert: 99 % T cells and 98 % myeloid are now mixed, so I.C is met and the patient meets criterion I.
        Assert.True(run.ExitCode == ExitCodes.Failed, run.ToString());
        var row = Row(run.Output, "patient-not-met-ic");
        Assert.Contains("outcome: expected NotMedicallyNecessary, got MeetsCriteria", row, StringComparison.Ordinal);
        Assert.Contains("I.C: expected NotMet, got Met", row, StringComparison.Ordinal);
        Assert.Contains("| patient-met | PASS |", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"outcome": "MeetsCriteria", "outcom": "x"}""", "unknown key 'outcom'")]
    [InlineData("""{"outcome": "Covered"}""", "unknown outcome 'Covered'")]
    [InlineData("""{"criteria": {"I.A": "Met"}}""", "'outcome' is required")]
    [InlineData("""{"outcome": "MeetsCriteria", "criteria": {"I.A": "met"}}""", "criteria.I.A: unknown status \"met\"")]
    [InlineData("""{"outcome": "MeetsCriteria", "criteria": {"I.D": "Met"}}""", "unknown criterion 'I.D'")]
    [InlineData("""{"outcome": "MeetsCriteria", "missing": ["I.Z"]}""", "missing: unknown criterion 'I.Z'")]
    [InlineData("""{"outcome": "MeetsCriteria", "outcome": "MeetsCriteria"}""", "is not valid JSON")]
    [InlineData("""{"outcome": "MeetsCriteria", "today": "24/11/2026"}""", "'today' must be a date yyyy-MM-dd")]
    [InlineData("""{"outcome": "Rejected", "criteria": {"I.A": "Met"}}""", "outcome 'Rejected' is no decision")]
    [InlineData("""{"outcome": "MeetsCriteria",""", "is not valid JSON")]
    public void GivenAnInvalidExpectedFile_WhenTested_ThenExitTwoNamingTheProblem(string expected, string problem)
    {
        // Arrange
        using var scratch = new ScratchFolder();
        var folder = scratch.WithCases("patient-met", "patient-not-met-ia");
        File.WriteAllText(scratch.Under("patient-met", "expected.json"), expected);

        // Act
        var run = ToolRun.Of("test", folder);

        // Assert: the bad case is invalid (not skipped), the good one still runs.
        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        var row = Row(run.Output, "patient-met");
        Assert.Contains("| INVALID |", row, StringComparison.Ordinal);
        Assert.Contains(problem, row, StringComparison.Ordinal);
        Assert.Contains("| patient-not-met-ia | PASS |", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("order.json", null, "bundle.json needs the draft order in order.json")]
    [InlineData("expected.json", null, "expected file not found")]
    [InlineData("bundle.json", "{\"resourceType\": \"Bundle\", \"entry\": [", "patient Bundle")]
    [InlineData("order.json", "{\"resourceType\": \"ServiceRequest\", \"status\": \"draft\"}", "has no id")]
    [InlineData("bundle.json", "{\"resourceType\": \"Patient\", \"id\": \"p\"}", "is not a FHIR Bundle")]
    public void GivenABrokenCaseInput_WhenTested_ThenExitTwoNamingTheFile(string file, string? content, string problem)
    {
        // Arrange: delete the file (null) or replace its content.
        using var scratch = new ScratchFolder();
        var folder = scratch.WithCases("patient-met");
        if (content is null)
        {
            File.Delete(scratch.Under("patient-met", file));
        }
        else
        {
            File.WriteAllText(scratch.Under("patient-met", file), content);
        }

        // Act
        var run = ToolRun.Of("test", folder);

        // Assert
        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Contains("| INVALID |", Row(run.Output, "patient-met"), StringComparison.Ordinal);
        Assert.Contains(problem, Row(run.Output, "patient-met"), StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAMisspeltFileInACase_WhenTested_ThenTheCaseIsInvalid()
    {
        // Arrange
        using var scratch = new ScratchFolder();
        var folder = scratch.WithCases("patient-met");
        File.Move(scratch.Under("patient-met", "expected.json"), scratch.Under("patient-met", "expect.json"));

        // Act
        var run = ToolRun.Of("test", folder);

        // Assert
        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Contains("unknown file(s) expect.json", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAnInvalidPolicyFile_WhenTested_ThenExitTwoNamingTheKey()
    {
        // Arrange
        using var scratch = new ScratchFolder();
        var policy = JsonNode.Parse(File.ReadAllText(Repository.ShippedPolicy))!;
        policy["thresholds"]!.AsObject().Remove("fullDonorChimerismPercent");
        var broken = scratch.Under("broken.json");
        File.WriteAllText(broken, policy.ToJsonString());

        // Act
        var run = ToolRun.Of("test", "--policy", broken, Repository.Cases);

        // Assert
        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Contains("fullDonorChimerismPercent", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public void GivenNoFolderOrAnEmptyOne_WhenTested_ThenExitTwo()
    {
        // Arrange
        using var scratch = new ScratchFolder();

        // Act
        var empty = ToolRun.Of("test", scratch.Path);
        var absent = ToolRun.Of("test", scratch.Under("nowhere"));
        var none = ToolRun.Of("test");

        // Assert
        Assert.True(empty.ExitCode == ExitCodes.BadInput, empty.ToString());
        Assert.Contains("holds no case", empty.Error, StringComparison.Ordinal);
        Assert.True(absent.ExitCode == ExitCodes.BadInput, absent.ToString());
        Assert.Contains("case folder not found", absent.Error, StringComparison.Ordinal);
        Assert.True(none.ExitCode == ExitCodes.BadInput, none.ToString());
        Assert.Contains("exactly one case folder", none.Error, StringComparison.Ordinal);
    }

    private static void Edit(string path, Action<JsonNode> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    private static string Row(string output, string name) =>
        output.Split('\n').SingleOrDefault(l => l.StartsWith($"| {name} |", StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no row for {name} in:\n{output}");
}
