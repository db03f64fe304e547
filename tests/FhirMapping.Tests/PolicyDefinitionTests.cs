using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Tests;

public sealed class PolicyDefinitionTests
{
    private static readonly PolicyDefinition Policy = PolicyFiles.LoadDefault();

    [Theory]
    [InlineData("heme-in-relapse", "http://hl7.org/fhir/sid/icd-10-cm", "C92.02", true)]
    [InlineData("heme-in-relapse", "http://hl7.org/fhir/sid/icd-10-cm", "C9202", true)]
    [InlineData("heme-in-relapse", "http://hl7.org/fhir/sid/icd-10-cm", "c92.a2", true)]
    [InlineData("heme-in-relapse", "http://hl7.org/fhir/sid/icd-10-cm", "C92.01", false)]
    [InlineData("heme-in-relapse", "http://snomed.info/sct", "C92.02", false)]
    [InlineData("heme-malignancy", "http://hl7.org/fhir/sid/icd-10-cm", "C83.30", true)]
    [InlineData("heme-malignancy", "http://hl7.org/fhir/sid/icd-10-cm", "D47.1", true)]
    [InlineData("heme-malignancy", "http://hl7.org/fhir/sid/icd-10-cm", "D47.2", false)]
    [InlineData("solid-malignancy", "http://hl7.org/fhir/sid/icd-10-cm", "C50.911", true)]
    [InlineData("solid-malignancy", "http://hl7.org/fhir/sid/icd-10-cm", "C92.00", false)]
    [InlineData("hct-allogeneic", "http://www.cms.gov/Medicare/Coding/ICD10", "30233Y3", true)]
    [InlineData("hct-allogeneic", "http://www.cms.gov/Medicare/Coding/ICD10", "30233Y0", false)]
    [InlineData("hct-autologous", "http://www.cms.gov/Medicare/Coding/ICD10", "30233Y0", true)]
    [InlineData("t-cell-depleted-graft", "http://www.ama-assn.org/go/cpt", "38210", true)]
    [InlineData("t-cell-depleted-graft", "urn:oid:2.16.840.1.113883.6.12", "38210", true)]
    public void GivenACode_WhenMatchedAgainstAValueSet_ThenTheResultFollowsThePolicyFile(string valueSet, string system, string code, bool expected)
    {
        // Act
        var contains = Policy.ValueSet(valueSet).Contains(system, code);

        // Assert
        Assert.Equal(expected, contains);
    }

    [Fact]
    public void GivenTheEmbeddedPolicy_WhenLoaded_ThenCriterionIReadsAllOfIAtoIC()
    {
        Assert.Equal("all", Policy.Rule.Combinator);
        Assert.Equal(["I.A", "I.B", "I.C"], Policy.Rule.Of);
        Assert.Equal(95m, Policy.Thresholds.FullDonorChimerismPercent);
    }
}
