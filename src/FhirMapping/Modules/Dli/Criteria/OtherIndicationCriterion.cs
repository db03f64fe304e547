using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation.Criteria;

/// <summary>
/// III: DLI for any other indication is investigational: the order's own indication when it is non-malignant (e.g.
/// refractory CMV infection, coded or through <c>reasonReference</c>), a non-malignant transplant indication with no
/// malignancy on record, or an allogeneic HCT that was itself done on a research protocol. "Met" is never decided on
/// words alone (a note that says "clinical trial") or on tentative records: those are for review.
/// </summary>
internal sealed class OtherIndicationCriterion(CriterionWriter writer, ValueSet nonMalignant)
{
    private const string Id = CriterionIds.OtherIndication;

    public CriterionResult Evaluate(ClinicalFacts facts, OrderFacts order)
    {
        // The order says what the DLI is for: a non-malignant reason with no malignant one is another indication.
        var referenced = order.ReasonReferences.ToHashSet(StringComparer.Ordinal);
        var orderNonMalignant = order.NonMalignantReasons
            .Concat(facts.NonMalignantIndications.Where(e => referenced.Contains(e.Reference) && e.Certainty == Certainty.Confirmed))
            .ToList();
        var orderMalignant = order.MalignantReasons.Count > 0 || facts.Malignancies.Any(m => referenced.Contains(m.Evidence.Reference));
        if (orderNonMalignant.Count > 0 && !orderMalignant)
        {
            return writer.Result(Id, CriterionStatus.Met, "The DLI is ordered for a non-malignant indication", orderNonMalignant);
        }

        // The order states what it is for, but in words (or local codes) no value set reads: a reviewer reads them,
        // unless the order also names a malignancy the policy knows.
        if (order.UnreadReasons.Count > 0 && !orderMalignant && orderNonMalignant.Count == 0)
        {
            return writer.Review(Id, "The order's indication is not coded in a system the policy reads", order.UnreadReasons,
                CriterionWriter.Item(Id, "Order indication not coded", order.UnreadReasons, "check that the DLI is ordered for the hematologic malignancy"));
        }

        // The order's own words name another indication (its note: "adenovirus-specific T cells"): whatever its coded
        // reason says, a reviewer reads what is ordered.
        if (order.OtherIndicationWords.Count > 0)
        {
            return writer.Review(Id, "The order's words name an indication other than the hematologic malignancy", order.OtherIndicationWords,
                CriterionWriter.Item(Id, "Order words name another indication", order.OtherIndicationWords, "check what the DLI is ordered for: III makes any other indication investigational"));
        }

                var investigational = facts.Transplants
            .Where(t => t.Donor != DonorType.Autologous)
            .SelectMany(t => t.Investigational)
            .ToList();

        // A non-malignant indication counts only when no malignancy is on record at all.
        if (facts.Malignancies.Count == 0)
        {
            var transplantReasons = facts.Transplants
                .SelectMany(t => t.Indications.Where(c => nonMalignant.Contains(c.System, c.Code)).Select(c => t.Evidence with { System = c.System, Code = c.Code, Display = c.Display, Value = "transplant indication" }));
            var indications = facts.NonMalignantIndications.Where(e => e.Certainty == Certainty.Confirmed).Concat(transplantReasons).ToList();
            if (indications.Count > 0)
            {
                return writer.Result(Id, CriterionStatus.Met, "Non-malignant indication with no malignancy on record", indications);
            }
        }

        if (investigational.Count > 0)
        {
            return writer.Review(Id, "A note says the allogeneic transplant was done on a research protocol", investigational,
                CriterionWriter.Item(Id, "Stated only in text", investigational, "check whether the allogeneic HCT was itself investigational"));
        }

        return writer.Result(Id, CriterionStatus.NotMet, writer.Summary(Id, CriterionStatus.NotMet), []);
    }
}
