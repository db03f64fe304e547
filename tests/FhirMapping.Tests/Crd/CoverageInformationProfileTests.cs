using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Tests.Crd;

/// <summary>
/// The coverage-information extension written by <see cref="CoverageInformation.Annotate"/> validated against the
/// Da Vinci CRD 2.0.1 definition of <c>ext-coverage-information</c> by the Firely validator.
/// </summary>
public sealed class CoverageInformationProfileTests
{
    private const string CoverageReference = "Coverage/cov-1";
    private static readonly DateOnly Today = new(2025, 3, 14);
    private static readonly string PriorAuthorization = PolicyFiles.LoadDefault().Document.PriorAuthorization;

    private static CrdProfileValidator Validator => CrdProfileValidator.Shared;

    // CPT 38242, as the service sends it in billingCode.
    private static readonly (string System, string Code)[] BillingCodes = [("http://www.ama-assn.org/go/cpt", "38242")];

    public static TheoryData<DecisionOutcome, bool, bool, string> Decisions => new()
    {
        { DecisionOutcome.MeetsCriteria, false, true, "covered" },
        { DecisionOutcome.MeetsCriteria, true, true, "covered" },
        { DecisionOutcome.MeetsCriteria, true, false, "covered" },
        { DecisionOutcome.NotMedicallyNecessary, false, true, "not-covered" },
        { DecisionOutcome.Investigational, false, true, "not-covered" },
        { DecisionOutcome.CannotBeDetermined, false, true, "conditional" },
        { DecisionOutcome.CannotBeDetermined, false, false, "conditional" },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void GivenADecision_WhenAnnotated_ThenTheExtensionConformsToCrd201(DecisionOutcome outcome, bool withDocumentation, bool mayRequestDocumentation, string covered)
    {
        // Arrange
        var assertion = Assertion(outcome, withDocumentation, mayRequestDocumentation);

        // Act
        var annotated = CoverageInformation.Annotate(DraftServiceRequest(), assertion, BillingCodes);
        var extension = SingleCoverageInformation(annotated);
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        Assert.Equal(covered, Part(extension, "covered")?["valueCode"]?.GetValue<string>());
        Assert.DoesNotContain(issues, i => i.IsError);
    }

    [Theory]
    [MemberData(nameof(Decisions))]
    public void GivenADecision_WhenAnnotated_ThenTheServiceRequestConformsToR4WithTheCrdExtension(DecisionOutcome outcome, bool withDocumentation, bool mayRequestDocumentation, string covered)
    {
        // Arrange
        var assertion = Assertion(outcome, withDocumentation, mayRequestDocumentation);

        // Act
        var annotated = CoverageInformation.Annotate(DraftServiceRequest(), assertion, BillingCodes);
        var issues = Validator.ValidateResource(annotated);

        // Assert
        Assert.Equal(covered, Part(SingleCoverageInformation(annotated), "covered")?["valueCode"]?.GetValue<string>());
        Assert.DoesNotContain(issues, i => i.IsError);
    }

    [Theory]
    [InlineData(DecisionOutcome.MeetsCriteria, "auth-needed")]
    [InlineData(DecisionOutcome.CannotBeDetermined, "auth-needed")]
    [InlineData(DecisionOutcome.NotMedicallyNecessary, "no-auth")]
    [InlineData(DecisionOutcome.Investigational, "no-auth")]
    public void GivenADecision_WhenAnnotated_ThenPaNeededIsAlwaysStatedAsCrd201CrdCiQ2Requires(DecisionOutcome outcome, string paNeeded)
    {
        // Arrange
        var assertion = Assertion(outcome, withDocumentation: false, mayRequestDocumentation: true);

        // Act
        var extension = SingleCoverageInformation(CoverageInformation.Annotate(DraftServiceRequest(), assertion, BillingCodes));

        // Assert
        Assert.Equal("auth-needed", PriorAuthorization);
        Assert.Equal(paNeeded, Part(extension, "pa-needed")?["valueCode"]?.GetValue<string>());
    }

    [Fact]
    public void GivenAnEarlierAssertion_WhenAnnotatedAgain_ThenOnlyTheNewOneRemainsAndItConforms()
    {
        // Arrange: an order that already carries a coverage-information extension (a re-evaluated draft).
        var first = CoverageInformation.Annotate(DraftServiceRequest(), Assertion(DecisionOutcome.CannotBeDetermined, false, true), BillingCodes);
        using var document = JsonDocument.Parse($$"""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{{first.ToJsonString()}}}]}""");
        Assert.True(DraftOrder.TryParseBundle(document.RootElement, out var orders, out var error), error);

        // Act
        var second = CoverageInformation.Annotate(Assert.Single(orders), Assertion(DecisionOutcome.MeetsCriteria, false, true), BillingCodes);
        var issues = Validator.ValidateResource(second);

        // Assert
        Assert.Equal("covered", Part(SingleCoverageInformation(second), "covered")?["valueCode"]?.GetValue<string>());
        Assert.DoesNotContain(issues, i => i.IsError);
    }

    private static CoverageAssertion Assertion(DecisionOutcome outcome, bool withDocumentation, bool mayRequestDocumentation)
    {
        var decision = new CoverageDecision(
            PolicyId: "dli-45.03",
            OrderReference: "ServiceRequest/dli-1",
            Outcome: outcome,
            DecidingCriterion: outcome switch
            {
                DecisionOutcome.MeetsCriteria => CriterionIds.I,
                DecisionOutcome.NotMedicallyNecessary => CriterionIds.NotMedicallyNecessary,
                DecisionOutcome.Investigational => CriterionIds.OtherIndication,
                _ => CriterionIds.RelapsedOrRefractory,
            },
            Reason: $"Medical Policy 45.03: {outcome}.",
            Criteria: [],
            Missing: outcome == DecisionOutcome.CannotBeDetermined
                ? [new MissingItem(CriterionIds.RelapsedOrRefractory, "Disease status after HCT", "Attach the latest bone marrow biopsy report.")]
                : [],
            Documentation: withDocumentation
                ? [new MissingItem(CriterionIds.MixedChimerism, "Chimerism result", "Attach the chimerism study.")]
                : []);
        return CoverageAssertion.From(decision, CoverageReference, PriorAuthorization, mayRequestDocumentation, Today, "a7d1c3e0-5b7f-4c35-9a39-0d7f3f4d2b11");
    }

    internal static DraftOrder DraftServiceRequest()
    {
        const string bundle = """
            {
              "resourceType": "Bundle",
              "type": "collection",
              "entry": [
                {
                  "resource": {
                    "resourceType": "ServiceRequest",
                    "id": "dli-1",
                    "status": "draft",
                    "intent": "order",
                    "code": {
                      "coding": [
                        { "system": "http://www.ama-assn.org/go/cpt", "code": "38242", "display": "Allogeneic lymphocyte infusions" }
                      ]
                    },
                    "subject": { "reference": "Patient/pat-1" },
                    "authoredOn": "2025-03-14T09:30:00Z",
                    "requester": { "reference": "Practitioner/prac-1" },
                    "insurance": [ { "reference": "Coverage/cov-1" } ]
                  }
                }
              ]
            }
            """;
        using var document = JsonDocument.Parse(bundle);
        Assert.True(DraftOrder.TryParseBundle(document.RootElement, out var orders, out var error), error);
        return Assert.Single(orders);
    }

    internal static JsonObject SingleCoverageInformation(JsonObject resource) =>
        Assert.Single(
            resource["extension"]!.AsArray(),
            e => e?["url"]?.GetValue<string>() == CoverageAssertion.Extension)!.AsObject();

    internal static JsonObject? Part(JsonObject extension, string url) =>
        extension["extension"]!.AsArray().FirstOrDefault(e => e?["url"]?.GetValue<string>() == url)?.AsObject();
}
