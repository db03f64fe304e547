using System.Text.Json;
using Cds.FhirMapping.Fhir;

namespace Cds.FhirMapping.Tests;

/// <summary>
/// A resource with a value of the wrong JSON type is unreadable (counted, never used, never a crash later); unknown
/// elements and malformed dates stay lenient (issue 12).
/// </summary>
public sealed class PocoShapeTests
{
    [Theory]
    [InlineData("""{"resourceType":"Condition","subject":{"reference":"Patient/p"},"id":"c","code":[1]}""")]
    [InlineData("""{"resourceType":"Condition","subject":{"reference":"Patient/p"},"id":"c","onsetDateTime":42}""")]
    [InlineData("""{"resourceType":"Condition","subject":{"reference":"Patient/p"},"id":true}""")]
    [InlineData("""{"resourceType":"Condition","subject":{"reference":"Patient/p"},"id":"c","clinicalStatus":"active"}""")]
    [InlineData("""{"resourceType":"Condition","subject":{"reference":"Patient/p"},"id":"c","code":{"coding":"text"}}""")]
    [InlineData("""{"resourceType":"Condition","subject":{"reference":"Patient/p"},"id":"c","code":{"coding":[{"code":{"x":1}}]}}""")]
    [InlineData("""{"resourceType":"Observation","subject":{"reference":"Patient/p"},"id":"o","status":"final","code":{"text":"chimerism"},"valueQuantity":{"value":"abc"}}""")]
    public void GivenAResourceWithAValueOfTheWrongType_WhenRead_ThenItIsUnreadableAndExtractionDoesNotThrow(string json)
    {
        // Arrange
        using var document = JsonDocument.Parse(json);

        // Act
        var record = ClinicalRecord.Parse([document.RootElement], "p");
        var facts = new FactExtractor(FhirMapping.Engine.PolicyFiles.LoadDefault()).Extract(record);

        // Assert
        Assert.Equal(1, record.Unreadable);
        Assert.NotNull(facts);
    }

    [Theory]
    [InlineData("""{"resourceType":"Condition","subject":{"reference":"Patient/p"},"id":"c","code":{"text":"AML"},"unknownElement":5}""")]
    [InlineData("""{"resourceType":"Condition","subject":{"reference":"Patient/p"},"id":"c","code":{"text":"AML"},"recordedDate":"2024-13-99"}""")]
    [InlineData("""{"resourceType":"Condition","id":"c","code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"C92.02"}]},"subject":{"reference":"Patient/p"}}""")]
    public void GivenAResourceThatIsOnlyOffSpecOrValid_WhenRead_ThenItIsKept(string json)
    {
        // Arrange
        using var document = JsonDocument.Parse(json);

        // Act
        var record = ClinicalRecord.Parse([document.RootElement], "p");

        // Assert
        Assert.Equal(0, record.Unreadable);
        Assert.Equal(1, record.Count);
    }

    [Fact]
    public void GivenAResourceWhoseSubjectHasTheWrongType_WhenRead_ThenItIsNotThePatientsAndIsNeverRead()
    {
        // Arrange
        using var document = JsonDocument.Parse("""{"resourceType":"Procedure","id":"p","status":"completed","subject":42}""");

        // Act
        var record = ClinicalRecord.Parse([document.RootElement], "p");

        // Assert
        Assert.Equal(["Procedure/p"], record.NotThisPatient);
        Assert.Equal(0, record.Count);
    }
}
