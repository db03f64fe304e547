using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Policy;

namespace Cds.PolicyTool;

/// <summary>Prints a <see cref="ToolAnswer"/>: the criteria table and the decision per order, as text or as JSON (<c>--json</c>).</summary>
internal static class DecisionReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Text(PolicyDefinition policy, ToolAnswer answer)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Policy {policy.Id} ({policy.Title}, effective {policy.EffectiveDate:yyyy-MM-dd}), decided as of {answer.Today:yyyy-MM-dd}");
        if (answer.Rejected is { } rejected)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"No decision: the service answers HTTP {rejected.Status}: {rejected.Reason}");
        }
        else if (answer.Decisions.Count == 0)
        {
            text.AppendLine("No decision: no order in scope is one this policy governs.");
        }

        foreach (var decision in answer.Decisions)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Order {decision.OrderReference}: {decision.Outcome} (criterion {decision.DecidingCriterion})");
            text.AppendLine(CultureInfo.InvariantCulture, $"Reason: {decision.Reason}");
            text.AppendLine();
            text.AppendLine("| Id | Criterion | Status | Summary | Evidence | Review |");
            text.AppendLine("|---|---|---|---|---|---|");
            foreach (var c in decision.Criteria)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {c.Id} | {Cell(c.Label)} | {c.Status} | {Cell(c.Summary)} | {Cell(string.Join(", ", References(c)))} | {Cell(string.Join("; ", c.Review.Select(r => r.What)))} |");
            }

            List("Missing data", decision.Missing.Select(m => $"{m.Criterion}: {m.What} ({m.HowToSupply})"), text);
            List("Documentation to attach", decision.Documentation.Select(m => $"{m.What} ({m.HowToSupply})"), text);
            List("For a reviewer to check", decision.Review.Select(r => $"{r.Criterion}: {r.What}"), text);
        }

        List("Orders this policy does not govern", answer.Ungoverned, text);
        List("Dropped, not this patient's", answer.NotThisPatient, text);
        List("Could not be read", answer.Unreadable.Select(u => $"{u.Key}: {u.Reason}"), text);
        List("Notes", answer.Notes, text);
        return text.ToString();
    }

    public static string Json(PolicyDefinition policy, ToolAnswer answer)
    {
        var json = new JsonObject
        {
            ["policy"] = new JsonObject { ["id"] = policy.Id, ["title"] = policy.Title, ["effective"] = policy.EffectiveDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            ["today"] = answer.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["rejected"] = answer.Rejected is { } r ? new JsonObject { ["status"] = r.Status, ["reason"] = r.Reason } : null,
            ["decisions"] = new JsonArray([.. answer.Decisions.Select(Decision)]),
            ["ungoverned"] = Strings(answer.Ungoverned),
            ["notThisPatient"] = Strings(answer.NotThisPatient),
            ["unreadable"] = new JsonArray([.. answer.Unreadable.Select(u => new JsonObject { ["key"] = u.Key, ["reason"] = u.Reason })]),
            ["notes"] = Strings(answer.Notes),
        };
        return json.ToJsonString(Indented) + Environment.NewLine;
    }

    private static JsonObject Decision(CoverageDecision d) => new()
    {
        ["order"] = d.OrderReference,
        ["outcome"] = d.Outcome.ToString(),
        ["decidingCriterion"] = d.DecidingCriterion,
        ["reason"] = d.Reason,
        ["criteria"] = new JsonArray([.. d.Criteria.Select(c => new JsonObject
        {
            ["id"] = c.Id,
            ["label"] = c.Label,
            ["status"] = c.Status.ToString(),
            ["summary"] = c.Summary,
            ["evidence"] = Strings(References(c)),
            ["review"] = Strings(c.Review.Select(i => i.What)),
        })]),
        ["missing"] = Items(d.Missing),
        ["documentation"] = Items(d.Documentation),
        ["review"] = new JsonArray([.. d.Review.Select(i => new JsonObject { ["criterion"] = i.Criterion, ["what"] = i.What })]),
    };

    private static JsonArray Items(IEnumerable<MissingItem> items) =>
        new([.. items.Select(m => new JsonObject { ["criterion"] = m.Criterion, ["what"] = m.What, ["howToSupply"] = m.HowToSupply })]);

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static IEnumerable<string> References(CriterionResult c) => c.Evidence.Select(e => e.Reference).Distinct(StringComparer.Ordinal);

    private static void List(string title, IEnumerable<string> lines, StringBuilder text)
    {
        var items = lines.ToList();
        if (items.Count == 0)
        {
            return;
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{title}:");
        foreach (var line in items)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
        }
    }

    // A table cell on one line, its pipes escaped.
    private static string Cell(string value) => value.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);
}
