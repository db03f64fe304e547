using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace Cds.FhirMapping.Tests.Dtr;

/// <summary>
/// The SDC 3.0.0 package (which DTR 2.0.1 builds on) is not on this machine, and Firely cannot build the DTR
/// questionnaire profile without the definitions its slices name. This resolver answers only for SDC canonicals the
/// other sources lack, with the R4 core definition of the same kind under the SDC URL: an SDC extension is checked as
/// a plain Extension (its url, one value or nested extensions), the SDC Questionnaire/Library/ValueSet profiles as the
/// core resources. Everything the DTR profile itself says (its snapshot: cardinalities, fixed values, invariants) is
/// still checked; what is lost is only the inside of each SDC extension, which the tests assert by hand.
/// </summary>
internal sealed class SdcStandIns(IAsyncResourceResolver core) : IAsyncResourceResolver
{
    private const string SdcBase = "http://hl7.org/fhir/uv/sdc/StructureDefinition/";

    public Task<Resource?> ResolveByUriAsync(string uri) => ResolveByCanonicalUriAsync(uri);

    public async Task<Resource?> ResolveByCanonicalUriAsync(string uri)
    {
        if (!uri.StartsWith(SdcBase, StringComparison.Ordinal))
        {
            return null;
        }

        var name = uri[SdcBase.Length..];
        var kind = name switch
        {
            "sdc-questionnaire" => "Questionnaire",
            "sdc-questionnaireresponse" => "QuestionnaireResponse",
            "sdc-library" => "Library",
            "sdc-valueset" => "ValueSet",
            _ => "Extension",
        };
        if ((await core.TryResolveByCanonicalUriAsync($"http://hl7.org/fhir/StructureDefinition/{kind}").ConfigureAwait(false)).Value is not StructureDefinition definition)
        {
            return null;
        }

        var standIn = definition.DeepCopy();
        standIn.Url = uri;
        standIn.Name = name.Replace("-", string.Empty, StringComparison.Ordinal);
        if (kind == "Extension")
        {
            // What makes it this extension: its url (the discriminator of every extension slice).
            standIn.Derivation = StructureDefinition.TypeDerivationRule.Constraint;
            standIn.BaseDefinition = "http://hl7.org/fhir/StructureDefinition/Extension";
            standIn.Snapshot!.Element.Single(e => e.Path == "Extension.url").Fixed = new FhirUri(uri);
        }

        return standIn;
    }
}
