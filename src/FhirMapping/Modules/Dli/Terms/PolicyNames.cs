namespace Cds.FhirMapping.Policy;

/// <summary>
/// Every value-set and text-pattern name the code looks up, declared once. The policy file must define each of them
/// (and nothing else): <see cref="PolicyDefinition"/> refuses a file that lacks one or names one not listed here.
/// </summary>
public static class PolicyNames
{
    /// <summary>Names under <c>valueSets</c>.</summary>
    public static class ValueSets
    {
        public const string HemeMalignancy = "heme-malignancy";
        public const string HemeMalignancyReview = "heme-malignancy-review";
        public const string SolidMalignancy = "solid-malignancy";
        public const string HemeInRelapse = "heme-in-relapse";
        public const string HemeInRemission = "heme-in-remission";
        public const string HemeNotAchievedRemission = "heme-not-achieved-remission";
        public const string StatusRelapse = "status-relapse";
        public const string StatusRefractory = "status-refractory";
        public const string StatusRemission = "status-remission";
        public const string DiseaseStatusObservation = "disease-status-observation";
        public const string HctAllogeneic = "hct-allogeneic";
        public const string HctAutologous = "hct-autologous";
        public const string HctUnspecified = "hct-unspecified";
        public const string AllogeneicSignal = "allogeneic-signal";
        public const string TCellDepletedGraft = "t-cell-depleted-graft";
        public const string UnmanipulatedGraft = "unmanipulated-graft";
        public const string ChimerismObservation = "chimerism-observation";
        public const string ChimerismRecipientFraction = "chimerism-recipient-fraction";
        public const string ClinicalNotes = "clinical-notes";
        public const string GeneticModification = "genetic-modification";
        public const string NonMalignantIndication = "non-malignant-indication";

        /// <summary>All of them: the policy file defines exactly these.</summary>
        public static IReadOnlyList<string> All { get; } =
        [
            HemeMalignancy, HemeMalignancyReview, SolidMalignancy, HemeInRelapse, HemeInRemission, HemeNotAchievedRemission,
            StatusRelapse, StatusRefractory, StatusRemission, DiseaseStatusObservation, HctAllogeneic, HctAutologous,
            HctUnspecified, AllogeneicSignal, TCellDepletedGraft, UnmanipulatedGraft, ChimerismObservation,
            ChimerismRecipientFraction, ClinicalNotes, GeneticModification, NonMalignantIndication,
        ];
    }

    /// <summary>Names under <c>textPatterns</c>.</summary>
    public static class Patterns
    {
        public const string ReducedIntensity = "reduced-intensity";
        public const string Myeloablative = "myeloablative";
        public const string TCellDepleted = "t-cell-depleted";
        public const string NotTCellDepleted = "not-t-cell-depleted";

        /// <summary>ATG, alemtuzumab, post-transplant cyclophosphamide: in vivo, never an ex vivo T-cell depleted graft.</summary>
        public const string InVivoTCellDepletion = "in-vivo-t-cell-depletion";
        public const string Conditioning = "conditioning";
        public const string InvestigationalTransplant = "investigational-transplant";
        public const string ChimerismObservation = "chimerism-observation";
        public const string ChimerismRecipient = "chimerism-recipient";
        public const string ChimerismDonor = "chimerism-donor";
        public const string GeneticModification = "genetic-modification";
        public const string Hct = "hct";
        public const string Allogeneic = "allogeneic";
        public const string Autologous = "autologous";

        /// <summary>III: the order's words name another indication (virus-specific T cells, a viral infection, PTLD): for review.</summary>
        public const string OtherIndication = "other-indication";

        /// <summary>All of them: the policy file defines exactly these.</summary>
        public static IReadOnlyList<string> All { get; } =
        [
            ReducedIntensity, Myeloablative, TCellDepleted, NotTCellDepleted, InVivoTCellDepletion, Conditioning,
            InvestigationalTransplant, ChimerismObservation, ChimerismRecipient, ChimerismDonor, GeneticModification, Hct,
            Allogeneic, Autologous, OtherIndication,
        ];
    }
}
