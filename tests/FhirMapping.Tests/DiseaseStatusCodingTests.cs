using System.Text.Json.Nodes;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests;

/// <summary>
/// Criterion I.A over one hematologic-malignancy Condition whose coding, clinical status, stage summary, verification
/// status and onset vary. The rest of the record meets I.B, I.C and the HCT (PCS 30233U3 on 2024-03-12, mixed CD3).
/// </summary>
public sealed class DiseaseStatusCodingTests
{
    private const string Icd = "http://hl7.org/fhir/sid/icd-10-cm";
    private const string Sct = "http://snomed.info/sct";
    private const string ConditionId = "cond-aml-status-variant";

    [Theory]
    // ICD-10-CM "in relapse" codes, with and without the dot
    [InlineData(Icd, "C92.02", "Acute myeloblastic leukemia, in relapse", "active", null, "confirmed", "2025-04-22", CriterionStatus.Met)]
    [InlineData(Icd, "C9202", "Acute myeloblastic leukemia, in relapse", "active", null, "confirmed", "2025-04-22", CriterionStatus.Met)]
    [InlineData(Icd, "C92.A2", "Acute myeloid leukemia with multilineage dysplasia, in relapse", "active", null, "confirmed", "2025-04-22", CriterionStatus.Met)]
    [InlineData(Icd, "C91.02", "Acute lymphoblastic leukemia, in relapse", "active", null, "confirmed", "2025-04-22", CriterionStatus.Met)]
    [InlineData(Icd, "C90.02", "Multiple myeloma in relapse", "active", null, "confirmed", "2025-04-22", CriterionStatus.Met)]
    // Dated the day of the HCT without a time: it cannot be placed before or after it (the same-day rule of every criterion)
    [InlineData(Icd, "C92.02", "Acute myeloblastic leukemia, in relapse", "active", null, "confirmed", "2024-03-12", CriterionStatus.Unknown)]
    // Condition.clinicalStatus and SNOMED qualifiers in Condition.stage.summary
    [InlineData(Sct, "91861009", "Acute myeloid leukemia (disorder)", "relapse", null, "confirmed", "2025-04-22", CriterionStatus.Met)]
    [InlineData(Sct, "91861009", "Acute myeloid leukemia (disorder)", "recurrence", null, "confirmed", "2025-04-22", CriterionStatus.Met)]
    [InlineData(Sct, "91861009", "Acute myeloid leukemia (disorder)", "active", "263855007", "confirmed", "2025-04-22", CriterionStatus.Met)]
    [InlineData(Sct, "91861009", "Acute myeloid leukemia (disorder)", "active", "246455001", "confirmed", "2025-04-22", CriterionStatus.Met)]
    // "Not having achieved remission" after the transplant is refractory disease; before it, it is the diagnosis code
    [InlineData(Icd, "C92.00", "Acute myeloblastic leukemia, not having achieved remission", "active", null, "confirmed", "2025-04-22", CriterionStatus.Met)]
    [InlineData(Icd, "C92.00", "Acute myeloblastic leukemia, not having achieved remission", "active", null, "confirmed", "2023-02-14", CriterionStatus.Unknown)]
    // Remission: positive evidence against I.A
    [InlineData(Icd, "C92.01", "Acute myeloblastic leukemia, in remission", "remission", null, "confirmed", "2024-05-20", CriterionStatus.NotMet)]
    [InlineData(Icd, "C9201", "Acute myeloblastic leukemia, in remission", "active", null, "confirmed", "2024-05-20", CriterionStatus.NotMet)]
    [InlineData(Icd, "C83.3A", "Diffuse large B-cell lymphoma, in remission", "active", null, "confirmed", "2024-05-20", CriterionStatus.NotMet)]
    [InlineData(Sct, "91861009", "Acute myeloid leukemia (disorder)", "remission", null, "confirmed", "2024-05-20", CriterionStatus.NotMet)]
    [InlineData(Sct, "91861009", "Acute myeloid leukemia (disorder)", "active", "277022003", "confirmed", "2024-05-20", CriterionStatus.NotMet)]
    // Stale, erroneous or silent records: missing data
    [InlineData(Icd, "C92.02", "Acute myeloblastic leukemia, in relapse", "active", null, "confirmed", "2023-11-02", CriterionStatus.Unknown)]
    [InlineData(Icd, "C92.02", "Acute myeloblastic leukemia, in relapse", "active", null, "entered-in-error", "2025-04-22", CriterionStatus.Unknown)]
    [InlineData(Icd, "C92.02", "Acute myeloblastic leukemia, in relapse", "active", null, "refuted", "2025-04-22", CriterionStatus.Unknown)]
    [InlineData(Sct, "91861009", "Acute myeloid leukemia (disorder)", "relapse", null, "confirmed", "2023-11-02", CriterionStatus.Unknown)]
    [InlineData(Sct, "91861009", "Acute myeloid leukemia (disorder)", "active", null, "confirmed", "2025-04-22", CriterionStatus.Unknown)]
    public void GivenAHematologicMalignancyCondition_WhenEvaluated_ThenCriterionIAFollowsItsStatusCodingAndDate(
        string system, string code, string display, string clinicalStatus, string? stageSummary, string verification, string onset, CriterionStatus expected)
    {
        // Arrange
        var condition = FhirFixtures.Resource("Condition/cond-aml-relapse-2025");
        condition["id"] = ConditionId;
        condition["code"] = new JsonObject
        {
            ["coding"] = new JsonArray { new JsonObject { ["system"] = system, ["code"] = code, ["display"] = display } },
            ["text"] = display,
        };
        condition["clinicalStatus"]!["coding"]![0]!["code"] = clinicalStatus;
        condition["verificationStatus"]!["coding"]![0]!["code"] = verification;
        condition["onsetDateTime"] = onset;
        condition.Remove("recordedDate");
        if (stageSummary is not null)
        {
            condition["stage"] = new JsonArray
            {
                new JsonObject
                {
                    ["summary"] = new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = Sct, ["code"] = stageSummary } } },
                },
            };
        }

        var record = new[]
        {
            FhirFixtures.Resource("Coverage/cov-regence-ppo"),
            condition,
            FhirFixtures.Resource("Procedure/proc-hct-allo-tcd-2024"),
            FhirFixtures.Resource("Observation/obs-chim-cd3-mixed-2025"),
        };

        // Act
        var decision = Dli.Decide(FhirFixtures.PatientRecord(record), record.Length + 1, Dli.SingleOrder(FhirFixtures.DraftOrders("ServiceRequest/sr-dli-38242")));

        // Assert
        Assert.Equal(expected, decision["I.A"].Status);
        var cited = decision["I.A"].Evidence.Any(e => e.Reference == $"Condition/{ConditionId}");
        Assert.Equal(verification == "confirmed", cited);
        var outcome = expected switch
        {
            CriterionStatus.Met => DecisionOutcome.MeetsCriteria,
            CriterionStatus.NotMet => DecisionOutcome.NotMedicallyNecessary,
            _ => DecisionOutcome.CannotBeDetermined,
        };
        Assert.Equal(outcome, decision.Outcome);
    }
}
