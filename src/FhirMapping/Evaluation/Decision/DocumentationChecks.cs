using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation.Decision;

/// <summary>
/// How a documentation item of the policy file is found on record (its <c>satisfiedBy</c>): a module's own check names
/// its module; a generic one has none. An item whose check finds nothing is listed as documentation to supply.
/// </summary>
internal readonly record struct DocumentationCheck(string? Module, Func<ClinicalFacts, OrderFacts, bool> Present);

/// <summary>The generic documentation checks (the modules add theirs: <see cref="EvaluationCatalog"/>).</summary>
internal static class DocumentationChecks
{
    /// <summary>A note whose type is in the item's value set (e.g. a history and physical).</summary>
    public const string Notes = "notes";

    /// <summary>The order states its indication (<c>reasonCode</c> or <c>reasonReference</c>).</summary>
    public const string OrderReason = "order-reason";

    public static IReadOnlyList<KeyValuePair<string, DocumentationCheck>> Generic { get; } =
    [
        new(Notes, new(null, (facts, _) => facts.Notes.Count > 0)),
        new(OrderReason, new(null, (_, order) => order.HasIndication)),
    ];
}
