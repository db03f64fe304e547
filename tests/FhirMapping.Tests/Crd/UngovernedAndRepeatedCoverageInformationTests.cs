using System.Text.Json.Nodes;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Evaluation;

namespace Cds.FhirMapping.Tests.Crd;

/// <summary>
/// The coverage information for orders no policy governs, and one repetition per Coverage when two of this payer's
/// apply, validated against CRD 2.0.1 with the Firely validator.
/// </summary>
public sealed class UngovernedAndRepeatedCoverageInformationTests
{
    private static readonly DateOnly Today = new(2025, 3, 14);

    [Theory]
    [InlineData(UngovernedAnswer.Conditional, "conditional", "conditional")]
    [InlineData(UngovernedAnswer.Covered, "covered", "no-auth")]
    public void GivenAnOrderNoPolicyGoverns_WhenAnnotatedForACrd20Client_ThenTheExtensionConformsToCrd201(UngovernedAnswer answer, string covered, string paNeeded)
    {
        // Arrange
        var assertion = UngovernedOrders.Assert(answer, "Coverage/cov-1", crdVersion: "2.0", Today, Guid.CreateVersion7().ToString())!;

        // Act
        var annotated = CoverageInformation.AnnotateAll(CoverageInformationProfileTests.DraftServiceRequest(), [assertion]);
        var extension = CoverageInformationProfileTests.SingleCoverageInformation(annotated);

        // Assert
        Assert.Equal(covered, Code(extension, "covered"));
        Assert.Equal(paNeeded, Code(extension, "pa-needed"));
        Assert.DoesNotContain(CrdProfileValidator.Shared.ValidateCoverageInformation(extension), i => i.IsError);
        Assert.DoesNotContain(CrdProfileValidator.Shared.ValidateResource(annotated), i => i.IsError);
    }

    [Fact]
    public void GivenACrd22Client_WhenAnOrderNoPolicyGovernsIsAnswered_ThenItIsIndeterminateAndNoneIsSaidWhenConfiguredOff()
    {
        // Act
        var crd22 = UngovernedOrders.Assert(UngovernedAnswer.Conditional, "Coverage/cov-1", "2.2", Today, "id-1")!;
        var off = UngovernedOrders.Assert(UngovernedAnswer.None, "Coverage/cov-1", "2.0", Today, "id-2");

        // Assert: CRD 2.2 crd-ci-q9: indeterminate needs a reason.
        Assert.Equal(("indeterminate", "indeterminate"), (crd22.Covered, crd22.PaNeeded));
        Assert.False(string.IsNullOrWhiteSpace(crd22.Reason));
        Assert.Null(off);
    }

    [Fact]
    public void GivenTwoOfThisPayersCoverages_WhenAnnotated_ThenEachHasItsOwnRepetitionAndAssertionIdAndTheResourceConforms()
    {
        // Arrange
        var decision = new CoverageDecision("dli-45.03", "ServiceRequest/dli-1", DecisionOutcome.MeetsCriteria, "I", "Criterion I met", [], [], []);
        CoverageAssertion[] assertions =
        [
            CoverageAssertion.From(decision, "Coverage/cov-1", "auth-needed", mayRequestDocumentation: true, Today, Guid.CreateVersion7().ToString()),
            CoverageAssertion.From(decision, "Coverage/cov-2", "auth-needed", mayRequestDocumentation: true, Today, Guid.CreateVersion7().ToString()),
        ];

        // Act
        var annotated = CoverageInformation.AnnotateAll(CoverageInformationProfileTests.DraftServiceRequest(), assertions, [("http://www.ama-assn.org/go/cpt", "38242")]);

        // Assert
        var repetitions = annotated["extension"]!.AsArray().Where(e => e!["url"]!.GetValue<string>() == CoverageAssertion.Extension).Select(e => e!.AsObject()).ToList();
        Assert.Equal(["Coverage/cov-1", "Coverage/cov-2"], repetitions.Select(r => Part(r, "coverage")!["valueReference"]!["reference"]!.GetValue<string>()));
        Assert.Equal(2, repetitions.Select(r => Part(r, "coverage-assertion-id")!["valueString"]!.GetValue<string>()).Distinct().Count());
        Assert.All(repetitions, r => Assert.DoesNotContain(CrdProfileValidator.Shared.ValidateCoverageInformation(r), i => i.IsError));
        Assert.DoesNotContain(CrdProfileValidator.Shared.ValidateResource(annotated), i => i.IsError);
    }

    private static JsonNode? Part(JsonObject extension, string url) =>
        extension["extension"]!.AsArray().FirstOrDefault(p => p!["url"]!.GetValue<string>() == url);

    private static string? Code(JsonObject extension, string url) => Part(extension, url)?["valueCode"]?.GetValue<string>();
}
