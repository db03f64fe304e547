using System.Collections.Frozen;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Modules.Dli;

namespace Cds.FhirMapping.Evaluation.Decision;

/// <summary>
/// How a documentation item of the policy file is found on record (its <c>satisfiedBy</c>): generic checks, and the
/// modules' own. An item whose check finds nothing is listed as documentation to supply.
/// </summary>
internal static class DocumentationChecks
{
    /// <summary>A note whose type is in the item's value set (e.g. a history and physical).</summary>
    public const string Notes = "notes";

    /// <summary>The order states its indication (<c>reasonCode</c> or <c>reasonReference</c>).</summary>
    public const string OrderReason = "order-reason";

    public static FrozenDictionary<string, (string? Module, Func<ClinicalFacts, OrderFacts, bool> Present)> All { get; } =
        new Dictionary<string, (string? Module, Func<ClinicalFacts, OrderFacts, bool> Present)>(StringComparer.Ordinal)
        {
            [Notes] = (null, (facts, _) => facts.Notes.Count > 0),
            [OrderReason] = (null, (_, order) => order.HasIndication),
            [DliEvaluators.Indication] = (DliModule.Name, (facts, order) => order.HasIndication || facts.Transplants.Any(t => t.Indications.Count > 0)),
        }.ToFrozenDictionary(StringComparer.Ordinal);
}
