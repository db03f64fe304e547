using Cds.FhirMapping.Evaluation;

namespace Cds.FhirMapping.Tests;

/// <summary>
/// One row of the policy case table: which fixture resources make up the patient's record, which DLI order is placed, and
/// what the decision must be. <see cref="Statuses"/> lists all seven criteria as <c>M</c> (met), <c>N</c> (not met) or
/// <c>U</c> (unknown). <see cref="Cites"/> and <see cref="DoesNotCite"/> use the <see cref="Fixtures.Citation"/> notation.
/// <see cref="Missing"/> is the exact list of criteria reported as missing data.
/// </summary>
internal sealed record PolicyCase
{
    public required string Name { get; init; }

    public required string[] Record { get; init; }

    public string Order { get; init; } = "ServiceRequest/sr-dli-38242";

    public required DecisionOutcome Outcome { get; init; }

    public required string Deciding { get; init; }

    public required string Statuses { get; init; }

    public string[] Cites { get; init; } = [];

    public string[] DoesNotCite { get; init; } = [];

    public string[] Missing { get; init; } = [];

    /// <summary>The exact list of criteria a reviewer must check (conflicts, words only, tentative, unreadable data).</summary>
    public string[] Review { get; init; } = [];
}

/// <summary>
/// The case table. Timeline of the fixture patient (Ana Rivera, pat-dli-001): AML diagnosed 2023-02-14, allogeneic HCT
/// 2024-03-12, relapse 2025-04-22, chimerism drawn 2025-05-02 / 2025-05-20, DLI ordered 2025-06-10, evaluated 2025-06-16.
/// </summary>
internal static class PolicyCaseTable
{
    // Present in every case unless a case is about their absence: the payer's Coverage and an H&P note.
    private static readonly string[] Context = ["Coverage/cov-regence-ppo", "DocumentReference/doc-hp-2025"];

    private const string AmlDiagnosis = "Condition/cond-aml-dx-2023"; // C92.00, onset before the HCT: no current status
    private const string AmlRelapse = "Condition/cond-aml-relapse-2025"; // C92.02, onset 2025-04-22
    private const string AmlRemission = "Condition/cond-aml-remission-2024"; // C92.01 + clinicalStatus remission, 2024-05-20
    private const string HctTCellDepleted = "Procedure/proc-hct-allo-tcd-2024"; // PCS 30233U3, 2024-03-12
    private const string HctUnrelated = "Procedure/proc-hct-allo-mud-2024"; // CPT 38240 + PCS 30233Y3 (unmanipulated), 2024-03-12
    private const string HctCptOnly = "Procedure/proc-hct-allo-cpt-2024"; // CPT 38240 (OID system), no graft details
    private const string ReducedIntensity = "Procedure/proc-conditioning-ric-2024";
    private const string Myeloablative = "Procedure/proc-conditioning-mac-2024";
    private const string MixedCd3 = "Observation/obs-chim-cd3-mixed-2025"; // LOINC 102113-8, 82% donor

