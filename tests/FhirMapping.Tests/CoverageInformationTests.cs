using System.Text.Json.Nodes;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests;

/// <summary>CRD coverage-information: mapping a decision to CRD codes, and writing the extension onto the draft order.</summary>
public sealed class CoverageInformationTests
{
    private const string CoverageReference = "Coverage/cov-regence-ppo";
    private static readonly DateOnly Today = new(2025, 6, 16);

    [Theory]
    [InlineData(DecisionOutcome.MeetsCriteria, false, true, "auth-needed", "covered", "auth-needed", null, "", "")]
    [InlineData(DecisionOutcome.MeetsCriteria, true, true, "auth-needed", "covered", "auth-needed", "clinical", "withpa", "")]
    [InlineData(DecisionOutcome.MeetsCriteria, true, false, "auth-needed", "covered", "auth-needed", null, "", "")]
    [InlineData(DecisionOutcome.MeetsCriteria, true, true, "no-auth", "covered", "no-auth", "clinical", "withclaim", "")]
    // not-covered never needs prior authorization: pa-needed is no-auth (CRD 2.0.1 crd-ci-q2, see CoverageAssertion)
    [InlineData(DecisionOutcome.NotMedicallyNecessary, true, true, "auth-needed", "not-covered", "no-auth", null, "", "")]
    [InlineData(DecisionOutcome.Investigational, false, true, "auth-needed", "not-covered", "no-auth", null, "", "")]
    [InlineData(DecisionOutcome.CannotBeDetermined, false, true, "auth-needed", "conditional", "auth-needed", "clinical", "withpa", "OTH")]
    [InlineData(DecisionOutcome.CannotBeDetermined, true, false, "auth-needed", "conditional", "auth-needed", null, "", "OTH")]
    public void GivenADecision_WhenMappedToACoverageAssertion_ThenTheCrdCodesFollowTheOutcomeAndTheHook(
        DecisionOutcome outcome,
        bool documentationMissing,
        bool mayRequestDocumentation,
        string priorAuthorization,
        string expectedCovered,
        string? expectedPaNeeded,
        string? expectedDocNeeded,
        string expectedDocPurpose,
        string expectedInfoNeeded)
    {
        // Arrange
        var decision = Decision(outcome, documentationMissing);

        // Act
        var assertion = CoverageAssertion.From(decision, CoverageReference, priorAuthorization, mayRequestDocumentation, Today, "a-7c1e");

        // Assert
        Assert.Equal(expectedCovered, assertion.Covered);
        Assert.Equal(expectedPaNeeded, assertion.PaNeeded);
        Assert.Equal(expectedDocNeeded, assertion.DocNeeded);
        Assert.Equal(Codes(expectedDocPurpose), assertion.DocPurpose);
        Assert.Equal(Codes(expectedInfoNeeded), assertion.InfoNeeded);
        Assert.Equal(CoverageReference, assertion.CoverageReference);
        Assert.Equal(decision.Reason, assertion.Reason);
        Assert.Equal(Today, assertion.Date);
        Assert.Equal("a-7c1e", assertion.AssertionId);
    }

