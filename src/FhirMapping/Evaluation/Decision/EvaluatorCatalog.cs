using System.Collections.Frozen;
using Cds.FhirMapping.Evaluation.Generic;
using Cds.FhirMapping.Modules.Dli;

namespace Cds.FhirMapping.Evaluation.Decision;

/// <summary>Every evaluator a policy file may name, generic and of each module, by name.</summary>
internal static class EvaluatorCatalog
{
    public static FrozenDictionary<string, EvaluatorKind> All { get; } =
        GenericEvaluators.All.Concat(DliEvaluators.All).ToFrozenDictionary(k => k.Name, StringComparer.Ordinal);
}
