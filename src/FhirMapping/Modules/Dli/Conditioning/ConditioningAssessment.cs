using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation.Conditioning;

/// <summary>What the doses on record say about the conditioning of one transplant.</summary>
/// <param name="Classification">The regimen's intensity under the definition in use.</param>
/// <param name="Evidence">The doses, radiation and body measures it rests on.</param>
/// <param name="InVivoDepletion">Doses of in vivo T-cell depleting agents (ATG, alemtuzumab) in the conditioning.</param>
/// <param name="FromOrders">True when the doses are from orders or statements, not administrations.</param>
public sealed record ConditioningAssessment(
    ConditioningClassification Classification,
    IReadOnlyList<Evidence> Evidence,
    IReadOnlyList<Evidence> InVivoDepletion,
    bool FromOrders);