    [Theory]
    [InlineData(DecisionOutcome.MeetsCriteria, true, "coverage covered pa-needed reason date coverage-assertion-id")]
    [InlineData(DecisionOutcome.NotMedicallyNecessary, true, "coverage covered pa-needed reason date coverage-assertion-id")]
    [InlineData(DecisionOutcome.Investigational, true, "coverage covered pa-needed reason date coverage-assertion-id")]
    [InlineData(DecisionOutcome.CannotBeDetermined, true, "coverage covered pa-needed doc-needed doc-purpose info-needed reason date coverage-assertion-id")]
    [InlineData(DecisionOutcome.CannotBeDetermined, false, "coverage covered pa-needed info-needed reason date coverage-assertion-id")]
    public void GivenADecision_WhenTheOrderIsAnnotated_ThenTheExtensionCarriesExactlyTheCrdPartsForTheOutcome(
        DecisionOutcome outcome, bool mayRequestDocumentation, string expectedParts)
    {
        // Arrange
        var order = Order("draft-orders-dli-lab-medication.json", "ServiceRequest/sr-dli-0611");
        var assertion = CoverageAssertion.From(Decision(outcome, documentationMissing: false), CoverageReference, "auth-needed", mayRequestDocumentation, Today, "a-91d0");

        // Act
        var annotated = CoverageInformation.Annotate(order, assertion);

        // Assert
        var parts = Parts(Assert.Single(CoverageExtensions(annotated)));
        Assert.Equal(expectedParts, string.Join(" ", parts.Select(p => p.Url)));
        Assert.Equal(CoverageReference, Value(parts, "coverage")["reference"]!.GetValue<string>());
        Assert.Equal(assertion.Covered, Value(parts, "covered").GetValue<string>());
        Assert.Equal("2025-06-16", Value(parts, "date").GetValue<string>());
        Assert.Equal("a-91d0", Value(parts, "coverage-assertion-id").GetValue<string>());
        Assert.Equal(assertion.Reason, Value(parts, "reason")["text"]!.GetValue<string>());
        var expectedPaNeeded = outcome is DecisionOutcome.NotMedicallyNecessary or DecisionOutcome.Investigational ? "no-auth" : "auth-needed";
        Assert.Equal(expectedPaNeeded, Value(parts, "pa-needed").GetValue<string>());
        if (outcome == DecisionOutcome.CannotBeDetermined)
        {
            Assert.Equal("OTH", Value(parts, "info-needed").GetValue<string>());
        }
    }

    [Fact]
    public void GivenAnOrderWithoutExtensions_WhenAnnotated_ThenItIsEchoedWithTheSameIdAndOnlyTheExtensionAdded()
    {
        // Arrange
        var order = Order("draft-orders-dli-lab-medication.json", "ServiceRequest/sr-dli-0611");
        var decision = Dli.Decide(
            ["Coverage/cov-regence-ppo", "DocumentReference/doc-hp-2025", "Condition/cond-aml-relapse-2025", "Procedure/proc-hct-allo-tcd-2024", "Observation/obs-chim-cd3-mixed-2025"],
            "ServiceRequest/sr-dli-38242");
        var assertion = CoverageAssertion.From(decision, CoverageReference, Dli.Policy.Document.PriorAuthorization, mayRequestDocumentation: true, Today, "a-0b3f");
        var original = JsonNode.Parse(order.Json.GetRawText())!.AsObject();

        // Act
        var annotated = CoverageInformation.Annotate(order, assertion, [("http://www.ama-assn.org/go/cpt", "38242")]);

        // Assert
        Assert.Equal("sr-dli-0611", annotated["id"]!.GetValue<string>());
        var extension = Assert.Single(CoverageExtensions(annotated));
        var parts = Parts(extension);
        Assert.Equal("covered", Value(parts, "covered").GetValue<string>());
        var billing = Value(parts, "billingCode");
        Assert.Equal("http://www.ama-assn.org/go/cpt", billing["system"]!.GetValue<string>());
        Assert.Equal("38242", billing["code"]!.GetValue<string>());

        // Every other element unchanged, and the extension placed after the resource's leading elements.
        var rest = annotated.DeepClone().AsObject();
        rest.Remove("extension");
        Assert.True(JsonNode.DeepEquals(original, rest), $"Order changed beyond its extension: {rest.ToJsonString()}");
        Assert.Equal(["resourceType", "id", "meta", "extension", "status"], annotated.Select(p => p.Key).Take(5));
        Assert.True(JsonNode.DeepEquals(original, JsonNode.Parse(order.Json.GetRawText())), "Annotate must not change the parsed order");
    }

