using Cds.FhirMapping.Evaluation.Decision;
using Cds.FhirMapping.Evaluation.Generic;
using Cds.FhirMapping.Modules.Dli;

namespace Cds.FhirMapping.Modules;

/// <summary>What a policy file may name: the generic evaluators and documentation checks, and every module's.</summary>
internal static class ModuleCatalog
{
    public static EvaluationCatalog All { get; } = new(
        GenericEvaluators.All.Concat(DliEvaluators.All),
        DocumentationChecks.Generic.Concat(DliEvaluators.DocumentationChecks));
}
