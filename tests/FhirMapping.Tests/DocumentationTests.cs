using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests;

/// <summary>
/// The policy's "information needed for review": history and physical / chart notes (DocumentReference type LOINC
/// 34117-2, 11506-3, 11488-4) and the diagnosis and indication for transplant (HCT Procedure.reasonCode/reasonReference or
/// the order's reasonCode/reasonReference).
/// </summary>
public sealed class DocumentationTests
{
    private const string Notes = "History and physical / chart notes";
    private const string Indication = "Diagnosis and indication for transplant";

    // The clinical part of the record meets criterion I; only documentation varies.
    private static readonly string[] Clinical = ["Condition/cond-aml-dx-2023", "Condition/cond-aml-relapse-2025", "Observation/obs-chim-cd3-mixed-2025", "Procedure/proc-graft-tcd-38210-2024"];

    [Theory]
    [InlineData("DocumentReference/doc-hp-2025", "Procedure/proc-hct-allo-mud-2024", "ServiceRequest/sr-dli-38242", "")]
    [InlineData("DocumentReference/doc-progress-2025", "Procedure/proc-hct-allo-mud-2024", "ServiceRequest/sr-dli-38242", "")]
    [InlineData("DocumentReference/doc-consult-2025", "Procedure/proc-hct-allo-mud-2024", "ServiceRequest/sr-dli-38242", "")]
    [InlineData(null, "Procedure/proc-hct-allo-mud-2024", "ServiceRequest/sr-dli-38242", Notes)]
    [InlineData("DocumentReference/doc-hp-entered-in-error", "Procedure/proc-hct-allo-mud-2024", "ServiceRequest/sr-dli-38242", Notes)]
    // Indication from the HCT: reasonReference, reasonCode; or from the order's reasonCode
    [InlineData("DocumentReference/doc-hp-2025", "Procedure/proc-hct-allo-mud-2024", "ServiceRequest/sr-dli-38242-oid", "")]
    [InlineData("DocumentReference/doc-hp-2025", "Procedure/proc-hct-allo-snomed-2024", "ServiceRequest/sr-dli-38242-oid", "")]
    [InlineData("DocumentReference/doc-hp-2025", "Procedure/proc-hct-allo-cpt-2024", "ServiceRequest/sr-dli-reason-relapse", "")]
    [InlineData("DocumentReference/doc-hp-2025", "Procedure/proc-hct-allo-cpt-2024", "ServiceRequest/sr-dli-38242-oid", Indication)]
    [InlineData(null, "Procedure/proc-hct-allo-cpt-2024", "ServiceRequest/sr-dli-38242-oid", Notes + "|" + Indication)]
    public void GivenNotesTransplantAndOrder_WhenEvaluated_ThenDocumentationListsExactlyWhatIsMissing(string? note, string hct, string order, string expectedMissing)
    {
        // Arrange
        string[] record = note is null ? [.. Clinical, hct] : [.. Clinical, hct, note];

        // Act
        var decision = Dli.Decide(record, order);

        // Assert
        var expected = expectedMissing.Split('|', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, decision.Documentation.Select(d => d.What));
        Assert.All(decision.Documentation, d => Assert.Equal("Documentation", d.Criterion));
        Assert.All(decision.Documentation, d => Assert.False(string.IsNullOrWhiteSpace(d.HowToSupply)));

        // Missing documentation never changes the clinical decision.
        Assert.Equal(Evaluation.DecisionOutcome.MeetsCriteria, decision.Outcome);
    }
}
