using System.Globalization;

namespace Cds.PolicyTool;

/// <summary>The reviewer tool's entry point: <c>decide</c> and <c>test</c>, every error one clear line (no stack trace).</summary>
internal static class ToolApp
{
    public const string Usage = """
        Policy tool for clinical reviewers: decides a patient record against a policy file exactly as the CDS service does.

        Usage (from the repository root):
          dotnet run --project src/PolicyTool -- decide [--policy <file>] --bundle <patient Bundle.json> --order <draft order.json> [--patient <id>] [--service <id>] [--today yyyy-MM-dd] [--json]
          dotnet run --project src/PolicyTool -- decide [--policy <file>] --hook <hook request.json> [--service <id>] [--today yyyy-MM-dd] [--json]
          dotnet run --project src/PolicyTool -- test [--policy <file>] <case folder>

        decide  prints the criteria table (criterion, status, summary, evidence, review items) and the decision per order
                (outcome, reason, missing data, documentation); --json for machine output.
        test    runs every case of the folder (one sub-folder per case: expected.json with hook.json, or with bundle.json
                and order.json; format in the README) and prints a pass/fail table.

        --policy   a policy file (validated as the service validates it at start-up); default: the embedded 45.03
        --patient  the patient, when the Bundle holds several Patients (default: its one Patient)
        --service  the service id in cds-services.json whose prefetch is read, when several answer the hook
        --today    decide as of that day (default: today, as the service does)

        Exit codes: 0 decided / every case passed, 1 a case failed, 2 bad input (missing file, invalid JSON, invalid policy
        file or case, unknown option), 3 an unexpected error.
        """;

    public const int Unexpected = 3;

    private static readonly string[] DecideOptions = ["--policy", "--bundle", "--order", "--patient", "--hook", "--service", "--today"];
    private static readonly string[] TestOptions = ["--policy"];
    private static readonly string[] HelpFlags = ["--help", "-h"];

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help" || args.Skip(1).Any(a => HelpFlags.Contains(a, StringComparer.Ordinal)))
        {
            (args.Length == 0 ? error : output).WriteLine(Usage);
            return args.Length == 0 ? ExitCodes.BadInput : ExitCodes.Ok;
        }

        try
        {
            return args[0] switch
            {
                "decide" => RunDecide(ToolArguments.Parse(args.Skip(1), "decide", DecideOptions, ["--json"]), output),
                "test" => RunTest(ToolArguments.Parse(args.Skip(1), "test", TestOptions, []), output),
                _ => throw new ToolInputException($"unknown command '{args[0]}' (decide, test)"),
            };
        }
        catch (ToolInputException e)
        {
            error.WriteLine($"error: {e.Message}");
            error.WriteLine("Run with --help for usage.");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug, not the reviewer's input: say what, without a stack trace.
            error.WriteLine($"error: unexpected failure ({e.GetType().Name}: {e.Message})");
            return Unexpected;
        }
    }

    private static int RunDecide(ToolArguments args, TextWriter output)
    {
        if (args.Positional.Count > 0)
        {
            throw new ToolInputException($"'decide' takes no positional argument ({args.Positional[0]})");
        }

        var hook = args["--hook"];
        var bundle = args["--bundle"];
        var order = args["--order"];
        if (hook is not null == (bundle is not null || order is not null))
        {
            throw new ToolInputException("'decide' needs either --hook <file>, or --bundle <file> with --order <file>");
        }

        if (hook is null && (bundle is null || order is null))
        {
            throw new ToolInputException(bundle is null ? "--order needs --bundle <patient Bundle.json>" : "--bundle needs --order <draft order.json>");
        }

        if (hook is not null && args["--patient"] is not null)
        {
            throw new ToolInputException("--patient goes with --bundle (a hook request names its patient in context.patientId)");
        }

        var today = Today(args["--today"]);
        var policy = PolicyLoader.Load(args["--policy"]);
        var input = hook is not null ? HookInput.Read(hook, args["--service"]) : BundleInput.Read(bundle!, order!, args["--patient"], args["--service"]);
        var answer = Decide.Run(policy, input, today);
        output.Write(args.Has("--json") ? DecisionReport.Json(policy, answer) : DecisionReport.Text(policy, answer));
        return ExitCodes.Ok;
    }

    private static int RunTest(ToolArguments args, TextWriter output)
    {
        if (args.Positional.Count != 1)
        {
            throw new ToolInputException("'test' needs exactly one case folder");
        }

        var policy = PolicyLoader.Load(args["--policy"]);
        var results = CaseRunner.Run(policy, args.Positional[0]);
        output.WriteLine($"Policy {policy.Id} ({policy.Title}), cases in {args.Positional[0]}");
        output.WriteLine();
        output.Write(CaseRunner.Table(results));
        return results.Any(r => r.Verdict == CaseVerdict.Invalid) ? ExitCodes.BadInput
            : results.Any(r => r.Verdict == CaseVerdict.Fail) ? ExitCodes.Failed
            : ExitCodes.Ok;
    }

    private static DateOnly? Today(string? value) =>
        value is null ? null
            : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
            : throw new ToolInputException($"--today must be a date yyyy-MM-dd, not '{value}'");
}
