using System.Collections.Frozen;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation.Decision;

/// <summary>The policy file's criteria tree, compiled: nodes by id, and the combinators' statuses from their children.</summary>
internal sealed class DecisionTree
{
    private readonly FrozenDictionary<string, NodeDocument> _nodes;

    public DecisionTree(DecisionDocument decision)
    {
        _nodes = decision.Tree.ToFrozenDictionary(n => n.Id, StringComparer.Ordinal);
        Leaves = [.. decision.Tree.Where(n => n.Evaluator is not null)];
    }

    /// <summary>The leaves, in the order they are evaluated.</summary>
    public IReadOnlyList<NodeDocument> Leaves { get; }

    public NodeDocument this[string id] => _nodes[id];

    public bool Contains(string id) => _nodes.ContainsKey(id);

    /// <summary>The status of a node: a leaf's from <paramref name="leaves"/>, a combinator's from its children.</summary>
    public CriterionStatus Status(string id, IReadOnlyDictionary<string, CriterionResult> leaves)
    {
        var node = _nodes[id];
        if (node.Evaluator is not null)
        {
            return leaves[id].Status;
        }

        if (node.Not is { } child)
        {
            return Status(child, leaves) switch
            {
                CriterionStatus.Met => CriterionStatus.NotMet,
                CriterionStatus.NotMet => CriterionStatus.Met,
                _ => CriterionStatus.Unknown,
            };
        }

        // Counted in one pass (the outcome rules ask for the same combinators many times per decision).
        var children = node.Children;
        var count = children.Count;
        int met = 0, notMet = 0;
        for (var i = 0; i < count; i++)
        {
            switch (Status(children[i], leaves))
            {
                case CriterionStatus.Met:
                    met++;
                    break;
                case CriterionStatus.NotMet:
                    notMet++;
                    break;
            }
        }

        return node.Any is not null
            ? met > 0 ? CriterionStatus.Met
                : notMet == count ? CriterionStatus.NotMet
                : CriterionStatus.Unknown
            : met == count ? CriterionStatus.Met
                : notMet > 0 ? CriterionStatus.NotMet
                : CriterionStatus.Unknown;
    }

    /// <summary>The leaves under a node (itself, for a leaf), depth first in the order the tree lists the children.</summary>
    public IEnumerable<string> LeavesUnder(string id)
    {
        var node = _nodes[id];
        return node.Evaluator is not null ? [id] : node.Children.SelectMany(LeavesUnder);
    }
}
