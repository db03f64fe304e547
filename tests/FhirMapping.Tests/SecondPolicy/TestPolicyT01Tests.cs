using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Modules.Dli;
using Cds.FhirMapping.Modules.Generic;
using Cds.FhirMapping.Tests.Fixtures;
using static Cds.FhirMapping.Tests.SecondPolicy.T01;

namespace Cds.FhirMapping.Tests.SecondPolicy;

/// <summary>
/// A second policy is a policy file and no C#: the test-only T-01 (an <c>all</c> over an indication and an <c>any</c>
/// of a lab threshold or a prior therapy, an exclusion, a documentation item) decided end to end by the generic
/// readers and evaluator, with the same safety rules as DLI 45.03.
/// </summary>
public sealed class TestPolicyT01Tests
{
    private readonly ICoveragePolicy _policy = T01.Policy();

    [Fact]
    public void GivenTheT01File_WhenMadeByTheFactory_ThenItIsAGenericPolicyReadingOnlyWhatItsLeavesName()
    {
        // Assert
        Assert.IsType<GenericPolicy>(_policy);
        Assert.Equal("test-t01", _policy.Definition.Id);
        Assert.Equal(["Condition", "DocumentReference", "Observation", "Procedure"], _policy.ResourceTypes);
        Assert.Equal("T", _policy.Definition.Rule.Id);
        Assert.Equal(["T.A", "T.BC"], _policy.Definition.Rule.Of);
    }

    [Fact]
    public void GivenOrdersForEachPolicy_WhenAskedWhoGovernsThem_ThenEachPolicyClaimsOnlyItsOwnServiceCode()
    {
        // Arrange
        var dli = CoveragePolicyFactory.Create(PolicyFiles.LoadDefault(), TimeProvider.System);
        var t01Order = Order();
        var dliOrder = Order("38242", "http://www.ama-assn.org/go/cpt");

        // Assert
        Assert.IsType<DliPolicy>(dli);
        Assert.True(_policy.Governs(t01Order));
        Assert.False(_policy.Governs(dliOrder));
        Assert.True(dli.Governs(dliOrder));
        Assert.False(dli.Governs(t01Order));
        Assert.False(_policy.Governs(Order("T0102")));
    }

    [Fact]
    public void GivenTheIndicationAMarkerAboveTheThresholdAndANote_WhenDecided_ThenItMeetsCriteria()
    {
        // Act
        var decision = Decide(_policy, Order(), Condition("c-ind", "IND-1"), Marker("o-mark", 2.5m, "2025-06-01"), ProgressNote("doc-1"), Hemoglobin("o-hgb"));

        // Assert
        Assert.Equal(DecisionOutcome.MeetsCriteria, decision.Outcome);
        Assert.Equal("T", decision.DecidingCriterion);
        Assert.Equal("Criterion T met: T.A, T.BC", decision.Reason);
        Assert.Equal("T.A=Met T.B=Met T.C=Unknown T.D=NotMet", Statuses(decision));
        Assert.Equal("Test marker at or above 2.0 mg/dL (latest 2.5 mg/dL)", decision["T.B"].Summary);
        Assert.Equal("Observation/o-mark", Assert.Single(decision["T.B"].Evidence).Reference);
        Assert.Empty(decision.Documentation);
        Assert.Empty(decision.Review);
        Assert.Equal("test-t01", decision.PolicyId);
    }

    [Fact]
    public void GivenAMarkerBelowTheThresholdButThePriorTherapy_WhenDecided_ThenTheAnyIsMetThroughTheTherapy()
    {
        // Act
        var decision = Decide(_policy, Order(), Condition("c-ind", "IND-1"), Marker("o-mark", 1.2m, "2025-06-01"), Therapy("p-std"));

        // Assert
        Assert.Equal(DecisionOutcome.MeetsCriteria, decision.Outcome);
        Assert.Equal("T.A=Met T.B=NotMet T.C=Met T.D=NotMet", Statuses(decision));
        Assert.Equal("A recent progress note", Assert.Single(decision.Documentation).What);
    }