    public static readonly PolicyCase[] All =
    [
        // ---- Meets criteria: I.A, I.B, I.C and a prior allogeneic HCT, each through a different coding ----
        new()
        {
            Name = "meets: ICD-10-CM C92.02, T-cell depleted graft (PCS 30233U3), mixed CD3 by LOINC 102113-8",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctTCellDepleted, MixedCd3],
            Outcome = DecisionOutcome.MeetsCriteria, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=M II=N III=N IV=N",
            Cites =
            [
                "HCT <- Procedure/proc-hct-allo-tcd-2024 30233U3",
                "I.A <- Condition/cond-aml-relapse-2025 C92.02",
                "I.B <- Procedure/proc-hct-allo-tcd-2024 30233U3",
                "I.C <- Observation/obs-chim-cd3-mixed-2025 102113-8 ~ T-cell: 82% donor",
            ],
            DoesNotCite = ["I.A <- Condition/cond-aml-dx-2023"],
        },
        new()
        {
            Name = "meets: claims ICD-10-CM without the dot (C9202), CPT 38240 under the CPT OID, CPT 38210 T-cell depletion, mixed CD33 (local code + CPT 81268)",
            Record = [.. Context, AmlDiagnosis, "Condition/cond-aml-relapse-claims-c9202", HctCptOnly, "Procedure/proc-graft-tcd-38210-2024", "Observation/obs-chim-cd33-mixed-2025"],
            Order = "ServiceRequest/sr-dli-38242-oid",
            Outcome = DecisionOutcome.MeetsCriteria, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=M II=N III=N IV=N",
            Cites =
            [
                "HCT <- Procedure/proc-hct-allo-cpt-2024 38240",
                "I.A <- Condition/cond-aml-relapse-claims-c9202 C9202",
                "I.B <- Procedure/proc-graft-tcd-38210-2024 38210",
                "I.C <- Observation/obs-chim-cd33-mixed-2025 ENGR-CD33 ~ Myeloid: 88% donor",
            ],
        },
        new()
        {
            Name = "meets: Condition.clinicalStatus relapse on a SNOMED AML, SNOMED 58390007 HCT, nonmyeloablative conditioning, recipient-fraction cfDNA (LOINC 103154-1)",
            Record = [.. Context, "Condition/cond-aml-relapse-status", "Procedure/proc-hct-allo-snomed-2024", "Procedure/proc-conditioning-nma-2024", "Observation/obs-chim-recipient-cfdna-2025"],
            Outcome = DecisionOutcome.MeetsCriteria, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=M II=N III=N IV=N",
            Cites =
            [
                "HCT <- Procedure/proc-hct-allo-snomed-2024 58390007",
                "I.A <- Condition/cond-aml-relapse-status 91861009 ~ Relapse",
                "I.B <- Procedure/proc-conditioning-nma-2024 367336001 ~ Nonmyeloablative",
                "I.C <- Observation/obs-chim-recipient-cfdna-2025 103154-1 ~ 87.5% donor (12.5% recipient)",
            ],
        },
        new()
        {
            Name = "meets: SNOMED relapse phase in Condition.stage.summary, unmanipulated graft with reduced-intensity conditioning, lineage panel full in CD3 but mixed in CD33",
            Record = [.. Context, "Condition/cond-aml-relapse-stage", HctUnrelated, ReducedIntensity, "Observation/obs-chim-panel-2025"],
            Outcome = DecisionOutcome.MeetsCriteria, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=M II=N III=N IV=N",
            Cites =
            [
                "HCT <- Procedure/proc-hct-allo-mud-2024 38240",
                "I.A <- Condition/cond-aml-relapse-stage 91861009 ~ Relapse phase",
                "I.B <- Procedure/proc-conditioning-ric-2024 367336001 ~ Reduced-intensity",
                "I.C <- Observation/obs-chim-panel-2025 ENGR-SEP-CD33 ~ Myeloid: 84% donor",
            ],
            DoesNotCite = ["I.C <- Observation/obs-chim-panel-2025 ENGR-SEP-CD3"],
        },
        new()
        {
            Name = "meets: mCODE disease status 97509-4 'worsened' after an earlier remission, the latest status decides",
            Record = [.. Context, AmlDiagnosis, AmlRemission, "Observation/obs-disease-status-2025", HctTCellDepleted, MixedCd3],
            Outcome = DecisionOutcome.MeetsCriteria, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=M II=N III=N IV=N",
            Cites = ["I.A <- Observation/obs-disease-status-2025 97509-4 ~ worsened"],
            DoesNotCite = ["I.A <- Condition/cond-aml-remission-2024"],
        },
        new()
        {
            Name = "meets: the order's reasonCode C92.02 states the relapse when the problem list has only the pre-transplant diagnosis",
            Record = [.. Context, AmlDiagnosis, HctTCellDepleted, MixedCd3],
            Order = "ServiceRequest/sr-dli-reason-relapse",
            Outcome = DecisionOutcome.MeetsCriteria, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=M II=N III=N IV=N",
            Cites = ["I.A <- ServiceRequest/sr-dli-reason-relapse C92.02"],
        },
        new()
        {
            Name = "meets: full donor in CD3 but mixed in CD33 (separate Observations, same draw) counts as mixed",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctTCellDepleted, "Observation/obs-chim-cd3-full-2025", "Observation/obs-chim-cd33-mixed-2025"],
            Outcome = DecisionOutcome.MeetsCriteria, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=M II=N III=N IV=N",
            Cites = ["I.C <- Observation/obs-chim-cd33-mixed-2025 ENGR-CD33 ~ Myeloid: 88% donor"],
            DoesNotCite = ["I.C <- Observation/obs-chim-cd3-full-2025"],
        },
        new()
        {
            Name = "needs review: chronic GVHD (D89.811) with Z94.84 transplant status implies the allogeneic graft, but without its date the relapse and the conditioning cannot be tied to it",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, "Condition/cond-hct-status-z9484", "Condition/cond-gvhd-chronic-2024", ReducedIntensity, MixedCd3],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=U I.B=U I.C=M II=U III=N IV=N",
            Cites = ["HCT <- Condition/cond-gvhd-chronic-2024 D89.811", "HCT <- Observation/obs-chim-cd3-mixed-2025"],
            Review = ["I.A", "I.B"],
        },
        new()
        {
            Name = "needs review: chimerism testing alone implies the allogeneic graft, but without its date the relapse and the graft processing cannot be tied to it",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, "Procedure/proc-graft-tcd-38210-2024", "Observation/obs-chim-cd33-mixed-2025"],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=U I.B=U I.C=M II=U III=N IV=N",
            Cites = ["HCT <- Observation/obs-chim-cd33-mixed-2025 ENGR-CD33"],
            Review = ["I.A", "I.B"],
        },
        new()
        {
            Name = "meets: a second allogeneic HCT scheduled next month (status preparation) does not move the transplant date",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctTCellDepleted, "Procedure/proc-hct-allo-planned-2025", MixedCd3],
            Outcome = DecisionOutcome.MeetsCriteria, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=M II=N III=N IV=N",
            Cites = ["HCT <- Procedure/proc-hct-allo-tcd-2024 30233U3", "I.C <- Observation/obs-chim-cd3-mixed-2025"],
            DoesNotCite = ["* <- Procedure/proc-hct-allo-planned-2025"],
        },
        new()
        {
            Name = "meets: a restaging marrow biopsy (CPT 38222) whose text mentions allo-HCT is not a transplant and does not make later records stale",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctTCellDepleted, MixedCd3, "Procedure/proc-bm-biopsy-2025"],
            Outcome = DecisionOutcome.MeetsCriteria, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=M II=N III=N IV=N",
            Cites = ["HCT <- Procedure/proc-hct-allo-tcd-2024 30233U3", "I.C <- Observation/obs-chim-cd3-mixed-2025"],
            DoesNotCite = ["* <- Procedure/proc-bm-biopsy-2025"],
        },
        new()
        {
            Name = "meets: a prior DLI (CPT 38242) 'after allo-HCT' is not itself a transplant, so the HCT's graft window still applies",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctTCellDepleted, "Procedure/proc-dli-prior-2024", MixedCd3],
            Outcome = DecisionOutcome.MeetsCriteria, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=M II=N III=N IV=N",
            Cites = ["HCT <- Procedure/proc-hct-allo-tcd-2024 30233U3", "I.B <- Procedure/proc-hct-allo-tcd-2024 30233U3"],
            DoesNotCite = ["* <- Procedure/proc-dli-prior-2024"],
        },
        new()
        {
            Name = "needs review: a prior DLI (CPT 38242) with no transplant record implies the allogeneic graft, but not when it was",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, "Procedure/proc-dli-prior-2024", ReducedIntensity, MixedCd3],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=U I.B=U I.C=M II=U III=N IV=N",
            Cites = ["HCT <- Procedure/proc-dli-prior-2024 38242 ~ implies a prior allogeneic graft"],
            Review = ["I.A", "I.B"],
        },

        // ---- II: not medically necessary, on positive evidence only ----
        new()
        {
            Name = "not medically necessary: AML in remission after the HCT (C92.01, clinicalStatus remission)",
            Record = [.. Context, AmlDiagnosis, AmlRemission, HctTCellDepleted, MixedCd3],
            Outcome = DecisionOutcome.NotMedicallyNecessary, Deciding = "II",
            Statuses = "HCT=M I.A=N I.B=M I.C=M II=M III=N IV=N",
            Cites = ["I.A <- Condition/cond-aml-remission-2024 C92.01", "II <- Condition/cond-aml-remission-2024 C92.01"],
        },
        new()
        {
            Name = "not medically necessary: full donor chimerism in every lineage tested (CD3 99%, CD33 98%)",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctTCellDepleted, "Observation/obs-chim-cd3-full-2025", "Observation/obs-chim-cd33-full-2025"],
            Outcome = DecisionOutcome.NotMedicallyNecessary, Deciding = "II",
            Statuses = "HCT=M I.A=M I.B=M I.C=N II=M III=N IV=N",
            Cites =
            [
                "I.C <- Observation/obs-chim-cd3-full-2025 ENGR-CD3T ~ T-cell: 99% donor",
                "I.C <- Observation/obs-chim-cd33-full-2025 ENGR-CD33 ~ Myeloid: 98% donor",
                "II <- Observation/obs-chim-cd3-full-2025",
            ],
        },
        new()
        {
            Name = "not medically necessary: an older mixed CD3 result (2024-09) superseded by a later full-donor CD3 result (2025-05)",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctTCellDepleted, "Observation/obs-chim-cd3-mixed-2024", "Observation/obs-chim-cd3-full-2025"],
            Outcome = DecisionOutcome.NotMedicallyNecessary, Deciding = "II",
            Statuses = "HCT=M I.A=M I.B=M I.C=N II=M III=N IV=N",
            Cites = ["I.C <- Observation/obs-chim-cd3-full-2025 ENGR-CD3T ~ T-cell: 99% donor"],
            DoesNotCite = ["* <- Observation/obs-chim-cd3-mixed-2024"],
        },
        new()
        {
            Name = "not medically necessary: cancelled and entered-in-error mixed results are ignored, the final full-donor results stand",
            Record =
            [
                .. Context, AmlDiagnosis, AmlRelapse, HctTCellDepleted, "Observation/obs-chim-cd3-full-2025", "Observation/obs-chim-cd33-full-2025",
                "Observation/obs-chim-cd3-cancelled-2025", "Observation/obs-chim-cd33-entered-in-error-2025",
            ],
            Outcome = DecisionOutcome.NotMedicallyNecessary, Deciding = "II",
            Statuses = "HCT=M I.A=M I.B=M I.C=N II=M III=N IV=N",
            Cites = ["I.C <- Observation/obs-chim-cd3-full-2025", "I.C <- Observation/obs-chim-cd33-full-2025"],
            DoesNotCite = ["* <- Observation/obs-chim-cd3-cancelled-2025", "* <- Observation/obs-chim-cd33-entered-in-error-2025"],
        },
        new()
        {
            // The conditioning intensity is only in words: "not met" on words alone is for review, never a denial.
            Name = "needs review: unmanipulated graft (PCS 30233Y3) with myeloablative Bu/Cy conditioning stated only in words",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctUnrelated, Myeloablative, MixedCd3],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=U I.C=M II=U III=N IV=N",
            Cites =
            [
                "I.B <- Procedure/proc-hct-allo-mud-2024 30233Y3",
                "I.B <- Procedure/proc-conditioning-mac-2024 367336001 ~ Myeloablative",
            ],
            Review = ["I.B"],
        },
        new()
        {
            Name = "needs review: only the transplant note says the graft was not T-cell depleted and conditioning was myeloablative",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, "Procedure/proc-hct-allo-sibling-2024", MixedCd3],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=U I.C=M II=U III=N IV=N",
            Review = ["I.B"],
            Cites =
            [
                "I.B <- Procedure/proc-hct-allo-sibling-2024 38240 ~ not T-cell depleted",
                "I.B <- Procedure/proc-hct-allo-sibling-2024 38240 ~ myeloablative",
            ],
        },
        new()
        {
            Name = "not medically necessary: several allogeneic HCTs, the first graft's T-cell depletion (2020) and chimerism (2021) do not count for the second",
            Record =
            [
                .. Context, AmlDiagnosis, AmlRelapse, "Procedure/proc-hct-allo-tcd-2020", HctUnrelated, Myeloablative,
                "Observation/obs-chim-unsorted-mixed-2021", "Observation/obs-chim-cd3-full-2025",
            ],
            Outcome = DecisionOutcome.NotMedicallyNecessary, Deciding = "II",
            Statuses = "HCT=M I.A=M I.B=U I.C=N II=M III=N IV=N",
            Review = ["I.B"],
            Cites =
            [
                "HCT <- Procedure/proc-hct-allo-tcd-2020 30233U3",
                "HCT <- Procedure/proc-hct-allo-mud-2024 38240",
                "I.B <- Procedure/proc-hct-allo-mud-2024 30233Y3",
                "I.C <- Observation/obs-chim-cd3-full-2025",
            ],
            DoesNotCite = ["I.B <- Procedure/proc-hct-allo-tcd-2020", "I.C <- Observation/obs-chim-unsorted-mixed-2021"],
        },
        new()
        {
            Name = "not medically necessary: a solid tumour (breast, C50.911) is the only malignancy",
            Record = [.. Context, "Condition/cond-breast-cancer-2021"],
            Outcome = DecisionOutcome.NotMedicallyNecessary, Deciding = "II",
            Statuses = "HCT=U I.A=N I.B=U I.C=U II=M III=N IV=N",
            Cites = ["I.A <- Condition/cond-breast-cancer-2021 C50.911", "II <- Condition/cond-breast-cancer-2021 C50.911"],
            Missing = ["HCT", "I.B", "I.C"],
        },
        new()
        {
            Name = "not medically necessary: only an autologous HCT on record (myeloma; CPT 38241, PCS 30233Y0)",
            Record = [.. Context, "Condition/cond-myeloma-relapse-2025", "Procedure/proc-hct-auto-2019"],
            Outcome = DecisionOutcome.NotMedicallyNecessary, Deciding = "II",
            Statuses = "HCT=N I.A=M I.B=U I.C=U II=M III=N IV=N",
            Cites =
            [
                "HCT <- Procedure/proc-hct-auto-2019 38241",
                "II <- Procedure/proc-hct-auto-2019 38241",
                "I.A <- Condition/cond-myeloma-relapse-2025 C90.02",
            ],
            Missing = ["I.B", "I.C"],
        },

        // ---- III and IV: investigational ----
        new()
        {
            Name = "investigational (III): sickle cell disease, no malignancy on record",
            Record = [.. Context, "Condition/cond-sickle-cell", "Procedure/proc-hct-allo-sickle-2022", "Observation/obs-chim-recipient-cfdna-2025"],
            Outcome = DecisionOutcome.Investigational, Deciding = "III",
            Statuses = "HCT=M I.A=U I.B=U I.C=M II=U III=M IV=N",
            Cites =
            [
                "HCT <- Procedure/proc-hct-allo-sickle-2022 30233G2",
                "III <- Condition/cond-sickle-cell D57.1",
                "III <- Procedure/proc-hct-allo-sickle-2022 D57.1 ~ transplant indication",
            ],
            Missing = ["I.A", "I.B"],
        },
        new()
        {
            // Only a note says "research protocol": III is never decided on words alone, so criterion I met is not paid either.
            Name = "needs review (III): a note says the allogeneic HCT was itself on a research protocol, though criterion I is met",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, "Procedure/proc-hct-allo-investigational-2024", ReducedIntensity, MixedCd3],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=M II=N III=U IV=N",
            Review = ["III"],
            Cites = ["III <- Procedure/proc-hct-allo-investigational-2024 38240"],
        },
        new()
        {
            Name = "investigational (IV) over criterion I met: HSV-TK suicide-gene transduced cells in the order's code text",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctTCellDepleted, MixedCd3],
            Order = "ServiceRequest/sr-dli-gm-code-text",
            Outcome = DecisionOutcome.Investigational, Deciding = "IV",
            Statuses = "HCT=M I.A=M I.B=M I.C=M II=N III=N IV=M",
            Cites = ["IV <- ServiceRequest/sr-dli-gm-code-text ~ HSV-TK"],
        },
        new()
        {
            Name = "investigational (IV) over II: genetically modified product in orderDetail, AML in remission",
            Record = [.. Context, AmlDiagnosis, AmlRemission, HctTCellDepleted, MixedCd3],
            Order = "ServiceRequest/sr-dli-gm-order-detail",
            Outcome = DecisionOutcome.Investigational, Deciding = "IV",
            Statuses = "HCT=M I.A=N I.B=M I.C=M II=M III=N IV=M",
            Cites = ["IV <- ServiceRequest/sr-dli-gm-order-detail ~ genetically modified"],
        },
        new()
        {
            Name = "investigational (IV) over III: CAR T cells in the order note, non-malignant indication",
            Record = [.. Context, "Condition/cond-sickle-cell", "Procedure/proc-hct-allo-sickle-2022", "Observation/obs-chim-recipient-cfdna-2025"],
            Order = "ServiceRequest/sr-dli-gm-note-car",
            Outcome = DecisionOutcome.Investigational, Deciding = "IV",
            Statuses = "HCT=M I.A=U I.B=U I.C=M II=U III=M IV=M",
            Cites = ["IV <- ServiceRequest/sr-dli-gm-note-car ~ CAR T"],
            Missing = ["I.A", "I.B"],
        },
        new()
        {
            Name = "investigational (IV) over missing data: 'transduced' in the patient instruction, nothing clinical on record",
            Record = [.. Context],
            Order = "ServiceRequest/sr-dli-gm-transduced",
            Outcome = DecisionOutcome.Investigational, Deciding = "IV",
            Statuses = "HCT=U I.A=U I.B=U I.C=U II=U III=N IV=M",
            Cites = ["IV <- ServiceRequest/sr-dli-gm-transduced ~ transduced"],
            Missing = ["HCT", "I.A", "I.B", "I.C"],
        },

        // ---- Cannot be determined: absence of evidence is missing data ----
        new()
        {
            Name = "cannot be determined: no HCT on record",
            Record = [.. Context, AmlDiagnosis, AmlRelapse],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=U I.A=M I.B=U I.C=U II=U III=N IV=N",
            Cites = ["I.A <- Condition/cond-aml-relapse-2025 C92.02"],
            Missing = ["HCT", "I.B", "I.C"],
        },
        new()
        {
            Name = "cannot be determined: Z94.84 stem cells transplant status only, donor type unknown",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, "Condition/cond-hct-status-z9484"],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=U I.A=M I.B=U I.C=U II=U III=N IV=N",
            Cites = ["HCT <- Condition/cond-hct-status-z9484 Z94.84"],
            Missing = ["HCT", "I.B", "I.C"],
        },
        new()
        {
            Name = "cannot be determined: the only relapse on record predates the HCT (stale)",
            Record = [.. Context, AmlDiagnosis, "Condition/cond-aml-relapse-pre-hct", HctTCellDepleted, MixedCd3],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=U I.B=M I.C=M II=U III=N IV=N",
            Cites = ["I.A <- Condition/cond-aml-dx-2023 C92.00"],
            DoesNotCite = ["I.A <- Condition/cond-aml-relapse-pre-hct ~ relapse"],
            Missing = ["I.A"],
        },
        new()
        {
            Name = "cannot be determined: the relapse diagnoses after the HCT are entered-in-error or refuted",
            Record = [.. Context, AmlDiagnosis, "Condition/cond-aml-relapse-entered-in-error", "Condition/cond-aml-relapse-refuted", HctTCellDepleted, MixedCd3],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=U I.B=M I.C=M II=U III=N IV=N",
            Cites = ["I.A <- Condition/cond-aml-dx-2023 C92.00"],
            DoesNotCite = ["* <- Condition/cond-aml-relapse-entered-in-error", "* <- Condition/cond-aml-relapse-refuted"],
            Missing = ["I.A"],
        },
        new()
        {
            Name = "cannot be determined: HCT coded CPT 38240 only, neither graft processing nor conditioning on record",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctCptOnly, MixedCd3],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=U I.C=M II=U III=N IV=N",
            Missing = ["I.B"],
        },
        new()
        {
            Name = "cannot be determined: unmanipulated graft (PCS 30233Y3) but no conditioning intensity",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctUnrelated, MixedCd3],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=U I.C=M II=U III=N IV=N",
            Cites = ["I.B <- Procedure/proc-hct-allo-mud-2024 30233Y3"],
            Missing = ["I.B"],
        },
        new()
        {
            Name = "cannot be determined: myeloablative conditioning but no graft processing",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctCptOnly, Myeloablative, MixedCd3],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=U I.C=M II=U III=N IV=N",
            Cites = ["I.B <- Procedure/proc-conditioning-mac-2024 367336001"],
            Missing = ["I.B"],
        },
        new()
        {
            Name = "cannot be determined: no chimerism result on record",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, HctTCellDepleted],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=U II=U III=N IV=N",
            Missing = ["I.C"],
        },
        new()
        {
            Name = "cannot be determined: several HCTs, the old autologous transplant's myeloablative conditioning (2019) does not count for the allogeneic one (2024)",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, "Procedure/proc-hct-auto-2019", HctUnrelated, MixedCd3],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=U I.C=M II=U III=N IV=N",
            Cites = ["HCT <- Procedure/proc-hct-allo-mud-2024 38240", "I.B <- Procedure/proc-hct-allo-mud-2024 30233Y3"],
            DoesNotCite = ["* <- Procedure/proc-hct-auto-2019"],
            Missing = ["I.B"],
        },
        new()
        {
            Name = "cannot be determined: the only chimerism result predates the latest allogeneic HCT",
            Record = [.. Context, AmlDiagnosis, AmlRelapse, "Procedure/proc-hct-allo-tcd-2020", HctTCellDepleted, "Observation/obs-chim-unsorted-mixed-2021"],
            Outcome = DecisionOutcome.CannotBeDetermined, Deciding = "I",
            Statuses = "HCT=M I.A=M I.B=M I.C=U II=U III=N IV=N",
            Cites = ["I.C <- Observation/obs-chim-unsorted-mixed-2021"],
            Missing = ["I.C"],
        },
    ];

    public static PolicyCase Get(string name) => All.Single(c => c.Name == name);
}
