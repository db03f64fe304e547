using System.Globalization;
using System.Text;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Policy;

namespace Cds.PolicyTool;

/// <summary>
/// <c>test</c>: runs every case of a folder (one sub-folder per case: <c>expected.json</c> with <c>hook.json</c>, or
/// with <c>bundle.json</c> and <c>order.json</c>) and compares the decision with the expected file.
/// </summary>
internal static class CaseRunner
{
    public const string ExpectedFile = "expected.json";
    public const string HookFile = "hook.json";
    public const string BundleFile = "bundle.json";
    public const string OrderFile = "order.json";

    private static readonly string[] KnownFiles = [ExpectedFile, HookFile, BundleFile, OrderFile];

    public static IReadOnlyList<CaseResult> Run(PolicyDefinition policy, string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new ToolInputException($"case folder not found: {folder}");
        }

        var cases = Directory.GetDirectories(folder)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (cases.Count == 0)
        {
            throw new ToolInputException($"case folder {folder} holds no case (one sub-folder per case, each with {ExpectedFile})");
        }

        return [.. cases.Select(c => RunCase(policy, c))];
    }

    public static string Table(IReadOnlyList<CaseResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| Case | Result | Expected | Got | What differs |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(r.Case)} | {r.Verdict.ToString().ToUpperInvariant()} | {Cell(r.Expected)} | {Cell(r.Got)} | {Cell(r.Differs)} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{results.Count} case(s): {results.Count(r => r.Verdict == CaseVerdict.Pass)} passed, {results.Count(r => r.Verdict == CaseVerdict.Fail)} failed, {results.Count(r => r.Verdict == CaseVerdict.Invalid)} invalid");
        return text.ToString();
    }

    private static CaseResult RunCase(PolicyDefinition policy, string folder)
    {
        var name = Path.GetFileName(folder);
        try
        {
            var unknown = Directory.GetFiles(folder, "*.json").Select(Path.GetFileName).Where(f => !KnownFiles.Contains(f, StringComparer.Ordinal)).ToList();
            if (unknown.Count > 0)
            {
                throw new ToolInputException($"unknown file(s) {string.Join(", ", unknown)} in {folder} (a case holds {ExpectedFile} with {HookFile}, or with {BundleFile} and {OrderFile})");
            }

            var expected = ExpectedCase.Read(Path.Combine(folder, ExpectedFile), policy);
            var answer = Decide.Run(policy, Input(folder, expected), expected.Today);
            return Compare(name, expected, answer);
        }
        catch (ToolInputException e)
        {
            return new CaseResult(name, CaseVerdict.Invalid, "-", "-", e.Message);
        }
    }

    private static ReviewInput Input(string folder, ExpectedCase expected)
    {
        var hook = Path.Combine(folder, HookFile);
        var bundle = Path.Combine(folder, BundleFile);
        var order = Path.Combine(folder, OrderFile);
        return (File.Exists(hook), File.Exists(bundle), File.Exists(order)) switch
        {
            (true, false, false) => HookInput.Read(hook, null),
            (false, true, true) => BundleInput.Read(bundle, order, expected.Patient),
            (false, true, false) => throw new ToolInputException($"{folder}: {BundleFile} needs the draft order in {OrderFile}"),
            (false, false, true) => throw new ToolInputException($"{folder}: {OrderFile} needs the patient record in {BundleFile}"),
            (false, false, false) => throw new ToolInputException($"{folder}: no {HookFile}, and no {BundleFile} with {OrderFile}"),
            _ => throw new ToolInputException($"{folder}: either {HookFile}, or {BundleFile} with {OrderFile}, not both"),
        };
    }

    private static CaseResult Compare(string name, ExpectedCase expected, ToolAnswer answer)
    {
        CoverageDecision? decision;
        if (expected.Order is { } order)
        {
            decision = answer.Decisions.FirstOrDefault(d => d.OrderReference == order);
            if (decision is null && answer.Rejected is null && answer.Decisions.Count > 0)
            {
                throw new ToolInputException($"expected 'order' {order} is not among the decided orders ({string.Join(", ", answer.Decisions.Select(d => d.OrderReference))})");
            }
        }
        else
        {
            decision = answer.Decisions.Count switch
            {
                0 => null,
                1 => answer.Decisions[0],
                _ => throw new ToolInputException($"{answer.Decisions.Count} orders are decided ({string.Join(", ", answer.Decisions.Select(d => d.OrderReference))}): name one with 'order' in {ExpectedFile}"),
            };
        }

        var got = answer.Rejected is not null ? ExpectedCase.Rejected : decision?.Outcome.ToString() ?? ExpectedCase.NotGoverned;
        var differences = new List<string>();
        if (got != expected.Outcome)
        {
            differences.Add($"outcome: expected {expected.Outcome}, got {got}{(answer.Rejected is { } r ? $" (HTTP {r.Status}: {r.Reason})" : decision is not null ? $" ({decision.Reason})" : string.Empty)}");
        }

        if (decision is not null)
        {
            foreach (var (id, status) in expected.Criteria)
            {
                var actual = decision.Criteria.FirstOrDefault(c => c.Id == id);
                if (actual is null)
                {
                    differences.Add($"{id}: expected {status}, not evaluated");
                }
                else if (actual.Status != status)
                {
                    differences.Add($"{id}: expected {status}, got {actual.Status} ({actual.Summary})");
                }
            }

            Set("missing", expected.Missing, decision.Missing.Select(m => m.Criterion), differences);
            Set("review", expected.Review, decision.Criteria.Where(c => c.Review.Count > 0).Select(c => c.Id), differences);
        }

        return new CaseResult(name, differences.Count == 0 ? CaseVerdict.Pass : CaseVerdict.Fail, expected.Outcome, got, differences.Count == 0 ? string.Empty : string.Join("; ", differences));
    }

    private static void Set(string what, IReadOnlyList<string>? expected, IEnumerable<string> actual, List<string> differences)
    {
        if (expected is null)
        {
            return;
        }

        var got = actual.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var want = expected.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (!got.SequenceEqual(want, StringComparer.Ordinal))
        {
            differences.Add($"{what}: expected [{string.Join(", ", want)}], got [{string.Join(", ", got)}]");
        }
    }

    private static string Cell(string value) => value.Replace("\n", " ", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);
}
