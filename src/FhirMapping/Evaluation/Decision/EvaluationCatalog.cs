using System.Collections.Frozen;

namespace Cds.FhirMapping.Evaluation.Decision;

/// <summary>
/// Every evaluator and documentation check a policy file may name, by name: the generic ones and each module's. Made
/// once where the modules are composed (<c>Modules.ModuleCatalog</c>) and handed to the evaluator and to the policy
/// file's validator, so the generic machinery never names a module.
/// </summary>
internal sealed class EvaluationCatalog(IEnumerable<EvaluatorKind> evaluators, IEnumerable<KeyValuePair<string, DocumentationCheck>> documentation)
{
    public FrozenDictionary<string, EvaluatorKind> Evaluators { get; } = evaluators.ToFrozenDictionary(k => k.Name, StringComparer.Ordinal);

    public FrozenDictionary<string, DocumentationCheck> Documentation { get; } = documentation.ToFrozenDictionary(StringComparer.Ordinal);
}
