namespace Cds.Service.Policy;

/// <summary>
/// The payer this service answers for (section <c>Cds:Payer</c>): a Coverage is ours when a payor identifier is one of
/// <see cref="Identifiers"/>, or, for a payor recorded without any identifier, when its name starts with one of
/// <see cref="Names"/>. With neither configured, the names default to the insurer (<c>Cds:Insurer</c>, else the policy file's).
/// </summary>
internal sealed class PayerOptions
{
    public const string SectionName = "Cds:Payer";

    /// <summary><c>system|value</c> (e.g. <c>http://hl7.org/fhir/sid/us-npi|1386610063</c>), or a bare value for any system.</summary>
    public List<string> Identifiers { get; set; } = [];

    public List<string> Names { get; set; } = [];
}