    [Fact]
    public void GivenTheContraindicationOnRecord_WhenDecided_ThenItIsNotMedicallyNecessary()
    {
        // Act
        var decision = Decide(_policy, Order(), Condition("c-ind", "IND-1"), Marker("o-mark", 2.5m, "2025-06-01"), Condition("c-contra", "CONTRA-1"));

        // Assert
        Assert.Equal(DecisionOutcome.NotMedicallyNecessary, decision.Outcome);
        Assert.Equal("T.D", decision.DecidingCriterion);
        Assert.Equal("T.D Contraindication (not medically necessary): Test contraindication on record", decision.Reason);
        Assert.Equal("Condition/c-contra", Assert.Single(decision["T.D"].Evidence).Reference);
    }

    [Fact]
    public void GivenNoIndicationOnRecord_WhenDecided_ThenItCannotBeDeterminedAndAsksForTheIndication()
    {
        // Act
        var decision = Decide(_policy, Order(), Marker("o-mark", 2.5m, "2025-06-01"));

        // Assert: absence is missing data, never "not met".
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal(CriterionStatus.Unknown, decision["T.A"].Status);
        Assert.Contains(decision.Missing, m => m.Criterion == "T.A" && m.What == "Diagnosis of the test indication");
        Assert.StartsWith("Cannot be determined: missing data for T.A", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("provisional", "active", "Tentative record")]
    [InlineData("confirmed", "resolved", "Recorded as no longer current")]
    public void GivenAnIndicationThatIsNotAConfirmedCurrentRecord_WhenDecided_ThenItIsForReviewAndTheAnswerConditional(string verification, string clinical, string reason)
    {
        // Act
        var decision = Decide(_policy, Order(), Condition("c-ind", "IND-1", verification, clinical), Marker("o-mark", 2.5m, "2025-06-01"));

        // Assert
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal(CriterionStatus.Unknown, decision["T.A"].Status);
        var item = Assert.Single(decision.Review);
        Assert.Equal(("T.A", reason), (item.Criterion, item.Reason));
        Assert.Contains("needs review of T.A", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenATentativeContraindication_WhenDecided_ThenItIsNeitherPaidNorDeniedButForReview()
    {
        // Act
        var decision = Decide(_policy, Order(), Condition("c-ind", "IND-1"), Marker("o-mark", 2.5m, "2025-06-01"), Condition("c-contra", "CONTRA-1", "provisional"));

        // Assert
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal(CriterionStatus.Unknown, decision["T.D"].Status);
        Assert.Equal("T.D", Assert.Single(decision.Review).Criterion);
    }

    [Theory]
    [InlineData("preliminary", "mg/dL", "Tentative record")]
    [InlineData("final", "mmol/L", "Value cannot be compared")]
    public void GivenAMarkerThatCannotDecide_WhenDecided_ThenTheThresholdIsForReview(string status, string unit, string reason)
    {
        // Act
        var decision = Decide(_policy, Order(), Condition("c-ind", "IND-1"), Marker("o-mark", 2.5m, "2025-06-01", status, unit));

        // Assert
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal(CriterionStatus.Unknown, decision["T.B"].Status);
        Assert.Equal(("T.B", reason), (decision.Review[0].Criterion, decision.Review[0].Reason));
    }

    [Fact]
    public void GivenAMarkerWithAComparator_WhenDecided_ThenItIsNotComparedWithTheThreshold()
    {
        // Act: "> 2.5 mg/dL" is not a value to compare; it is for review, never met on its own.
        var decision = Decide(_policy, Order(), Condition("c-ind", "IND-1"), Marker("o-mark", 2.5m, "2025-06-01", comparator: "\"comparator\": \">\","));

        // Assert
        Assert.Equal(CriterionStatus.Unknown, decision["T.B"].Status);
        Assert.Equal("Value cannot be compared", decision.Review[0].Reason);
        Assert.Equal(">2.5 mg/dL", decision["T.B"].Evidence[0].Value);
    }

    [Fact]
    public void GivenTheTherapyOnlyInProgress_WhenDecided_ThenTheAnyIsNotMetThroughItButForReview()
    {
        // Act
        var decision = Decide(_policy, Order(), Condition("c-ind", "IND-1"), Marker("o-mark", 1.2m, "2025-06-01"), Therapy("p-std", "in-progress"));

        // Assert
        Assert.Equal("T.A=Met T.B=NotMet T.C=Unknown T.D=NotMet", Statuses(decision));
        Assert.Equal(("T.C", "Tentative record"), (decision.Review[0].Criterion, decision.Review[0].Reason));
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
    }

    [Fact]
    public void GivenAnOlderMarkerAboveAndANewerBelow_WhenDecided_ThenTheLatestDecidesAndNothingPaysWithoutTheTherapy()
    {
        // Act
        var decision = Decide(_policy, Order(), Condition("c-ind", "IND-1"), Marker("o-new", 1.5m, "2025-06-01"), Marker("o-old", 2.6m, "2025-02-01"));

        // Assert
        Assert.Equal("T.A=Met T.B=NotMet T.C=Unknown T.D=NotMet", Statuses(decision));
        Assert.Equal("Observation/o-new", Assert.Single(decision["T.B"].Evidence).Reference);
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
    }

    [Fact]
    public void GivenTwoMarkersOnTheSameDayThatDisagree_WhenDecided_ThenItIsAConflictForReview()
    {
        // Act
        var decision = Decide(_policy, Order(), Condition("c-ind", "IND-1"), Marker("o-a", 1.5m, "2025-06-01"), Marker("o-b", 2.6m, "2025-06-01"));

        // Assert
        Assert.Equal(CriterionStatus.Unknown, decision["T.B"].Status);
        Assert.Equal("Conflicting records", decision.Review[0].Reason);
    }

    [Fact]
    public void GivenConditionsThatCouldNotAllBeRead_WhenDecided_ThenTheExclusionIsNotRuledOutAndTheAnswerIsConditional()
    {
        // Arrange
        var record = ClinicalRecord.Parse([Patient(), Condition("c-ind", "IND-1"), Marker("o-mark", 2.5m, "2025-06-01")], PatientId);
        record.ReportGap("Condition", "Condition search cut after 10 pages");

        // Act
        var decision = _policy.Decide(_policy.Extract(record), _policy.ReadOrder(Order()));

        // Assert: the indication found stays met; "no contraindication" cannot be told while Conditions are missing.
        Assert.Equal(CriterionStatus.Met, decision["T.A"].Status);
        Assert.Equal(CriterionStatus.Unknown, decision["T.D"].Status);
        Assert.Contains(decision.Review, r => r.Criterion == "T.D" && r.Reason.StartsWith("Data could not be read", StringComparison.Ordinal));
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
    }

    [Fact]
    public void GivenAnotherPatientsIndication_WhenDecided_ThenItIsNotRead()
    {
        // Arrange
        var other = System.Text.Json.JsonDocument.Parse(Condition("c-other", "IND-1").GetRawText().Replace(PatientId, "someone-else", StringComparison.Ordinal)).RootElement;

        // Act
        var record = _policy.Read([Patient(), other, Marker("o-mark", 2.5m, "2025-06-01")], PatientId);
        var decision = _policy.Decide(_policy.Extract(record), _policy.ReadOrder(Order()));

        // Assert
        Assert.Equal(["Condition/c-other"], record.NotThisPatient);
        Assert.Equal(CriterionStatus.Unknown, decision["T.A"].Status);
    }

    [Fact]
    public void GivenTheSameRecord_WhenDecidedByT01AndByDli_ThenEachAnswersOnlyItsOwnCriteria()
    {
        // Arrange
        var dli = CoveragePolicyFactory.Create(PolicyFiles.LoadDefault(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Dli.Now));
        var record = ClinicalRecord.Parse([Patient(), Condition("c-ind", "IND-1"), Marker("o-mark", 2.5m, "2025-06-01")], PatientId);

        // Act
        var t01 = _policy.Decide(_policy.Extract(record), _policy.ReadOrder(Order()));
        var asDli = dli.Decide(dli.Extract(record), dli.ReadOrder(Order("38242", "http://www.ama-assn.org/go/cpt")));

        // Assert
        Assert.Equal(["T.A", "T.B", "T.C", "T.D"], t01.Criteria.Select(c => c.Id));
        Assert.Equal(Dli.CriterionOrder, asDli.Criteria.Select(c => c.Id));
        Assert.Equal(DecisionOutcome.CannotBeDetermined, asDli.Outcome);
    }

    private static string Statuses(CoverageDecision decision) => string.Join(" ", decision.Criteria.Select(c => $"{c.Id}={c.Status}"));
}
