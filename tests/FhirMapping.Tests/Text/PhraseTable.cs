using P = Cds.FhirMapping.Policy.PolicyNames.Patterns;

namespace Cds.FhirMapping.Tests.Text;

/// <summary>
/// Phrases as transplant physicians, nurses, labs, cell-processing staff and pharmacists write them (H&amp;P, progress
/// and procedure notes, order comments, cell-processing reports, questionnaire answers), each with the target pattern
/// of the policy file it is read for and what a clinician reads in it. <c>None</c> means the phrase is not a mention
/// of the target at all. When <c>Phrase</c> is given only that mention is checked; otherwise every mention must have the
/// expected certainty. Written from clinical language, not from the patterns.
/// </summary>
internal static class PhraseTable
{
    public const string None = "None";

    public static TheoryData<string, string, string, string?> Rows { get; } = Build();

    private static TheoryData<string, string, string, string?> Build()
    {
        var rows = new TheoryData<string, string, string, string?>();
        void Row(string pattern, string expected, string text, string? phrase = null) => rows.Add(pattern, expected, text, phrase);

        // The observed failures of issue 10.
        Row(P.TCellDepleted, "Negated", "Graft: PBSC without T-cell depletion");
        Row(P.TCellDepleted, "Negated", "non-T-cell-depleted graft from 8/8 MUD");
        Row(P.NotTCellDepleted, "Confirmed", "non-T-cell-depleted graft from 8/8 MUD");
        Row(P.NotTCellDepleted, "Confirmed", "Graft: PBSC without T-cell depletion");
        Row(P.ReducedIntensity, "Negated", "Conditioning was not reduced-intensity (Bu/Cy).");
        Row(P.GeneticModification, "Negated", "Genetically modified cells?: No");
        Row(P.GeneticModification, "Negated", "Standard donor lymphocytes, not a CAR-T product.");
        Row(P.InvestigationalTransplant, "Negated", "Patient declined the clinical trial and proceeded with standard MUD HCT.");
        Row(P.GeneticModification, None, "Donor infectious disease markers: retrovirus panel non-reactive");
        Row(P.GeneticModification, "Historical", "History: CAR-T in 2023; now unmanipulated DLI", "CAR-T");
        Row(P.NotTCellDepleted, "Confirmed", "History: CAR-T in 2023; now unmanipulated DLI");
        Row(P.GeneticModification, "Confirmed", "No GVHD now and HSV-TK gene-modified cells");

        // Reduced-intensity / non-myeloablative conditioning.
        Row(P.ReducedIntensity, "Confirmed", "Conditioning: reduced-intensity Flu/Mel 140.");
        Row(P.ReducedIntensity, "Confirmed", "RIC regimen (Flu/Bu2) started day -6");
        Row(P.ReducedIntensity, "Confirmed", "RIC (Flu/Mel 100) followed by 8/8 MUD PBSCT");
        Row(P.ReducedIntensity, "Confirmed", "Received nonmyeloablative conditioning with Flu/Cy/TBI 200 cGy.");
        Row(P.ReducedIntensity, "Confirmed", "Non-myeloablative (NMA) regimen: Flu/Cy/TBI 2 Gy");
        Row(P.ReducedIntensity, "Confirmed", "Conditioning intensity: RIC");
        Row(P.ReducedIntensity, "Confirmed", "Reduced-intensity conditioning per BMT CTN 0901, tolerated well.");
        Row(P.ReducedIntensity, "Confirmed", "Flu/Mel RIC was given, but no ATG.");
        Row(P.ReducedIntensity, "Confirmed", "No fevers or chills. Reduced-intensity conditioning completed on day -1.");
        Row(P.ReducedIntensity, "Confirmed", "Gram negative bacteremia during RIC, treated with cefepime.");
        Row(P.ReducedIntensity, "Negated", "Myeloablative conditioning (Bu/Cy), not reduced intensity.");
        Row(P.ReducedIntensity, "Negated", "Reduced intensity conditioning: No");
        Row(P.ReducedIntensity, "Negated", "No RIC; full-intensity Bu/Cy given.");
        Row(P.ReducedIntensity, "Negated", "Not a candidate for non-myeloablative conditioning given disease burden.");
        Row(P.ReducedIntensity, "Negated", "Patient declined reduced-intensity transplant and chose hospice.");
        Row(P.ReducedIntensity, "Hypothetical", "Candidate for reduced-intensity allo-HCT if CR2 is achieved.");
        Row(P.ReducedIntensity, "Hypothetical", "Will discuss RIC versus MAC at transplant conference.");
        Row(P.ReducedIntensity, "Hypothetical", "If relapse occurs, a second RIC allograft could be considered.");
        Row(P.ReducedIntensity, "Tentative", "Possible RIC given comorbidities; final regimen pending.");
        Row(P.ReducedIntensity, "Historical", "s/p RIC MUD allo-HCT 03/2023");
        Row(P.ReducedIntensity, "Historical", "History of reduced-intensity haplo transplant in 2021");
        Row(P.ReducedIntensity, "Family", "Mother received a RIC allograft for AML.");
        Row(P.ReducedIntensity, "Family", "Family history: brother with AML s/p reduced intensity transplant");
        Row(P.ReducedIntensity, "Tentative", "Reduced intensity? Unknown - outside records requested");
        Row(P.ReducedIntensity, None, "Myeloablative Bu/Cy conditioning");

        // Myeloablative conditioning.
        Row(P.Myeloablative, "Confirmed", "Myeloablative conditioning with Bu/Cy.");
        Row(P.Myeloablative, "Confirmed", "MAC regimen: myeloablative TBI/Cy 12 Gy");
        Row(P.Myeloablative, "Confirmed", "Myeloablative conditioning? Yes (Bu4/Cy)");
        Row(P.Myeloablative, "Confirmed", "Myeloablative conditioning, no TBI.");
        Row(P.Myeloablative, "Negated", "Conditioning was not myeloablative.");
        Row(P.Myeloablative, "Negated", "Not eligible for myeloablative conditioning (HCT-CI 5).");
        Row(P.Myeloablative, "Negated", "Myeloablative conditioning: No");
        Row(P.Myeloablative, "Negated", "Myeloablative: n");
        Row(P.Myeloablative, "Hypothetical", "Candidate for myeloablative allo-HCT in CR1.");
        Row(P.Myeloablative, "Hypothetical", "Initially planned myeloablative regimen; switched to Flu/Mel for mucositis risk.");
        Row(P.Myeloablative, "Historical", "Prior myeloablative autologous transplant 2019 for myeloma.");
        Row(P.Myeloablative, None, "Non-myeloablative conditioning with Flu/Cy/TBI");
        Row(P.Myeloablative, None, "nonmyeloablative regimen");

        // T-cell depleted graft (ex vivo).
        Row(P.TCellDepleted, "Confirmed", "CD34+ immunomagnetic selection (CliniMACS); T-cell depleted graft released.");
        Row(P.TCellDepleted, "Confirmed", "T-cell depleted graft");
        Row(P.TCellDepleted, "Confirmed", "Alpha/beta T-cell depleted haploidentical graft infused day 0.");
        Row(P.TCellDepleted, "Confirmed", "αβ T-cell depleted graft from haploidentical father");
        Row(P.TCellDepleted, "Confirmed", "Graft: ex vivo T-cell depleted (CD34 selected)");
        Row(P.TCellDepleted, "Confirmed", "Cell processing: CD3/CD19 depletion performed on day 0.");
        Row(P.TCellDepleted, "Confirmed", "CD34-selected PBSC product, CD3+ dose 2.1 x 10^4/kg");
        Row(P.TCellDepleted, "Confirmed", "CD34+ enriched product released by cell therapy lab");
        Row(P.TCellDepleted, "Confirmed", "Recipient of a T-cell-depleted graft from her sister.");
        Row(P.TCellDepleted, "Confirmed", "Was the graft T-cell depleted? Yes");
        Row(P.TCellDepleted, "Confirmed", "No GVHD, but T-cell depleted graft was used.");
        Row(P.TCellDepleted, "Confirmed", "No CMV reactivation; CD34-selected graft.");
        Row(P.TCellDepleted, "Confirmed", "Denies fevers. T-cell depleted graft per cell therapy lab.");
        Row(P.TCellDepleted, "Confirmed", "No evidence of relapse, however the graft was T-cell depleted.");
        Row(P.TCellDepleted, "Confirmed", "Allergies: none\nGraft: T-cell depleted");
        Row(P.TCellDepleted, "Confirmed", "Not only T-cell depleted but also CD45RA depleted.");
        Row(P.TCellDepleted, "Confirmed", "No increase in GVHD after the T-cell depleted graft.");
        Row(P.TCellDepleted, "Confirmed", "CD3/CD19 negative selection (T-cell depleted)", "T-cell depleted");
        Row(P.TCellDepleted, "Negated", "Graft was not T-cell depleted.");
        Row(P.TCellDepleted, "Negated", "No ex vivo T-cell depletion was performed.");
        Row(P.TCellDepleted, "Negated", "T-cell depletion was not performed.");
        Row(P.TCellDepleted, "Negated", "T-cell depletion: none");
        Row(P.TCellDepleted, "Negated", "TCD graft? No");
        Row(P.TCellDepleted, "Negated", "TCD: N");
        Row(P.TCellDepleted, "Negated", "T-cell depleted graft (Y/N): N");
        Row(P.TCellDepleted, "Negated", "Unmanipulated PBSC graft, not CD34 selected.");
        Row(P.TCellDepleted, "Negated", "Graft: T-cell replete bone marrow (no T-cell depletion)");
        Row(P.TCellDepleted, "Negated", "Unmanipulated bone marrow rather than a CD34-selected graft.");
        Row(P.TCellDepleted, "Hypothetical", "Consider CD34 selection for the second graft.");
        Row(P.TCellDepleted, "Historical", "Prior T-cell depleted haplo graft in 2020, rejected.");
        Row(P.TCellDepleted, "Family", "Her sister received a T-cell depleted transplant in 2015.");
        Row(P.TCellDepleted, None, "In vivo T-cell depletion with ATG (thymoglobulin 4.5 mg/kg)");
        Row(P.TCellDepleted, None, "ATG 4.5 mg/kg given days -3 to -1 for GVHD prophylaxis");
        Row(P.TCellDepleted, None, "Alemtuzumab 20 mg day -3");
        Row(P.TCellDepleted, None, "CD34+ cell dose 5.2 x 10^6/kg");

        // Not T-cell depleted (unmanipulated, T-cell replete).
        Row(P.NotTCellDepleted, "Confirmed", "Unmanipulated peripheral blood stem cell graft");
        Row(P.NotTCellDepleted, "Confirmed", "T-cell replete haploidentical graft with PTCy");
        Row(P.NotTCellDepleted, "Confirmed", "Graft was not T-cell depleted.");
        Row(P.NotTCellDepleted, "Confirmed", "No ex vivo graft manipulation.");
        Row(P.NotTCellDepleted, "Negated", "Not an unmanipulated graft: CD34 selected.");
        Row(P.NotTCellDepleted, "Negated", "Unmanipulated graft? No - CD34 selected");
        Row(P.NotTCellDepleted, "Hypothetical", "If an unmanipulated graft is used, give PTCy.");
        Row(P.NotTCellDepleted, None, "CD34-selected graft");

        // In vivo T-cell depletion (serotherapy, PTCy): kept apart from a T-cell depleted graft.
        Row(P.InVivoTCellDepletion, "Confirmed", "In vivo T-cell depletion with rabbit ATG (thymoglobulin 4.5 mg/kg)");
        Row(P.InVivoTCellDepletion, "Confirmed", "Alemtuzumab 20 mg day -3");
        Row(P.InVivoTCellDepletion, "Confirmed", "GVHD prophylaxis: PTCy, tacrolimus, MMF");
        Row(P.InVivoTCellDepletion, "Confirmed", "Campath-based in vivo T-cell depletion");
        Row(P.InVivoTCellDepletion, "Confirmed", "T-cell depletion with ATG in the conditioning");
        Row(P.InVivoTCellDepletion, "Confirmed", "Post-transplant cyclophosphamide days +3 and +4");
        Row(P.InVivoTCellDepletion, "Negated", "No ATG given.");
        Row(P.InVivoTCellDepletion, "Negated", "ATG was omitted given the haplo donor.");
        Row(P.InVivoTCellDepletion, "Negated", "Thymoglobulin: N");
        Row(P.InVivoTCellDepletion, "Hypothetical", "Consider ATG for the 9/10 MUD.");
        Row(P.InVivoTCellDepletion, None, "CD34+ immunomagnetic selection, T-cell depleted graft");

        // Conditioning records named by their regimen.
        Row(P.Conditioning, "Confirmed", "RIC regimen (Flu/Bu2)");
        Row(P.Conditioning, "Confirmed", "RIC (Flu/Mel 100)");
        Row(P.Conditioning, "Confirmed", "Preparative regimen: Flu/Mel 140");
        Row(P.Conditioning, "Confirmed", "TBI 12 Gy with cyclophosphamide");
        Row(P.Conditioning, "Confirmed", "Fludarabine 30 mg/m2 days -5 to -2");
        Row(P.Conditioning, "Confirmed", "Bu/Cy");
        Row(P.Conditioning, "Negated", "No TBI.");
        Row(P.Conditioning, "Hypothetical", "Conditioning to be determined at transplant conference.");
        Row(P.Conditioning, None, "Tacrolimus level 8.2 ng/mL");

        // Investigational transplant (III).
        Row(P.InvestigationalTransplant, "Confirmed", "Transplanted on clinical trial NCT01234567 (haplo-cord).");
        Row(P.InvestigationalTransplant, "Confirmed", "Enrolled on research protocol 2019-0456 (investigational haplo-cord).");
        Row(P.InvestigationalTransplant, "Negated", "Clinical trial enrollment - declined");
        Row(P.InvestigationalTransplant, "Negated", "Clinical trial participation: declined by patient");
        Row(P.InvestigationalTransplant, "Negated", "Not on a clinical trial.");
        Row(P.InvestigationalTransplant, "Negated", "Standard-of-care transplant, not experimental.");
        Row(P.InvestigationalTransplant, "Negated", "Investigational product? No");
        Row(P.InvestigationalTransplant, "Negated", "Clinical trial? Declined");
        Row(P.InvestigationalTransplant, "Negated", "Research protocol: none");
        Row(P.InvestigationalTransplant, "Negated", "The patient was offered a clinical trial but declined.");
        Row(P.InvestigationalTransplant, "Negated", "Not eligible for the clinical trial because of prior CNS disease.");
        Row(P.InvestigationalTransplant, "Hypothetical", "Screening for clinical trial eligibility this week.");
        Row(P.InvestigationalTransplant, "Hypothetical", "Would be a candidate for an investigational approach at relapse.");
        Row(P.InvestigationalTransplant, "Hypothetical", "Will discuss the clinical trial option with the family.");
        Row(P.InvestigationalTransplant, "Historical", "Prior enrollment in an investigational study in 2019; standard of care since.");
        Row(P.InvestigationalTransplant, "Tentative", "Clinical trial: N/A");

        // Chimerism results.
        Row(P.ChimerismObservation, "Confirmed", "Peripheral blood chimerism: 82% donor");
        Row(P.ChimerismObservation, "Confirmed", "STR chimerism (CD3-sorted): 64% donor");
        Row(P.ChimerismObservation, "Confirmed", "Bone marrow chimerism (STR): 100% donor");
        Row(P.ChimerismObservation, "Confirmed", "Engraftment analysis by STR: mixed chimerism");
        Row(P.ChimerismObservation, "Confirmed", "Chimerism 55% donor, no GVHD.");
        Row(P.ChimerismObservation, "Confirmed", "XY-FISH on marrow: 88% donor nuclei");
        Row(P.ChimerismObservation, "Tentative", "Chimerism studies pending");
        Row(P.ChimerismObservation, "Hypothetical", "Plan to repeat chimerism in 4 weeks.");
        Row(P.ChimerismObservation, "Hypothetical", "Will check chimerism at day +100.");
        Row(P.ChimerismObservation, "Negated", "Chimerism not done this visit.");
        Row(P.ChimerismObservation, "Negated", "No chimerism results available.");
        Row(P.ChimerismObservation, None, "ANC engraftment on day +14");
        Row(P.ChimerismObservation, None, "Neutrophil engraftment achieved day +18; platelet engraftment day +22");

        // Genetic modification of the lymphocytes (IV).
        Row(P.GeneticModification, "Confirmed", "HSV-TK transduced donor lymphocytes");
        Row(P.GeneticModification, "Confirmed", "Gene-modified product? Yes");
        Row(P.GeneticModification, "Confirmed", "Donor lymphocytes transduced with iCasp9 suicide gene");
        Row(P.GeneticModification, "Confirmed", "CRISPR-edited donor T cells");
        Row(P.GeneticModification, "Confirmed", "TCR-engineered T cells (investigational)");
        Row(P.GeneticModification, "Confirmed", "Suicide gene-modified donor T cells (HSV-TK, Zalmoxis)");
        Row(P.GeneticModification, "Confirmed", "Retroviral vector transduction of donor lymphocytes");
        Row(P.GeneticModification, "Negated", "CAR-T: N");
        Row(P.GeneticModification, "Negated", "Unmodified donor lymphocytes, not genetically engineered.");
        Row(P.GeneticModification, "Negated", "Gene therapy: none");
        Row(P.GeneticModification, "Negated", "Unmanipulated DLI; no gene modification.");
        Row(P.GeneticModification, "Negated", "Not genetically modified.");
        Row(P.GeneticModification, "Negated", "DLI product: genetically modified = no");
        Row(P.GeneticModification, "Negated", "No prior CAR-T.");
        Row(P.GeneticModification, "Negated", "No history of CAR-T therapy.");
        Row(P.GeneticModification, "Negated", "Never received CAR-T or other gene therapy.");
        Row(P.GeneticModification, "Negated", "Denies prior CAR-T.");
        Row(P.GeneticModification, "Negated", "CAR-T cell therapy was considered but not pursued.");
        Row(P.GeneticModification, "Negated", "Chimeric antigen receptor T cells: none received");
        Row(P.GeneticModification, "Negated", "Not a candidate for gene therapy.");
        Row(P.GeneticModification, "Negated", "The product is not gene-modified; standard DLI.");
        Row(P.GeneticModification, "Negated", "Lentiviral vector: not applicable");
        Row(P.GeneticModification, "Historical", "s/p CD19 CAR T-cell therapy (axi-cel) 2022");
        Row(P.GeneticModification, "Historical", "Prior CAR-T (tisa-cel) in 2021, relapsed; now unmanipulated DLI", "CAR-T");
        Row(P.GeneticModification, "Hypothetical", "Candidate for CAR-T if DLI fails.");
        Row(P.GeneticModification, "Hypothetical", "Will discuss CAR T-cell therapy at tumor board.");
        Row(P.GeneticModification, "Tentative", "Possible CAR-T referral after DLI.");
        Row(P.GeneticModification, "Tentative", "Genetically modified? Unknown - confirm with cell therapy lab");
        Row(P.GeneticModification, "Tentative", "HSV-TK: pending");
        Row(P.GeneticModification, "Family", "Brother received CAR-T for lymphoma.");
        Row(P.GeneticModification, "Family", "Family history: sister treated with CAR-T.");
        Row(P.GeneticModification, "Family", "Donor's father had CAR-T for myeloma.");
        Row(P.GeneticModification, None, "Serum thymidine kinase elevated at diagnosis.");
        Row(P.GeneticModification, None, "Careful monitoring of CMV after DLI.");

        // Transplant history (hct).
        Row(P.Hct, "Confirmed", "Allogeneic stem cell transplant on 2023-03-14");
        Row(P.Hct, "Confirmed", "Day +180 after allo-HSCT, mixed chimerism.");
        Row(P.Hct, "Historical", "s/p allo-HCT 3/2023 for AML");
        Row(P.Hct, "Historical", "Status post matched sibling donor HSCT (2022).");
        Row(P.Hct, "Historical", "Previous BMT at an outside center.");
        Row(P.Hct, "Historical", "History of autologous stem cell transplant in 2019.");
        Row(P.Hct, "Negated", "No prior HCT.");
        Row(P.Hct, "Negated", "Bone marrow transplant: none");
        Row(P.Hct, "Hypothetical", "Candidate for allogeneic HCT in CR1.");
        Row(P.Hct, "Hypothetical", "Referred for BMT evaluation.");
        Row(P.Hct, "Hypothetical", "If she relapses, a second HCT may be considered.");
        Row(P.Hct, "Tentative", "Possible PBSCT next month.");
        Row(P.Hct, "Family", "Mother had a bone marrow transplant for AML.");
        Row(P.Hct, None, "Hct 28.5 %, Hgb 9.8 g/dL");

        // Donor type (allogeneic, autologous).
        Row(P.Allogeneic, "Confirmed", "8/8 matched unrelated donor PBSC");
        Row(P.Allogeneic, "Confirmed", "Haploidentical transplant from her son with PTCy");
        Row(P.Allogeneic, "Confirmed", "Sister (10/10 matched sibling donor) is the donor.");
        Row(P.Allogeneic, "Confirmed", "Donor: matched related (brother)");
        Row(P.Allogeneic, "Confirmed", "Allogeneic transplant: yes, 2022 (MUD)");
        Row(P.Allogeneic, "Negated", "Not a candidate for allogeneic transplant.");
        Row(P.Allogeneic, "Negated", "Allogeneic HCT declined by patient.");
        Row(P.Allogeneic, "Historical", "Previous allograft in 2018; now relapsed.");
        Row(P.Allogeneic, "Hypothetical", "MUD search initiated.");
        Row(P.Allogeneic, "Hypothetical", "Cord blood unit search ongoing.");
        Row(P.Allogeneic, "Family", "Her brother had an allogeneic transplant for ALL.");
        Row(P.Allogeneic, None, "HLA haplotype: A*02:01, B*07:02");
        Row(P.Autologous, "Confirmed", "Autologous stem cell transplant 2019 (BEAM)");
        Row(P.Autologous, "Historical", "History of auto-SCT for myeloma.");
        Row(P.Autologous, "Negated", "Not an autologous graft.");
        Row(P.Autologous, "Negated", "ASCT: no");
        Row(P.Autologous, "Hypothetical", "Auto-HCT consolidation was discussed, patient declined.");
        Row(P.Autologous, "Hypothetical", "Candidate for autologous transplant after induction.");
        Row(P.Autologous, "Family", "Father had an autologous transplant for lymphoma.");
        Row(P.Autologous, "Family", "Donor has a history of lymphoma treated with autologous transplant.");

        // Questionnaires, order comments and plans as EHR forms send them.
        Row(P.GeneticModification, "Negated", "Genetically modified product: No\nT-cell depleted: Yes");
        Row(P.TCellDepleted, "Confirmed", "Genetically modified product: No\nT-cell depleted: Yes");
        Row(P.TCellDepleted, "Confirmed", "T-cell depletion: yes (CD34 selection)", "T-cell depletion");
        Row(P.GeneticModification, "Tentative", "CAR-T? N/A");
        Row(P.InvestigationalTransplant, "Negated", "Was the patient enrolled in a clinical trial? No.");
        Row(P.InvestigationalTransplant, "Confirmed", "Clinical trial: yes - NCT04567890");
        Row(P.Hct, "Historical", "Prior HCT: yes (allo, 2021)");
        Row(P.GeneticModification, "Confirmed", "Plan: HSV-TK gene-modified DLI on 6/1 per protocol.");
        Row(P.GeneticModification, "Confirmed", "Consent signed for HSV-TK transduced donor lymphocytes.");
        Row(P.GeneticModification, "Confirmed", "No GVHD. Gene-modified DLI per protocol.");
        Row(P.GeneticModification, "Confirmed", "Donor-derived CD19 CAR-T cells, dose level 2");
        Row(P.GeneticModification, "Negated", "No CAR-T, HSV-TK or other gene-modified cells.", "CAR-T");
        Row(P.GeneticModification, "Tentative", "No CAR-T, HSV-TK or other gene-modified cells.", "HSV-TK");
        Row(P.GeneticModification, "Tentative", "No GVHD, HSV-TK gene-modified cells planned for day +120");
        Row(P.Myeloablative, "Tentative", "Not T-cell depleted, myeloablative Bu/Cy");
        Row(P.GeneticModification, "Negated", "CAR-T referral cancelled after DLI response.");
        Row(P.GeneticModification, "Hypothetical", "Awaiting CAR-T slot at the referral center.");
        Row(P.GeneticModification, "Historical", "CAR-T in 2019 with CRS grade 2.");
        Row(P.GeneticModification, "Historical", "In 2023 she received CAR-T (brexu-cel).");
        Row(P.GeneticModification, "Historical", "CAR-T 2 years ago, relapsed at 9 months.");
        Row(P.GeneticModification, "Negated", "Denies h/o CAR-T.");
        Row(P.GeneticModification, "Family", "Patient's mother was treated with CAR-T for DLBCL.");
        Row(P.NotTCellDepleted, "Confirmed", "DLI #2 scheduled; product: unmanipulated");
        Row(P.ReducedIntensity, "Confirmed", "Conditioning: Flu/Mel (RIC). No TBI.");
        Row(P.ReducedIntensity, "Historical", "54M with AML s/p MUD allo-HCT (RIC Flu/Mel) 2022, now mixed chimerism");
        Row(P.Allogeneic, "Confirmed", "Her son (haploidentical donor) was the stem cell source.", "haploidentical");
        Row(P.Allogeneic, "Confirmed", "Haplo donor: son");
        Row(P.TCellDepleted, "Hypothetical", "If needed, a CD34-selected boost from the same donor.");
        Row(P.ChimerismObservation, "Confirmed", "GVHD, if any, is mild; CD3 chimerism 45% donor");

        Row(P.GeneticModification, "Negated", "Donor lymphocytes (unmanipulated, no gene transfer)");
        Row(P.GeneticModification, "Hypothetical", "CAR-T therapy discussed and deferred.");
        Row(P.GeneticModification, "Negated", "Unmanipulated DLI. CAR-T not indicated at this time.");
        Row(P.GeneticModification, "Negated", "Non-gene-modified donor lymphocytes");
        Row(P.GeneticModification, "Negated", "DLI: genetically modified? no. CAR-T? no.");
        Row(P.InvestigationalTransplant, "Historical", "No longer on the clinical trial after day +100.");
        Row(P.ChimerismObservation, "Confirmed", "Chimerism: 45% donor (CD3), repeat pending");
        Row(P.ChimerismObservation, "Negated", "Donor chimerism not available from the outside lab.");
        Row(P.ReducedIntensity, "Hypothetical", "RIC was considered but MAC chosen.");
        Row(P.ReducedIntensity, "Negated", "Reduced-intensity conditioning was planned but not given.");
        Row(P.TCellDepleted, "Negated", "Product manipulation: CD34 selection - not performed");
        Row(P.TCellDepleted, "Historical", "s/p haplo HCT with CD34+ selection in 2022");

        Row(P.ReducedIntensity, "Confirmed", "T-cell depletion: no. Reduced-intensity conditioning given.");
        Row(P.TCellDepleted, "Negated", "T-cell depletion: no. Reduced-intensity conditioning given.");

        Row(P.Hct, "Family", "No family history of bone marrow transplant.");
        Row(P.GeneticModification, "Family", "Denies family history of lymphoma or CAR-T.");

        Row(P.GeneticModification, "Confirmed", "CAR-T: no, HSV-TK: yes", "HSV-TK");
        Row(P.GeneticModification, "Negated", "CAR-T: no, HSV-TK: yes", "CAR-T");
        Row(P.TCellDepleted, "Confirmed", "Gene modified: No, T-cell depleted: Yes");
        Row(P.InVivoTCellDepletion, "Negated", "Serotherapy: no ATG given");

        Row(P.ReducedIntensity, "Confirmed", "Conditioning intensity: myeloablative? no - reduced intensity");
        Row(P.Myeloablative, "Negated", "Conditioning intensity: myeloablative? no - reduced intensity");
        Row(P.NotTCellDepleted, "Confirmed", "Donor lymphocytes - not genetically modified - no ex vivo manipulation");
        Row(P.GeneticModification, "Negated", "CAR-T not previously given.");
        Row(P.InVivoTCellDepletion, "Confirmed", "Allo PBSCT - T-cell replete - PTCy");
        Row(P.TCellDepleted, None, "Allo PBSCT - T-cell replete - PTCy");

        Row(P.GeneticModification, "Negated", "Genetically modified donor lymphocytes from the original HLA-identical sibling donor?: No");
        Row(P.GeneticModification, "Tentative", "HSV-TK DLI ordered, CMV: negative");
        Row(P.GeneticModification, "Negated", "Will the donor lymphocytes be transduced or otherwise engineered?: No", "transduced");

        Row(P.GeneticModification, "Tentative", "HSV-TK transduction, not performed");
        Row(P.GeneticModification, "Tentative", "HSV-TK DLI ordered, CMV negative");

        Row(P.GeneticModification, "Tentative", "No GVHD and HSV-TK gene-modified cells");
        Row(P.InVivoTCellDepletion, "Negated", "No T-cell depletion with ATG");
        Row(P.InVivoTCellDepletion, "Tentative", "No mucositis and ATG 2.5 mg/kg on day -2");

        return rows;
    }
}
