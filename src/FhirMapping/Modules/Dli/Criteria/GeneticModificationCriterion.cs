using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Evaluation.Criteria;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Modules.Dli;

/// <summary>IV: genetically modified donor lymphocytes, from what the order itself says (its codes and its words).</summary>
internal sealed class GeneticModificationCriterion(CriterionWriter writer)
{
    private const string Id = CriterionIds.GeneticModification;

    public CriterionResult Evaluate(OrderFacts order)
    {
        if (order.GeneticModification.Count > 0)
        {
            return writer.Result(Id, CriterionStatus.Met, writer.Summary(Id, CriterionStatus.Met), order.GeneticModification);
        }

        // Neither stated nor ruled out: a product that may be genetically modified is not paid for without a look.
        return order.UncertainGeneticModification.Count > 0
            ? writer.Review(Id, "The order's words leave open whether the lymphocytes are genetically modified", order.UncertainGeneticModification,
                CriterionWriter.Item(Id, "Stated uncertainly on the order", order.UncertainGeneticModification, "confirm the product is unmanipulated donor lymphocytes"))
            : writer.Result(Id, CriterionStatus.NotMet, writer.Summary(Id, CriterionStatus.NotMet), []);
    }
}
