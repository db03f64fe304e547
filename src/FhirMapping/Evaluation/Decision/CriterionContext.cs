using Cds.FhirMapping.Evaluation.Criteria;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation.Decision;

/// <summary>One order's evaluation as a leaf sees it: its id, the order, today, and the leaves decided before it.</summary>
internal sealed class CriterionContext(CriterionWriter writer, OrderFacts order, DateOnly today)
{
    private readonly Dictionary<string, (CriterionResult Result, object? Product)> _byEvaluator = new(StringComparer.Ordinal);

    public CriterionWriter Writer => writer;

    public OrderFacts Order => order;

    public DateOnly Today => today;

    /// <summary>The criterion id of the leaf being evaluated.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Records a decided leaf (after the data-gap rule) for the leaves after it.</summary>
    public void Decided(string evaluator, CriterionResult result, object? product) => _byEvaluator[evaluator] = (result, product);

    /// <summary>What an earlier leaf with that evaluator decided and found (the catalog guarantees it ran first).</summary>
    public (CriterionResult Result, object? Product) Earlier(string evaluator) =>
        _byEvaluator.TryGetValue(evaluator, out var earlier)
            ? earlier
            : throw new InvalidOperationException($"Evaluator '{evaluator}' has not run before '{Id}'.");
}
