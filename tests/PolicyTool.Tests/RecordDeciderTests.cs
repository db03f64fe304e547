using System.Text.Json;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;

namespace Cds.PolicyTool.Tests;

/// <summary>The shared "read a record and decide" function the service and the tool both call.</summary>
public sealed class RecordDeciderTests
{
    private static readonly RecordDecider Decider = new(PolicyFiles.LoadDefault(), TimeProvider.System);

    [Fact]
    public void GivenItemsByKey_WhenRead_ThenUnreadableItemsAreCountedUnderTheirKeyAndAnotherPatientsCoverageIsNamed()
    {
        // Arrange
        RecordItem[] items =
        [
            Item("conditions", """{"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"}, "code": {"text": "AML"}}"""),
            Item("conditions", """{"id": "no-type"}"""),
            Item("coverage", """{"resourceType": "Coverage", "id": "cov-x", "status": "active", "beneficiary": {"reference": "Patient/p2"}}"""),
            Item("observations", """{"resourceType": "Observation", "id": "o1", "status": "final", "subject": {"reference": "Patient/p2"}, "code": {"text": "Chimerism % donor"}}"""),
        ];

        // Act
        var read = Decider.Read(items, "p1", []);

        // Assert
        var problem = Assert.Single(read.Unreadable);
        Assert.Equal("conditions", problem.Key);
        Assert.StartsWith("1 resource(s) could not be read", problem.Reason, StringComparison.Ordinal);
        Assert.Equal(["Coverage/cov-x", "Observation/o1"], read.NotThisPatient);
        Assert.Equal("Coverage/cov-x", read.ForeignCoverage);
    }

    [Fact]
    public void GivenAGapInAResourceTypeACriterionReads_WhenDecided_ThenThatCriterionIsNotDecidedAgainstThePatient()
    {
        // Arrange: the in-remission sample patient, with the Condition search reported as cut off.
        var bundle = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Cases, "patient-not-met-ia", "bundle.json"))).RootElement;
        var orderJson = JsonDocument.Parse($$"""{"resourceType": "Bundle", "entry": [{"resource": {{File.ReadAllText(Path.Combine(Repository.Cases, "patient-not-met-ia", "order.json"))}}}]}""").RootElement;
        Assert.True(DraftOrder.TryParseBundle(orderJson, out var orders, out _));

        // Act
        var complete = Decider.Decide(Decider.Read([new RecordItem("bundle", bundle)], "dli4503-not-met-ia", []).Facts, orders[0]);
        var cut = Decider.Decide(Decider.Read([new RecordItem("bundle", bundle)], "dli4503-not-met-ia", [new("Condition", "conditions: the search was cut off after 10 pages")]).Facts, orders[0]);

        // Assert
        Assert.Equal(DecisionOutcome.NotMedicallyNecessary, complete.Outcome);
        Assert.Equal(CriterionStatus.Unknown, cut["I.A"].Status);
        Assert.Equal(DecisionOutcome.CannotBeDetermined, cut.Outcome);
    }

    private static RecordItem Item(string key, string json) => new(key, JsonDocument.Parse(json).RootElement);
}
