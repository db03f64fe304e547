using System.Text.Json.Nodes;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests;

/// <summary>
/// Negated phrases (IV, III), a clinical status dated by when it was recorded, and procedures not yet performed.
/// The base record meets criterion I: AML in relapse, T-cell depleted allogeneic HCT (2024-03-12), mixed CD3.
/// </summary>
public sealed class ReviewFollowUpTests
{
    private static readonly string[] MetRecord =
        ["Condition/cond-aml-relapse-2025", "Procedure/proc-hct-allo-tcd-2024", "Observation/obs-chim-cd3-mixed-2025"];

    [Theory]
    [InlineData("Donor lymphocytes are genetically modified (HSV-TK suicide gene).", CriterionStatus.Met, DecisionOutcome.Investigational)]
    [InlineData("Unmanipulated donor lymphocytes; not genetically modified.", CriterionStatus.NotMet, DecisionOutcome.MeetsCriteria)]
    [InlineData("Standard DLI, no CAR-T or transduced product.", CriterionStatus.NotMet, DecisionOutcome.MeetsCriteria)]
    [InlineData("Standard DLI. Product: CAR-T cells from the donor.", CriterionStatus.Met, DecisionOutcome.Investigational)]
    public void GivenAnOrderNote_WhenGeneticModificationIsNegated_ThenCriterionIVIsNotMet(string note, CriterionStatus iv, DecisionOutcome outcome)
    {
        // Arrange
        var order = FhirFixtures.Resource("ServiceRequest/sr-dli-38242");
        order["note"] = new JsonArray(new JsonObject { ["text"] = note });

        // Act
        var decision = Dli.Decide(FhirFixtures.PatientRecord(MetRecord), MetRecord.Length + 1, Dli.SingleOrder(FhirFixtures.DraftOrders([order])));

        // Assert
        Assert.Equal(iv, decision["IV"].Status);
        Assert.Equal(outcome, decision.Outcome);
    }

    [Theory]
    // Words alone never decide III: a note that says "research protocol" is for review (unknown), not investigational.
    [InlineData("Transplanted on research protocol BMT-2024-07.", CriterionStatus.Unknown)]
    [InlineData("Patient declined the clinical trial; standard-of-care MUD transplant.", CriterionStatus.NotMet)]
    [InlineData("Standard-of-care transplant, not on a clinical trial.", CriterionStatus.NotMet)]
    public void GivenTheTransplantNote_WhenAStudyIsNegated_ThenCriterionIIIIsNotMet(string note, CriterionStatus iii)
    {
        // Arrange
        var hct = FhirFixtures.Resource("Procedure/proc-hct-allo-tcd-2024");
        hct["note"] = new JsonArray(new JsonObject { ["text"] = note });
        var record = new[] { FhirFixtures.Resource("Condition/cond-aml-relapse-2025"), hct, FhirFixtures.Resource("Observation/obs-chim-cd3-mixed-2025") };

        // Act
        var decision = Dli.Decide(FhirFixtures.PatientRecord(record), record.Length + 1, Dli.SingleOrder(FhirFixtures.DraftOrders("ServiceRequest/sr-dli-38242")));

        // Assert
        Assert.Equal(iii, decision["III"].Status);
    }

    [Theory]
    [InlineData("2025-04-22", CriterionStatus.Met)]
    [InlineData("2023-11-02", CriterionStatus.Unknown)]
    public void GivenARelapseClinicalStatusOnTheOriginalDiagnosis_WhenRecordedAfterTheHct_ThenItIsCurrent(string recorded, CriterionStatus expected)
    {
        // Arrange: the Condition began in 2023 (before the HCT); its relapse status was recorded on the given day.
        var condition = FhirFixtures.Resource("Condition/cond-aml-relapse-status");
        condition["onsetDateTime"] = "2023-11-02";
        condition["recordedDate"] = recorded;
        var record = new[] { condition, FhirFixtures.Resource("Procedure/proc-hct-allo-tcd-2024"), FhirFixtures.Resource("Observation/obs-chim-cd3-mixed-2025") };

        // Act
        var decision = Dli.Decide(FhirFixtures.PatientRecord(record), record.Length + 1, Dli.SingleOrder(FhirFixtures.DraftOrders("ServiceRequest/sr-dli-38242")));

        // Assert
        Assert.Equal(expected, decision["I.A"].Status);
    }

    [Theory]
    [InlineData("completed", CriterionStatus.Met)]
    [InlineData("preparation", CriterionStatus.Unknown)]
    [InlineData("on-hold", CriterionStatus.Unknown)]
    public void GivenTheOnlyTransplantRecord_WhenItIsNotYetPerformed_ThenThePreconditionIsUnknown(string status, CriterionStatus expected)
    {
        // Arrange
        var hct = FhirFixtures.Resource("Procedure/proc-hct-allo-tcd-2024");
        hct["status"] = status;
        var record = new[] { FhirFixtures.Resource("Condition/cond-aml-relapse-2025"), hct };

        // Act
        var decision = Dli.Decide(FhirFixtures.PatientRecord(record), record.Length + 1, Dli.SingleOrder(FhirFixtures.DraftOrders("ServiceRequest/sr-dli-38242")));

        // Assert
        Assert.Equal(expected, decision["HCT"].Status);
    }
}
