using Cds.FhirMapping.Evaluation.Criteria;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation.Decision;

/// <summary>
/// An evaluator a leaf of the criteria tree may name: generic (<see cref="Module"/> null) or a module's. A module
/// evaluator may be bound to one criterion id (<see cref="FixedId"/>: its texts and review items name that criterion),
/// and may read what earlier leaves found (<see cref="Requires"/>).
/// </summary>
internal sealed record EvaluatorKind(
    string Name,
    string? Module,
    Func<PolicyDefinition, NodeDocument, CriterionWriter, ICriterionEvaluator> Create)
{
    public string? FixedId { get; init; }

    /// <summary>Evaluators that must be leaves earlier in the tree.</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];

    /// <summary>Checks the leaf's parameters; each problem names its key path.</summary>
    public Action<NodeDocument, string, PolicyDocument, List<string>> Validate { get; init; } = NoParameters;

    /// <summary>A module evaluator takes no parameters in the file.</summary>
    public static void NoParameters(NodeDocument node, string path, PolicyDocument document, List<string> problems)
    {
        if (node.Resource is not null || node.ValueSet is not null || node.AtLeast is not null || node.Below is not null || node.Unit is not null || node.Absent is not null)
        {
            problems.Add($"{path} sets resource, valueSet, atLeast, below, unit or absent, which evaluator '{node.Evaluator}' does not take");
        }
    }
}
