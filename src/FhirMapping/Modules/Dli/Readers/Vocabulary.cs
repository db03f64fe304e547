using System.Text.RegularExpressions;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Text;
using P = Cds.FhirMapping.Policy.PolicyNames.Patterns;
using V = Cds.FhirMapping.Policy.PolicyNames.ValueSets;
using ValueSet = Cds.FhirMapping.Policy.ValueSet;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>
/// The policy file's value sets and text patterns as the readers use them: each name is looked up here, once, at
/// start-up (a missing one fails loading), and the readers share this one instance.
/// </summary>
internal sealed class Vocabulary(PolicyDefinition policy)
{
    public PolicyDefinition Policy { get; } = policy;

    public TextEvidence Text => Policy.Text;

    public ValueSet Heme { get; } = policy.ValueSet(V.HemeMalignancy);
    public ValueSet HemeReview { get; } = policy.ValueSet(V.HemeMalignancyReview);
    public ValueSet Solid { get; } = policy.ValueSet(V.SolidMalignancy);
    public ValueSet InRelapse { get; } = policy.ValueSet(V.HemeInRelapse);
    public ValueSet InRemission { get; } = policy.ValueSet(V.HemeInRemission);
    public ValueSet NotAchievedRemission { get; } = policy.ValueSet(V.HemeNotAchievedRemission);
    public ValueSet StatusRelapse { get; } = policy.ValueSet(V.StatusRelapse);
    public ValueSet StatusRefractory { get; } = policy.ValueSet(V.StatusRefractory);
    public ValueSet StatusRemission { get; } = policy.ValueSet(V.StatusRemission);
    public ValueSet DiseaseStatusObservation { get; } = policy.ValueSet(V.DiseaseStatusObservation);
    public ValueSet HctAllogeneic { get; } = policy.ValueSet(V.HctAllogeneic);
    public ValueSet HctAutologous { get; } = policy.ValueSet(V.HctAutologous);
    public ValueSet HctUnspecified { get; } = policy.ValueSet(V.HctUnspecified);
    public ValueSet AllogeneicSignal { get; } = policy.ValueSet(V.AllogeneicSignal);
    public ValueSet TCellDepleted { get; } = policy.ValueSet(V.TCellDepletedGraft);
    public ValueSet Unmanipulated { get; } = policy.ValueSet(V.UnmanipulatedGraft);
    public ValueSet Chimerism { get; } = policy.ValueSet(V.ChimerismObservation);
    public ValueSet ChimerismRecipient { get; } = policy.ValueSet(V.ChimerismRecipientFraction);
    public ValueSet Notes { get; } = policy.ValueSet(V.ClinicalNotes);
    public ValueSet GeneticModification { get; } = policy.ValueSet(V.GeneticModification);
    public ValueSet NonMalignant { get; } = policy.ValueSet(V.NonMalignantIndication);

    public Regex ReducedIntensityText { get; } = policy.Pattern(P.ReducedIntensity);
    public Regex MyeloablativeText { get; } = policy.Pattern(P.Myeloablative);
    public Regex TCellDepletedText { get; } = policy.Pattern(P.TCellDepleted);
    public Regex NotTCellDepletedText { get; } = policy.Pattern(P.NotTCellDepleted);
    public Regex InVivoDepletionText { get; } = policy.Pattern(P.InVivoTCellDepletion);
    public Regex ConditioningText { get; } = policy.Pattern(P.Conditioning);
    public Regex InvestigationalText { get; } = policy.Pattern(P.InvestigationalTransplant);
    public Regex ChimerismText { get; } = policy.Pattern(P.ChimerismObservation);
    public Regex RecipientText { get; } = policy.Pattern(P.ChimerismRecipient);
    public Regex DonorText { get; } = policy.Pattern(P.ChimerismDonor);
    public Regex GeneticModificationText { get; } = policy.Pattern(P.GeneticModification);

    public Regex OtherIndicationText { get; } = policy.Pattern(P.OtherIndication);
    public Regex HctText { get; } = policy.Pattern(P.Hct);
    public Regex AllogeneicText { get; } = policy.Pattern(P.Allogeneic);
    public Regex AutologousText { get; } = policy.Pattern(P.Autologous);

    /// <summary>Code systems the policy file knows: a record coded in one of them is read by its code, not its words.</summary>
    public HashSet<string> KnownSystems { get; } = policy.Document.Systems.Values.SelectMany(uris => uris).ToHashSet(StringComparer.Ordinal);
}
