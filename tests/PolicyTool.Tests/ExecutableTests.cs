using System.Diagnostics;

namespace Cds.PolicyTool.Tests;

/// <summary>The built executable, as CI runs it: the process's exit code is the run's verdict and errors carry no stack trace.</summary>
public sealed class ExecutableTests
{
    [Fact]
    public async Task GivenTheExecutable_WhenCasesPassFailOrAreInvalid_ThenTheProcessExitsZeroOneOrTwo()
    {
        // Arrange
        using var scratch = new ScratchFolder();
        var failing = scratch.WithCases("patient-met");
        File.WriteAllText(scratch.Under("patient-met", "expected.json"), """{"outcome": "Investigational"}""");

        // Act
        var passed = await RunAsync("test", Repository.Cases);
        var failed = await RunAsync("test", failing);
        var invalid = await RunAsync("test", scratch.Under("nowhere"));

        // Assert
        Assert.True(passed.ExitCode == ExitCodes.Ok, passed.ToString());
        Assert.True(failed.ExitCode == ExitCodes.Failed, failed.ToString());
        Assert.Contains("outcome: expected Investigational, got MeetsCriteria", failed.Output, StringComparison.Ordinal);
        Assert.True(invalid.ExitCode == ExitCodes.BadInput, invalid.ToString());
        Assert.StartsWith("error: case folder not found", invalid.Error, StringComparison.Ordinal);
    }

    private static async Task<ToolRun> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Cds.PolicyTool.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ToolRun(process.ExitCode, await output, await error);
    }
}
