using Cds.FhirMapping.Evaluation.Decision;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation.Generic;

/// <summary>The evaluators any policy file may name, with the checks of their parameters.</summary>
internal static class GenericEvaluators
{
    public const string CodedRecord = "coded-record";
    public const string ObservationValue = "observation-value";

    /// <summary>The resource types a <c>coded-record</c> leaf may read (by their <c>code</c>).</summary>
    public static IReadOnlyList<string> CodedResources { get; } = ["Condition", "Procedure", "Observation"];

    public static IReadOnlyList<EvaluatorKind> All { get; } =
    [
        new(CodedRecord, null, (_, node, writer) => new CodedRecordCriterion(writer, node.AbsentIsNotMet)) { Validate = ValidateCoded },
        new(ObservationValue, null, (_, node, writer) => new ObservationValueCriterion(writer, node.AtLeast, node.Below, node.Unit!, node.AbsentIsNotMet)) { Validate = ValidateObservation },
    ];

    /// <summary>The resource type a generic leaf reads (an <c>observation-value</c> leaf reads Observations).</summary>
    public static string ResourceOf(NodeDocument node) => node.Evaluator == ObservationValue ? "Observation" : node.Resource ?? string.Empty;

        private static void ValidateCoded(NodeDocument node, string path, PolicyDocument document, List<string> problems)
    {
        if (node.Resource is null || !CodedResources.Contains(node.Resource, StringComparer.Ordinal))
        {
            problems.Add($"{path}.resource '{node.Resource}' must be one of {string.Join(", ", CodedResources)}");
        }

        if (node.AtLeast is not null || node.Below is not null || node.Unit is not null)
        {
            problems.Add($"{path} sets atLeast, below or unit, which evaluator '{CodedRecord}' does not take");
        }

        Common(node, path, document, problems);
    }

    private static void ValidateObservation(NodeDocument node, string path, PolicyDocument document, List<string> problems)
    {
        if (node.Resource is not (null or "Observation"))
        {
            problems.Add($"{path}.resource '{node.Resource}' must be Observation (or left out)");
        }

        if ((node.AtLeast is null) == (node.Below is null))
        {
            problems.Add($"{path} must give exactly one of atLeast or below");
        }

        if (string.IsNullOrWhiteSpace(node.Unit))
        {
            problems.Add($"{path}.unit is required (the UCUM unit of the threshold)");
        }

        Common(node, path, document, problems);
    }

    private static void Common(NodeDocument node, string path, PolicyDocument document, List<string> problems)
    {
        if (node.ValueSet is null || !document.ValueSets.ContainsKey(node.ValueSet))
        {
            problems.Add($"{path}.valueSet '{node.ValueSet}' names no value set under valueSets");
        }

        if (node.Absent is not (null or "unknown" or "not-met"))
        {
            problems.Add($"{path}.absent '{node.Absent}' must be 'unknown' or 'not-met'");
        }
    }
}
