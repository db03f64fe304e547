using System.Text.Json.Nodes;

namespace Cds.PolicyTool.Tests;

/// <summary><c>decide</c>: the criteria table and the decision from a Bundle and an order or from a hook request, and its errors.</summary>
public sealed class DecideCommandTests
{
    [Fact]
    public void GivenAPatientBundleAndADraftOrder_WhenDecided_ThenTheCriteriaTableAndTheDecisionArePrinted()
    {
        // Act
        var run = ToolRun.Of("decide", "--bundle", Case("patient-not-met-ic", "bundle.json"), "--order", Case("patient-not-met-ic", "order.json"));

        // Assert
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("Order ServiceRequest/sr-dli: NotMedicallyNecessary (criterion II)", run.Output, StringComparison.Ordinal);
        Assert.Contains("| I.C | I.C Mixed donor chimerism | NotMet | Full donor chimerism", run.Output, StringComparison.Ordinal);
        Assert.Contains("Observation/dli4503-not-met-ic-obs-chim-cd3-2026-10", run.Output, StringComparison.Ordinal);
        Assert.Contains("| I.A | I.A Relapsed or refractory hematologic malignancy | Met |", run.Output, StringComparison.Ordinal);
        Assert.Contains("Coverage is outside this tool", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAHookRequest_WhenDecidedAsJson_ThenTheOutputCarriesEveryCriterionWithItsEvidenceAndTheMissingData()
    {
        // Act
        var run = ToolRun.Of("decide", "--json", "--hook", Path.Combine(Repository.Samples, "order-sign-missing-data.json"));

        // Assert
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var json = JsonNode.Parse(run.Output)!;
        var decision = Assert.Single(json["decisions"]!.AsArray())!;
        Assert.Equal("CannotBeDetermined", decision["outcome"]!.GetValue<string>());
        var criteria = decision["criteria"]!.AsArray().ToDictionary(c => c!["id"]!.GetValue<string>(), c => c!);
        Assert.Equal(["HCT", "I.A", "I.B", "I.C", "II", "III", "IV"], criteria.Keys);
        Assert.Equal("Unknown", criteria["I.C"]["status"]!.GetValue<string>());
        Assert.Contains("Procedure/proc-allo-hct", criteria["HCT"]["evidence"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(["I.B", "I.C"], decision["missing"]!.AsArray().Select(m => m!["criterion"]!.GetValue<string>()));
        Assert.Single(decision["documentation"]!.AsArray());
        Assert.Null(json["rejected"]);
    }

    [Fact]
    public void GivenAHookRequestWithAnotherPatientsResource_WhenDecided_ThenItIsDroppedAndNamed()
    {
        // Act
        var run = ToolRun.Of("decide", "--json", "--hook", Case("edge-other-patients-result-in-prefetch", "hook.json"));

        // Assert
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var json = JsonNode.Parse(run.Output)!;
        Assert.Equal(["Observation/obs-chim-other-patient"], json["notThisPatient"]!.AsArray().Select(r => r!.GetValue<string>()));
        var ic = json["decisions"]![0]!["criteria"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == "I.C")!;
        Assert.Equal("Unknown", ic["status"]!.GetValue<string>());
    }

    [Fact]
    public void GivenAnOrderForAnotherPatient_WhenDecided_ThenNoDecisionButTheServicesFourHundred()
    {
        // Act
        var run = ToolRun.Of("decide", "--bundle", Case("patient-met", "bundle.json"), "--order", Case("edge-order-for-another-patient", "order.json"));

        // Assert
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("No decision: the service answers HTTP 400: Draft order ServiceRequest/sr-dli does not name context.patientId as its subject", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("| Id |", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAHookRequestWithoutAPrefetchTheServiceWouldQuery_WhenDecided_ThenExitTwoNamingTheKey()
    {
        // Arrange: the service would query the EHR for "procedures"; the tool never does, and never guesses.
        using var scratch = new ScratchFolder();
        var hook = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Samples, "order-sign-meets-criteria.json")))!;
        hook["prefetch"]!.AsObject().Remove("procedures");
        var path = scratch.Under("hook.json");
        File.WriteAllText(path, hook.ToJsonString());

        // Act
        var run = ToolRun.Of("decide", "--hook", path);

        // Assert
        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Contains("prefetch procedures is absent or an OperationOutcome", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public void GivenAnOrderSelectWhoseSelectionIsAnotherOrder_WhenDecided_ThenTheDliOrderIsNotDecided()
    {
        // Arrange
        using var scratch = new ScratchFolder();
        var hook = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Samples, "order-select-meets-criteria.json")))!;
        hook["context"]!["selections"] = new JsonArray("ServiceRequest/something-else");
        var path = scratch.Under("hook.json");
        File.WriteAllText(path, hook.ToJsonString());

        // Act
        var selected = ToolRun.Of("decide", "--hook", Path.Combine(Repository.Samples, "order-select-meets-criteria.json"));
        var other = ToolRun.Of("decide", "--hook", path);

        // Assert
        Assert.Contains(": MeetsCriteria (criterion I)", selected.Output, StringComparison.Ordinal);
        Assert.True(other.ExitCode == ExitCodes.Ok, other.ToString());
        Assert.Contains("No decision: no order in scope", other.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenTodayBeforeTheTransplant_WhenDecided_ThenTheDecisionIsAsOfThatDay()
    {
        // Act
        var today = ToolRun.Of("decide", "--json", "--bundle", Case("patient-met", "bundle.json"), "--order", Case("patient-met", "order.json"));
        var before = ToolRun.Of("decide", "--json", "--today", "2025-01-01", "--bundle", Case("patient-met", "bundle.json"), "--order", Case("patient-met", "order.json"));

        // Assert: on 1 Jan 2025 the 12 Mar 2025 transplant had not happened, so criterion I cannot be met yet.
        Assert.Equal("MeetsCriteria", JsonNode.Parse(today.Output)!["decisions"]![0]!["outcome"]!.GetValue<string>());
        var json = JsonNode.Parse(before.Output)!;
        Assert.Equal("2025-01-01", json["today"]!.GetValue<string>());
        Assert.NotEqual("MeetsCriteria", json["decisions"]![0]!["outcome"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(new[] { "decide" }, "needs either --hook")]
    [InlineData(new[] { "decide", "--bundle", "x.json" }, "--bundle needs --order")]
    [InlineData(new[] { "decide", "--hook", "a.json", "--bundle", "b.json" }, "needs either --hook")]
    [InlineData(new[] { "decide", "--hook", "nowhere.json" }, "hook request not found: nowhere.json")]
    [InlineData(new[] { "decide", "--hook", "a.json", "--hook", "b.json" }, "option --hook is given twice")]
    [InlineData(new[] { "decide", "--bundel", "a.json" }, "'decide' has no option --bundel")]
    [InlineData(new[] { "decide", "--hook" }, "option --hook needs a value")]
    [InlineData(new[] { "decide", "--today", "tomorrow", "--hook", "a.json" }, "--today must be a date")]
    [InlineData(new[] { "decide", "--policy", "nowhere.json", "--hook", "a.json" }, "policy file not found: nowhere.json")]
    [InlineData(new[] { "review", "cases" }, "unknown command 'review'")]
    public void GivenBadArguments_WhenRun_ThenExitTwoWithOneClearLine(string[] args, string problem)
    {
        // Act
        var run = ToolRun.Of(args);

        // Assert
        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(problem, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenInvalidJsonOrANonFhirOrder_WhenDecided_ThenExitTwoNamingTheFile()
    {
        // Arrange
        using var scratch = new ScratchFolder();
        var broken = scratch.Under("broken.json");
        File.WriteAllText(broken, "{\"resourceType\": \"Bundle\",");
        var notFhir = scratch.Under("order.json");
        File.WriteAllText(notFhir, "{\"code\": \"38242\"}");

        // Act
        var json = ToolRun.Of("decide", "--bundle", broken, "--order", Case("patient-met", "order.json"));
        var order = ToolRun.Of("decide", "--bundle", Case("patient-met", "bundle.json"), "--order", notFhir);

        // Assert
        Assert.True(json.ExitCode == ExitCodes.BadInput, json.ToString());
        Assert.Contains($"patient Bundle {broken} is not valid JSON", json.Error, StringComparison.Ordinal);
        Assert.True(order.ExitCode == ExitCodes.BadInput, order.ToString());
        Assert.Contains("is not a FHIR resource", order.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenHelp_WhenRun_ThenUsageWithBothCommandsAndExitZero()
    {
        // Act
        var help = ToolRun.Of("--help");
        var commandHelp = ToolRun.Of("test", "--help");
        var nothing = ToolRun.Of();

        // Assert
        Assert.Equal(ExitCodes.Ok, help.ExitCode);
        Assert.Contains("decide [--policy <file>] --bundle", help.Output, StringComparison.Ordinal);
        Assert.Contains("test [--policy <file>] <case folder>", help.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, commandHelp.ExitCode);
        Assert.Equal(ExitCodes.BadInput, nothing.ExitCode);
        Assert.Contains("Usage", nothing.Error, StringComparison.Ordinal);
    }

    private static string Case(string name, string file) => Path.Combine(Repository.Cases, name, file);
}
