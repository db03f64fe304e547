using System.Text.RegularExpressions;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Evaluation.Decision;
using Cds.FhirMapping.Modules.Dli;
using Cds.FhirMapping.Modules;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Engine;

/// <summary>
/// The checks of the policy seam's keys: the module, the sections a module requires, the criteria tree (known
/// evaluators, existing children, no cycle, a text for every reported node), the outcome rules and the documentation
/// checks. Each problem names its key path.
/// </summary>
internal static partial class DecisionValidator
{
    private static readonly string[] Placeholders = ["{label}", "{summary}", "{notMet}", "{children}"];

    public static void Validate(PolicyDocument document, List<string> problems)
    {
        Module(document, problems);
        var tree = document.Decision.Tree;
        var nodes = new Dictionary<string, NodeDocument>(StringComparer.Ordinal);
        for (var i = 0; i < tree.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(tree[i].Id) || !nodes.TryAdd(tree[i].Id, tree[i]))
            {
                problems.Add($"decision.tree[{i}].id '{tree[i].Id}' is blank or defined twice");
            }
        }

        var earlier = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tree.Count; i++)
        {
            Node(document, tree[i], $"decision.tree[{i}]", nodes, earlier, problems);
        }

        Cycles(nodes, problems);
        Reported(document, nodes, problems);
        Outcomes(document.Decision, nodes, document.Criteria.Select(c => c.Id).ToHashSet(StringComparer.Ordinal), problems);
        Documentation(document, problems);
    }

    private static void Module(PolicyDocument document, List<string> problems)
    {
        if (!CoveragePolicyFactory.Modules.Contains(document.Module, StringComparer.Ordinal))
        {
            problems.Add($"module '{document.Module}' is not one of {string.Join(", ", CoveragePolicyFactory.Modules)}");
            return;
        }

        // The DLI module's readers need these sections; a generic policy would ignore them, so it must not carry them.
        (string Key, bool Present)[] sections =
        [
            ("thresholds", document.Thresholds is not null),
            ("conditioning", document.Conditioning is not null),
            ("textPatterns", document.TextPatterns is not null),
            ("lineages", document.Lineages is not null),
            ("specimens", document.Specimens is not null),
            ("textContext", document.TextContext is not null),
        ];
        var dli = document.Module == DliModule.Name;
        foreach (var (key, present) in sections.Where(s => s.Present != dli))
        {
            problems.Add(dli ? $"{key} is required" : $"{key} is read only by module '{DliModule.Name}', not by module '{document.Module}'");
        }
    }

    private static void Node(PolicyDocument document, NodeDocument node, string path, Dictionary<string, NodeDocument> nodes, HashSet<string> earlier, List<string> problems)
    {
        var kinds = new[] { node.All is not null, node.Any is not null, node.Not is not null, node.Evaluator is not null }.Count(k => k);
        if (kinds != 1)
        {
            problems.Add($"{path} ('{node.Id}') must give exactly one of all, any, not or evaluator");
            return;
        }

        if (node.Evaluator is null)
        {
            if (node.Children.Count == 0)
            {
                problems.Add($"{path} ('{node.Id}') combines no children");
            }

            foreach (var child in node.Children.Where(c => !nodes.ContainsKey(c)))
            {
                problems.Add($"{path} ('{node.Id}') names child '{child}', which decision.tree lacks");
            }

            if (node.LatestRecordDecides || node.Resource is not null || node.ValueSet is not null || node.AtLeast is not null || node.Below is not null || node.Unit is not null)
            {
                problems.Add($"{path} ('{node.Id}') is a combinator: only a leaf takes latestRecordDecides or evaluator parameters");
            }

            return;
        }

        if (!ModuleCatalog.All.Evaluators.TryGetValue(node.Evaluator, out var kind))
        {
            problems.Add($"{path}.evaluator '{node.Evaluator}' is not an evaluator the service knows ({string.Join(", ", ModuleCatalog.All.Evaluators.Keys.Order(StringComparer.Ordinal))})");
            return;
        }

        if (kind.Module is { } module && module != document.Module)
        {
            problems.Add($"{path}.evaluator '{node.Evaluator}' belongs to module '{module}', not to module '{document.Module}'");
        }

        if (kind.FixedId is { } id && id != node.Id)
        {
            problems.Add($"{path}.evaluator '{node.Evaluator}' decides criterion '{id}' only, not '{node.Id}'");
        }

        foreach (var required in kind.Requires.Where(r => !earlier.Contains(r)))
        {
            problems.Add($"{path}.evaluator '{node.Evaluator}' reads what '{required}' finds: a leaf with that evaluator must come earlier in decision.tree");
        }

        kind.Validate(node, path, document, problems);
        earlier.Add(node.Evaluator);
    }

    // A node that is its own descendant would never be decided.
    private static void Cycles(Dictionary<string, NodeDocument> nodes, List<string> problems)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var id in nodes.Keys)
        {
            Visit(id);
        }

        void Visit(string id)
        {
            if (done.Contains(id) || !nodes.TryGetValue(id, out var node))
            {
                return;
            }

            if (path.Contains(id, StringComparer.Ordinal))
            {
                problems.Add($"decision.tree has a cycle: {string.Join(" → ", path.SkipWhile(p => p != id).Append(id))}");
                done.UnionWith(path);
                return;
            }

            path.Add(id);
            foreach (var child in node.Children)
            {
                Visit(child);
            }

            path.RemoveAt(path.Count - 1);
            done.Add(id);
        }
    }

    // Every leaf is reported with the file's texts; every criterion text belongs to a node.
    private static void Reported(PolicyDocument document, Dictionary<string, NodeDocument> nodes, List<string> problems)
    {
        var texts = document.Criteria.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var leaf in nodes.Values.Where(n => n.Evaluator is not null && !texts.Contains(n.Id)))
        {
            problems.Add($"criteria lacks criterion '{leaf.Id}' (a leaf of decision.tree)");
        }

        for (var i = 0; i < document.Criteria.Count; i++)
        {
            var criterion = document.Criteria[i];
            if (!nodes.TryGetValue(criterion.Id, out var node))
            {
                problems.Add($"criteria[{i}] '{criterion.Id}' is not a node of decision.tree");
            }
            else if (node.Evaluator is null && string.IsNullOrWhiteSpace(criterion.Undecided))
            {
                problems.Add($"criteria[{i}].undecided is required: '{criterion.Id}' is a combinator");
            }
        }
    }

    private static void Outcomes(DecisionDocument decision, Dictionary<string, NodeDocument> nodes, HashSet<string> texts, List<string> problems)
    {
        if (decision.Outcomes.Count == 0)
        {
            problems.Add("decision.outcomes is empty");
        }

        for (var i = 0; i < decision.Outcomes.Count; i++)
        {
            var rule = decision.Outcomes[i];
            var path = $"decision.outcomes[{i}]";
            if (!PolicyEvaluator.OutcomeNames.Contains(rule.Outcome, StringComparer.Ordinal))
            {
                problems.Add($"{path}.outcome '{rule.Outcome}' is not one of {string.Join(", ", PolicyEvaluator.OutcomeNames)}");
            }

            if (rule.WhenMet.Count == 0 && rule.WhenNotMet.Count == 0)
            {
                problems.Add($"{path} names no criterion in met or notMet, so it would fire for every order");
            }

            foreach (var (key, ids) in new[] { ("met", rule.WhenMet), ("notMet", rule.WhenNotMet) })
            {
                foreach (var id in ids.Where(id => !nodes.ContainsKey(id)))
                {
                    problems.Add($"{path}.{key} names criterion '{id}', which decision.tree lacks");
                }
            }

            Deciding(rule.Deciding, $"{path}.deciding", nodes, problems);
            if ((rule.Reason.Contains("{label}", StringComparison.Ordinal) || rule.Reason.Contains("{summary}", StringComparison.Ordinal))
                && !texts.Contains(rule.Deciding))
            {
                problems.Add($"{path}.reason uses {{label}} or {{summary}}, but criteria has no text for '{rule.Deciding}'");
            }
            foreach (Match placeholder in Placeholder().Matches(rule.Reason))
            {
                if (!Placeholders.Contains(placeholder.Value, StringComparer.Ordinal))
                {
                    problems.Add($"{path}.reason uses '{placeholder.Value}', which is not one of {string.Join(", ", Placeholders)}");
                }
            }
        }

        Deciding(decision.Otherwise.Deciding, "decision.otherwise.deciding", nodes, problems);
        foreach (Match placeholder in Placeholder().Matches(decision.Otherwise.Reason))
        {
            if (placeholder.Value != "{undetermined}")
            {
                problems.Add($"decision.otherwise.reason uses '{placeholder.Value}': only {{undetermined}} is known there");
            }
        }
    }

    private static void Deciding(string id, string path, Dictionary<string, NodeDocument> nodes, List<string> problems)
    {
        if (!nodes.ContainsKey(id))
        {
            problems.Add($"{path} names criterion '{id}', which decision.tree lacks");
        }
    }

    private static void Documentation(PolicyDocument document, List<string> problems)
    {
        for (var i = 0; i < document.Documentation.Count; i++)
        {
            var item = document.Documentation[i];
            if (!ModuleCatalog.All.Documentation.TryGetValue(item.SatisfiedBy, out var check))
            {
                problems.Add($"documentation[{i}].satisfiedBy '{item.SatisfiedBy}' is not a documentation check the service knows ({string.Join(", ", ModuleCatalog.All.Documentation.Keys.Order(StringComparer.Ordinal))})");
            }
            else if (check.Module is { } module && module != document.Module)
            {
                problems.Add($"documentation[{i}].satisfiedBy '{item.SatisfiedBy}' belongs to module '{module}', not to module '{document.Module}'");
            }
            else if (item.SatisfiedBy == DocumentationChecks.Notes && item.ValueSet is null)
            {
                problems.Add($"documentation[{i}].valueSet is required: '{DocumentationChecks.Notes}' finds notes by their type's value set");
            }
        }
    }

    [GeneratedRegex(@"\{[^{}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