    [Fact]
    public void GivenAnOrderWithAnEarlierCoverageInformation_WhenAnnotated_ThenItIsReplacedNotDuplicatedAndOtherExtensionsKept()
    {
        // Arrange
        var order = Order("draft-orders-dli-prior-coverage-information.json", "ServiceRequest/sr-dli-0612");
        var original = JsonNode.Parse(order.Json.GetRawText())!.AsObject();
        var otherExtension = original["extension"]![0]!.DeepClone();
        var assertion = CoverageAssertion.From(Decision(DecisionOutcome.NotMedicallyNecessary, documentationMissing: false), CoverageReference, "auth-needed", true, Today, "a-later-0616");

        // Act
        var annotated = CoverageInformation.Annotate(order, assertion);

        // Assert
        var extensions = annotated["extension"]!.AsArray();
        Assert.Equal(2, extensions.Count);
        Assert.True(JsonNode.DeepEquals(otherExtension, extensions[0]), "the unrelated extension must be kept as it was");
        var parts = Parts(Assert.Single(CoverageExtensions(annotated)));
        Assert.Equal("a-later-0616", Value(parts, "coverage-assertion-id").GetValue<string>());
        Assert.Equal("not-covered", Value(parts, "covered").GetValue<string>());
        Assert.Equal("no-auth", Value(parts, "pa-needed").GetValue<string>());
        Assert.DoesNotContain(parts, p => p.Url is "info-needed" or "doc-needed");

        var rest = annotated.DeepClone().AsObject();
        rest.Remove("extension");
        original.Remove("extension");
        Assert.True(JsonNode.DeepEquals(original, rest), $"Order changed beyond its extension: {rest.ToJsonString()}");
    }

    private static CoverageDecision Decision(DecisionOutcome outcome, bool documentationMissing) => new(
        "dli-45.03",
        "ServiceRequest/sr-dli-0611",
        outcome,
        outcome switch
        {
            DecisionOutcome.NotMedicallyNecessary => "II",
            DecisionOutcome.Investigational => "IV",
            _ => "I",
        },
        $"Reason for {outcome}",
        [],
        outcome == DecisionOutcome.CannotBeDetermined ? [new MissingItem("I.C", "Chimerism result", "Send it")] : [],
        documentationMissing ? [new MissingItem("Documentation", "History and physical / chart notes", "Attach the H&P")] : []);

    private static DraftOrder Order(string file, string reference)
    {
        Assert.True(DraftOrder.TryParseBundle(FhirFixtures.File("DraftOrders", file), out var orders, out var error), error);
        return Assert.Single(orders, o => o.Reference == reference);
    }

    private static string[] Codes(string spaceSeparated) => spaceSeparated.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static List<JsonObject> CoverageExtensions(JsonObject resource) =>
        [.. resource["extension"]!.AsArray().OfType<JsonObject>().Where(e => e["url"]?.GetValue<string>() == CoverageAssertion.Extension)];

    private static List<(string Url, JsonNode Value)> Parts(JsonObject extension) =>
        [.. extension["extension"]!.AsArray().OfType<JsonObject>().Select(p => (p["url"]!.GetValue<string>(), p.First(kv => kv.Key.StartsWith("value", StringComparison.Ordinal)).Value!))];

    private static JsonNode Value(List<(string Url, JsonNode Value)> parts, string url) => Assert.Single(parts, p => p.Url == url).Value;

    [Theory]
    [InlineData(null, "no-auth")]
    [InlineData("2.0", "no-auth")]
    [InlineData("2.2", null)]
    public void GivenANotCoveredOrder_WhenTheClientAskedForACrdVersion_ThenPaNeededFollowsThatVersionsCrdCiQ2(string? version, string? expected)
    {
        // Act
        var assertion = CoverageAssertion.From(Decision(DecisionOutcome.Investigational, documentationMissing: false), CoverageReference, "auth-needed", true, Today, "a-v22", version);

        // Assert
        Assert.Equal("not-covered", assertion.Covered);
        Assert.Equal(expected, assertion.PaNeeded);
    }
}
