using Cds.FhirMapping.Fhir;

namespace Cds.FhirMapping.Tests;

/// <summary>
/// Which references name the patient (<see cref="PatientBinding.Names"/>): "Patient/{id}", an absolute URL ending in
/// "/Patient/{id}", either with "/_history/{version}"; nothing else, however close.
/// </summary>
public sealed class PatientBindingTests
{
    [Theory]
    [InlineData("Patient/p1", true)]
    [InlineData("Patient/p1/_history/3", true)]
    [InlineData("https://ehr.example.org/fhir/Patient/p1", true)]
    [InlineData("https://ehr.example.org/fhir/Patient/p1/_history/3", true)]
    [InlineData("/Patient/p1", true)]
    [InlineData("Patient/p12", false)]
    [InlineData("Patient/xp1", false)]
    [InlineData("Patient/p1x", false)]
    [InlineData("XPatient/p1", false)]
    [InlineData("https://ehr.example.org/fhir/MyPatient/p1", false)]
    [InlineData("Group/p1", false)]
    [InlineData("p1", false)]
    [InlineData("Patient/", false)]
    [InlineData("Patient/p1/_history/", true)]
    [InlineData("Patient/p2/_history/p1", false)]
    [InlineData("", false)]
    public void GivenAReference_WhenAskedWhetherItNamesPatientP1_ThenOnlyThePatientsOwnReferencesDo(string reference, bool expected)
    {
        // Act
        var names = PatientBinding.Names(reference, "p1");

        // Assert
        Assert.Equal(expected, names);
    }
}
