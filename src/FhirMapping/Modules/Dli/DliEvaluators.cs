using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Evaluation.Criteria;
using Cds.FhirMapping.Evaluation.Decision;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Modules.Dli;

/// <summary>
/// The DLI module's evaluators, named in the policy file's tree. Each is bound to its criterion id (its texts and review
/// items name it); the criteria read relative to the transplant read what <c>dli.priorAllogeneicHct</c> found.
/// </summary>
internal static class DliEvaluators
{
    public const string PriorAllogeneicHct = "dli.priorAllogeneicHct";
    public const string RelapsedOrRefractory = "dli.relapsedOrRefractory";
    public const string HighRelapseRisk = "dli.highRelapseRisk";
    public const string MixedChimerism = "dli.mixedChimerism";
    public const string OtherIndication = "dli.otherIndication";
    public const string GeneticModification = "dli.geneticModification";

    /// <summary>Documentation check: the transplant's or the order's indication is on record.</summary>
    public const string Indication = "dli.indication";

    /// <summary>The module's documentation checks.</summary>
    public static IReadOnlyList<KeyValuePair<string, DocumentationCheck>> DocumentationChecks { get; } =
    [
        new(Indication, new(DliModule.Name, (facts, order) => order.HasIndication || facts.Transplants.Any(t => t.Indications.Count > 0))),
    ];

    public static IReadOnlyList<EvaluatorKind> All { get; } =
    [
        new(PriorAllogeneicHct, DliModule.Name, (_, _, writer) => new Transplant(new TransplantCriterion(writer))) { FixedId = CriterionIds.PriorAllogeneicHct },
        new(RelapsedOrRefractory, DliModule.Name, (_, _, writer) =>
        {
            var criterion = new DiseaseStatusCriterion(writer);
            return new AfterTransplant((f, when, undated, _) => criterion.Evaluate(f, when, undated), AttestedAnswers.AboutDiseaseStatus);
        })
        {
            FixedId = CriterionIds.RelapsedOrRefractory,
            Requires = [PriorAllogeneicHct],
        },
        new(HighRelapseRisk, DliModule.Name, (policy, _, writer) =>
        {
            var criterion = new RelapseRiskCriterion(writer, policy.Thresholds, policy.Conditioning);
            return new AfterTransplant((f, when, undated, _) => criterion.Evaluate(f, when, undated), AttestedAnswers.AboutRelapseRisk);
        })
        {
            FixedId = CriterionIds.HighRelapseRisk,
            Requires = [PriorAllogeneicHct],
        },
        new(MixedChimerism, DliModule.Name, (policy, _, writer) =>
        {
            var criterion = new ChimerismCriterion(writer, policy.Thresholds);
            return new AfterTransplant((f, when, _, _) => criterion.Evaluate(f, when), AttestedAnswers.AboutChimerism);
        })
        {
            FixedId = CriterionIds.MixedChimerism,
            Requires = [PriorAllogeneicHct],
        },
        new(OtherIndication, DliModule.Name, (policy, _, writer) =>
        {
            var criterion = new OtherIndicationCriterion(writer, policy.ValueSet(PolicyNames.ValueSets.NonMalignantIndication));
            return new AfterTransplant((f, _, _, order) => criterion.Evaluate(f, order), AttestedAnswers.AboutIndication);
        })
        {
            FixedId = CriterionIds.OtherIndication,
        },
        new(GeneticModification, DliModule.Name, (_, _, writer) => new OnTheOrder(new GeneticModificationCriterion(writer))) { FixedId = CriterionIds.GeneticModification },
    ];

    // HCT: the latest allogeneic transplant's time is what the criteria after it are read against.
    private sealed class Transplant(TransplantCriterion criterion) : ICriterionEvaluator
    {
        public (CriterionResult Result, object? Product) Evaluate(CriterionContext context, ClinicalFacts facts) => criterion.Evaluate(facts, context.Today);

        public IEnumerable<Evidence> Answers(ClinicalFacts facts) => AttestedAnswers.AboutTransplant(facts);
    }

    // A criterion read relative to the transplant HCT found (null when it found none; undated when it is met without a date).
    private sealed class AfterTransplant(
        Func<ClinicalFacts, EffectiveTime?, bool, OrderFacts, CriterionResult> evaluate,
        Func<ClinicalFacts, IEnumerable<Evidence>> answers) : ICriterionEvaluator
    {
        public (CriterionResult Result, object? Product) Evaluate(CriterionContext context, ClinicalFacts facts)
        {
            var (hct, product) = context.Earlier(PriorAllogeneicHct);
            var when = product as EffectiveTime;
            return (evaluate(facts, when, hct.Status == CriterionStatus.Met && when is null, context.Order), null);
        }

        public IEnumerable<Evidence> Answers(ClinicalFacts facts) => answers(facts);
    }

    // IV reads the order alone; DTR answers play no part.
    private sealed class OnTheOrder(GeneticModificationCriterion criterion) : ICriterionEvaluator
    {
        public (CriterionResult Result, object? Product) Evaluate(CriterionContext context, ClinicalFacts facts) => (criterion.Evaluate(context.Order), null);

        public IEnumerable<Evidence> Answers(ClinicalFacts facts) => [];
    }
}
