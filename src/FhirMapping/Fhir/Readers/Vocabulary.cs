using System.Text.RegularExpressions;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Text;
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

    public ValueSet Heme { get; } = policy.ValueSet("heme-malignancy");
    public ValueSet HemeReview { get; } = policy.ValueSet("heme-malignancy-review");
    public ValueSet Solid { get; } = policy.ValueSet("solid-malignancy");
    public ValueSet InRelapse { get; } = policy.ValueSet("heme-in-relapse");
    public ValueSet InRemission { get; } = policy.ValueSet("heme-in-remission");
    public ValueSet NotAchievedRemission { get; } = policy.ValueSet("heme-not-achieved-remission");
    public ValueSet StatusRelapse { get; } = policy.ValueSet("status-relapse");
    public ValueSet StatusRefractory { get; } = policy.ValueSet("status-refractory");
    public ValueSet StatusRemission { get; } = policy.ValueSet("status-remission");
    public ValueSet DiseaseStatusObservation { get; } = policy.ValueSet("disease-status-observation");
    public ValueSet HctAllogeneic { get; } = policy.ValueSet("hct-allogeneic");
    public ValueSet HctAutologous { get; } = policy.ValueSet("hct-autologous");
    public ValueSet HctUnspecified { get; } = policy.ValueSet("hct-unspecified");
    public ValueSet AllogeneicSignal { get; } = policy.ValueSet("allogeneic-signal");
    public ValueSet TCellDepleted { get; } = policy.ValueSet("t-cell-depleted-graft");
    public ValueSet Unmanipulated { get; } = policy.ValueSet("unmanipulated-graft");
    public ValueSet Chimerism { get; } = policy.ValueSet("chimerism-observation");
    public ValueSet ChimerismRecipient { get; } = policy.ValueSet("chimerism-recipient-fraction");
    public ValueSet Notes { get; } = policy.ValueSet("clinical-notes");
    public ValueSet GeneticModification { get; } = policy.ValueSet("genetic-modification");
    public ValueSet NonMalignant { get; } = policy.ValueSet("non-malignant-indication");

    public Regex ReducedIntensityText { get; } = policy.Pattern("reduced-intensity");
    public Regex MyeloablativeText { get; } = policy.Pattern("myeloablative");
    public Regex TCellDepletedText { get; } = policy.Pattern("t-cell-depleted");
    public Regex NotTCellDepletedText { get; } = policy.Pattern("not-t-cell-depleted");
    public Regex InVivoDepletionText { get; } = policy.Pattern("in-vivo-t-cell-depletion");
    public Regex InvestigationalText { get; } = policy.Pattern("investigational-transplant");
    public Regex ChimerismText { get; } = policy.Pattern("chimerism-observation");
    public Regex RecipientText { get; } = policy.Pattern("chimerism-recipient");
    public Regex DonorText { get; } = policy.Pattern("chimerism-donor");
    public Regex GeneticModificationText { get; } = policy.Pattern("genetic-modification");
    public Regex HctText { get; } = policy.Pattern("hct");
    public Regex AllogeneicText { get; } = policy.Pattern("allogeneic");
    public Regex AutologousText { get; } = policy.Pattern("autologous");

    /// <summary>Code systems the policy file knows: a record coded in one of them is read by its code, not its words.</summary>
    public HashSet<string> KnownSystems { get; } = policy.Document.Systems.Values.SelectMany(uris => uris).ToHashSet(StringComparer.Ordinal);
}
