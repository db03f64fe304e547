using Cds.FhirMapping.Evaluation.Conditioning;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests.Conditioning;

/// <summary>
/// The classifier on its own, under both definitions in the policy file: where Bacigalupo 2009 (the default) and the
/// CIBMTR operational definition differ, the same regimen is classified differently; where they agree, alike.
/// </summary>
public sealed class ConditioningClassifierTests
{
    [Theory]
    [InlineData("melphalan", 140, null, null, "ReducedIntensity", "ReducedIntensity")]
    [InlineData("melphalan", 150, null, null, "Myeloablative", "ReducedIntensity")]
    [InlineData("melphalan", 151, null, null, "Myeloablative", "Myeloablative")]
    [InlineData("busulfan", 9, "oral", null, "Myeloablative", "ReducedIntensity")]
    [InlineData("busulfan", 9.1, "oral", null, "Myeloablative", "Myeloablative")]
    [InlineData("busulfan", 7.2, "intravenous", null, "Myeloablative", "ReducedIntensity")]
    [InlineData("busulfan", 7.3, "intravenous", null, "Myeloablative", "Myeloablative")]
    [InlineData("tbi", 5, null, 1, "Myeloablative", "ReducedIntensity")]
    [InlineData("tbi", 8, null, 4, "Myeloablative", "ReducedIntensity")]
    [InlineData("tbi", 8.1, null, 4, "Myeloablative", "Myeloablative")]
    [InlineData("tbi", 2, null, 1, "NonMyeloablative", "NonMyeloablative")]
    public void GivenFludarabinePlusOneAgent_WhenClassifiedByEachDefinition_ThenTheThresholdsOfThatDefinitionDecide(string agent, double total, string? route, int? fractions, string bacigalupo, string cibmtr)
    {
        // Arrange
        var terms = Dli.Policy.Conditioning;
        var other = terms.AgentById(agent)!.Document;
        AgentTotal[] regimen =
        [
            new("fludarabine", "Flu", "mg/m2", 150, "intravenous", null, 5, []),
            new(agent, other.Abbreviation, other.Unit, (decimal)total, route, fractions, 1, []),
        ];

        // Act
        var byBacigalupo = ConditioningClassifier.Classify(regimen, terms.Document.Definitions["bacigalupo-2009"]);
        var byCibmtr = ConditioningClassifier.Classify(regimen, terms.Document.Definitions["cibmtr"]);

        // Assert
        Assert.Equal(bacigalupo, byBacigalupo.Intensity.ToString());
        Assert.Equal(cibmtr, byCibmtr.Intensity.ToString());
        Assert.Contains("per CIBMTR", byCibmtr.Statement, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenTheShippedPolicy_WhenItsDefaultIsRead_ThenItIsBacigalupo2009AndTheOtherStaysSelectable()
    {
        // Act
        var conditioning = Dli.Policy.Conditioning;

        // Assert
        Assert.Equal("bacigalupo-2009", conditioning.Document.DefaultDefinition);
        Assert.Equal("Bacigalupo 2009", conditioning.Definition.Label);
        Assert.Contains("cibmtr", conditioning.Document.Definitions.Keys);
        Assert.False(conditioning.Document.CountInVivoDepletionAsTCellDepleted);
    }

    [Fact]
    public void GivenADoseOfUnknownAmount_WhenItHasAThreshold_ThenTheRegimenIsUnknownWithTheReason()
    {
        // Arrange
        AgentTotal[] regimen =
        [
            new("fludarabine", "Flu", "mg/m2", 150, null, null, 5, []),
            new("busulfan", "Bu", "mg/kg", null, "intravenous", null, 2, [], "896 mg on record without a body weight near the conditioning"),
        ];

        // Act
        var result = ConditioningClassifier.Classify(regimen, Dli.Policy.Conditioning.Definition);

        // Assert
        Assert.Equal(ConditioningIntensity.Unknown, result.Intensity);
        Assert.Equal("Flu 150 mg/m² + Bu (dose unknown) IV: intensity unknown per Bacigalupo 2009 (Bu dose unknown: 896 mg on record without a body weight near the conditioning)", result.Statement);
    }

    [Fact]
    public void GivenARegimen_WhenClassifiedTwice_ThenTheAnswerIsTheSame()
    {
        // Arrange
        AgentTotal[] regimen = [new("fludarabine", "Flu", "mg/m2", 150, null, null, 5, [new Evidence("MedicationAdministration", "a", null, null, null, null, null)])];

        // Act
        var first = ConditioningClassifier.Classify(regimen, Dli.Policy.Conditioning.Definition);
        var second = ConditioningClassifier.Classify(regimen, Dli.Policy.Conditioning.Definition);

        // Assert: fludarabine alone is not a named regimen
        Assert.Equal(first, second);
        Assert.Equal(ConditioningIntensity.Unknown, first.Intensity);
    }
}
