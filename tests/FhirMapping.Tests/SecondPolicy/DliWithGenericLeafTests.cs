using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Tests.Fixtures;
using Cds.FhirMapping.Tests.Policy;
using Microsoft.Extensions.Time.Testing;

namespace Cds.FhirMapping.Tests.SecondPolicy;

/// <summary>
/// A reviewer adds a criterion to 45.03 in the file alone: a made-up exclusion "X" (a coded Condition, investigational
/// when on record) as a generic leaf of the DLI tree, with its own value set and outcome rule. The DLI module's
/// extractor reads it with the generic reader; every other criterion decides as before.
/// </summary>
public sealed class DliWithGenericLeafTests
{
    private static readonly string[] Meets =
        ["Coverage/cov-regence-ppo", "DocumentReference/doc-hp-2025", "Condition/cond-aml-dx-2023", "Condition/cond-aml-relapse-2025", "Procedure/proc-hct-allo-tcd-2024", "Observation/obs-chim-cd3-mixed-2025"];

    private readonly ICoveragePolicy _shipped = CoveragePolicyFactory.Create(Dli.Policy, new FakeTimeProvider(Dli.Now));
    private readonly ICoveragePolicy _revised = CoveragePolicyFactory.Create(Revised(), new FakeTimeProvider(Dli.Now));

    [Fact]
    public void GivenNoExclusionOnRecord_WhenDecidedByTheRevisedFile_ThenEveryShippedCriterionAndTheAnswerAreUnchanged()
    {
        // Act
        var before = Decide(_shipped, []);
        var after = Decide(_revised, []);

        // Assert
        Assert.Equal(DecisionOutcome.MeetsCriteria, before.Outcome);
        Assert.Equal((before.Outcome, before.DecidingCriterion, before.Reason), (after.Outcome, after.DecidingCriterion, after.Reason));
        Assert.Equal(before.Criteria.Select(Row), after.Criteria.Where(c => c.Id != "X").Select(Row));
        Assert.Equal(CriterionStatus.NotMet, after["X"].Status);
    }

    [Fact]
    public void GivenTheExclusionOnRecord_WhenDecided_ThenTheNewRuleMakesItInvestigational()
    {
        // Act
        var decision = Decide(_revised, [Exclusion("confirmed")]);

        // Assert
        Assert.Equal(DecisionOutcome.Investigational, decision.Outcome);
        Assert.Equal("X", decision.DecidingCriterion);
        Assert.Equal("X Test exclusion (investigational): Test exclusion on record", decision.Reason);
        Assert.Equal("Condition/cond-x", Assert.Single(decision["X"].Evidence).Reference);
    }

    [Fact]
    public void GivenTheExclusionOnlyProvisional_WhenDecided_ThenItIsNotPaidButForReview()
    {
        // Act
        var decision = Decide(_revised, [Exclusion("provisional")]);

        // Assert
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal("X", Assert.Single(decision.Review).Criterion);
    }

    private static CoverageDecision Decide(ICoveragePolicy policy, JsonElement[] extra)
    {
        JsonElement[] record = [.. FhirFixtures.PatientRecord(Meets), .. extra];
        var order = policy.ReadOrder(Dli.SingleOrder(FhirFixtures.DraftOrders("ServiceRequest/sr-dli-38242")));
        var full = policy.Decide(policy.Extract(ClinicalRecord.Parse(record, Dli.PatientId)), order);
        var screened = policy.Decide(policy.Extract(policy.Read(record, Dli.PatientId)), order);
        Assert.Equal(Dli.Fingerprint(full), Dli.Fingerprint(screened));
        return full;
    }

    private static string Row(CriterionResult c) => $"{c.Id}={c.Status}:{c.Summary}:{string.Join(",", c.Evidence.Select(Dli.Describe))}";

    private static JsonElement Exclusion(string verification) => JsonDocument.Parse($$$"""
        {"resourceType": "Condition", "id": "cond-x", "subject": {"reference": "Patient/{{{Dli.PatientId}}}"},
         "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "{{{verification}}}"}]},
         "code": {"coding": [{"system": "http://example.org/fhir/CodeSystem/test-exclusions", "code": "X-1"}]}, "recordedDate": "2025-05-01"}
        """).RootElement.Clone();

    // The shipped file plus criterion X: a value set, a code system, a criterion text, a leaf and an outcome rule.
    private static PolicyDefinition Revised()
    {
        var tree = ShippedPolicyFile.Tree();
        tree["systems"]!["test-exclusions"] = new JsonArray("http://example.org/fhir/CodeSystem/test-exclusions");
        tree["valueSets"]!["test-exclusion"] = JsonNode.Parse("""{"description": "Made-up test exclusion", "include": [{"system": "test-exclusions", "codes": ["X-1"]}]}""");
        tree["criteria"]!.AsArray().Add(JsonNode.Parse("""
            {"id": "X", "reads": ["Condition"], "label": "X Test exclusion (investigational)", "text": "A made-up exclusion.",
             "met": "Test exclusion on record", "notMet": "No test exclusion on record", "missing": null}
            """));
        var decision = tree["decision"]!;
        decision["tree"]!.AsArray().Add(JsonNode.Parse("""{"id": "X", "evaluator": "coded-record", "resource": "Condition", "valueSet": "test-exclusion", "absent": "not-met"}"""));
        decision["outcomes"]!.AsArray().Insert(0, JsonNode.Parse("""{"met": ["X"], "outcome": "investigational", "deciding": "X", "reason": "{label}: {summary}"}"""));
        decision["outcomes"]![4]!["notMet"]!.AsArray().Add("X");
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(tree.ToJsonString()));
        return PolicyFiles.Load(stream);
    }
}
