using System.Text.Json.Nodes;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Evaluation;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Tests.Crd;

/// <summary>
/// The validator itself: it loads the CRD 2.0.1 definitions, and it rejects coverage-information extensions that break
/// a cardinality, a type, a required binding or one of the invariants crd-ci-q1..q5. Each case starts from a valid
/// extension written by <see cref="CoverageInformation.Annotate"/> and changes one thing.
/// </summary>
public sealed class CrdProfileValidatorTests
{
    private static CrdProfileValidator Validator => CrdProfileValidator.Shared;

    [Fact]
    public async System.Threading.Tasks.Task GivenTheTestData_WhenResolved_ThenTheCrd201DefinitionsAreUsed()
    {
        // Act
        var extension = await Validator.ResolveAsync<StructureDefinition>(CrdProfileValidator.CoverageInformationProfile);
        var coverageInfo = await Validator.ResolveAsync<ValueSet>("http://hl7.org/fhir/us/davinci-crd/ValueSet/coverageInfo");
        var serviceRequest = await Validator.ResolveAsync<StructureDefinition>("http://hl7.org/fhir/StructureDefinition/ServiceRequest");

        // Assert
        Assert.NotNull(extension);
        Assert.Equal("2.0.1", extension.Version);
        Assert.Equal(["crd-ci-q1", "crd-ci-q2", "crd-ci-q3", "crd-ci-q4", "crd-ci-q5"], extension.Snapshot!.Element[0].Constraint.Select(c => c.Key ?? string.Empty).Where(k => k.StartsWith("crd-", StringComparison.Ordinal)));
        Assert.NotNull(coverageInfo);
        Assert.Equal("2.0.1", coverageInfo.Version);
        Assert.NotNull(serviceRequest);
        Assert.Equal(FHIRVersion.N4_0_1, serviceRequest.FhirVersion);
    }

    [Fact]
    public void GivenAValidExtension_WhenNothingIsChanged_ThenThereAreNoErrors()
    {
        // The baseline every negative case below departs from.
        Assert.DoesNotContain(Validator.ValidateCoverageInformation(Covered()), i => i.IsError);
        Assert.DoesNotContain(Validator.ValidateCoverageInformation(Conditional()), i => i.IsError);
    }

    [Theory]
    [InlineData("covered", "maybe", "coverageInfo")]
    [InlineData("pa-needed", "maybe", "coveragePaDetail")]
    [InlineData("doc-needed", "some", "AdditionalDocumentation")]
    [InlineData("doc-purpose", "PA", "DocReason")]
    [InlineData("info-needed", "everything", "informationNeeded")]
    public void GivenACodeOutsideItsRequiredValueSet_WhenValidated_ThenTheBindingIsAnError(string part, string code, string valueSet)
    {
        // Arrange
        var extension = Conditional();
        Set(extension, part, "valueCode", code);

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        Assert.Contains(issues, i => i.IsError && i.Message.Contains($"'{code}'", StringComparison.Ordinal)
            && i.Message.Contains($"/ValueSet/{valueSet}", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAValidExtension_WhenReadBack_ThenItCarriesEveryPartTheServiceWrites()
    {
        // Guards the baseline: the parts the negative cases tamper with are really there.
        var parts = Conditional()["extension"]!.AsArray().Select(e => e?["url"]?.GetValue<string>()).ToList();

        Assert.Equal(["coverage", "covered", "pa-needed", "doc-needed", "doc-purpose", "info-needed", "reason", "date", "coverage-assertion-id"], parts);
    }

    [Theory]
    [InlineData("coverage")]
    [InlineData("covered")]
    [InlineData("date")]
    [InlineData("coverage-assertion-id")]
    public void GivenARequiredPartMissing_WhenValidated_ThenItIsAnError(string part)
    {
        // Arrange
        var extension = Covered();
        Remove(extension, part);

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        Assert.Contains(issues, i => i.IsError && i.Message.Contains(part, StringComparison.Ordinal));
    }

    [Fact]
    public void GivenADuplicatedSingleValuedPart_WhenValidated_ThenTheCardinalityIsAnError()
    {
        // Arrange
        var extension = Covered();
        extension["extension"]!.AsArray().Add(new JsonObject { ["url"] = "coverage-assertion-id", ["valueString"] = "second" });

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        Assert.Contains(issues, i => i.IsError && i.Message.Contains("coverage-assertion-id", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAPartWithTheWrongValueType_WhenValidated_ThenItIsAnError()
    {
        // Arrange: date must be valueDate.
        var extension = Covered();
        Remove(extension, "date");
        extension["extension"]!.AsArray().Add(new JsonObject { ["url"] = "date", ["valueString"] = "2025-03-14" });

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        Assert.Contains(issues, i => i.IsError && i.Message.Contains("(for slice date)", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAnExtensionWithAValueOfItsOwn_WhenValidated_ThenItIsAnError()
    {
        // Arrange: a complex extension has parts, never Extension.value[x] (max 0).
        var extension = Covered();
        extension["valueString"] = "covered";

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        Assert.Contains(issues, i => i.IsError && i.Message.Contains("0..0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("covered")]
    [InlineData("conditional")]
    public void GivenCoveredOrConditionalWithoutPaNeeded_WhenValidated_ThenCrdCiQ2Fails(string covered)
    {
        // Arrange: CRD 2.0.1 crd-ci-q2 reads "covered != not-covered implies pa-needed exists".
        var extension = covered == "covered" ? Covered() : Conditional();
        Remove(extension, "pa-needed");

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        AssertInvariantFails(issues, "crd-ci-q2");
    }

    [Fact]
    public void GivenNotCoveredWithoutPaNeeded_WhenValidated_ThenCrd201CrdCiQ2Fails()
    {
        // Arrange: the 2.0.1 expression's left side is empty for not-covered, so without pa-needed the invariant
        // evaluates to empty, which is a failure (FHIRPath: {} implies false = {}). This is why the service sends no-auth.
        var extension = Covered();
        Set(extension, "covered", "valueCode", "not-covered");
        Remove(extension, "pa-needed");

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        AssertInvariantFails(issues, "crd-ci-q2");
    }

    [Fact]
    public void GivenNotCoveredWithPaNeeded_WhenValidated_ThenCrd201AcceptsIt()
    {
        // Arrange: 2.0.1's crd-ci-q2 holds for not-covered only when pa-needed is present (later versions forbid it).
        var extension = Covered();
        Set(extension, "covered", "valueCode", "not-covered");
        Set(extension, "pa-needed", "valueCode", "no-auth");

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        Assert.DoesNotContain(issues, i => i.IsError);
    }

    [Fact]
    public void GivenInfoNeededWithoutAnythingConditional_WhenValidated_ThenCrdCiQ3Fails()
    {
        // Arrange
        var extension = Covered();
        extension["extension"]!.AsArray().Add(new JsonObject { ["url"] = "info-needed", ["valueCode"] = "OTH" });

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        AssertInvariantFails(issues, "crd-ci-q3");
    }

    [Fact]
    public void GivenPaSatisfiedWithoutItsId_WhenValidated_ThenCrdCiQ5Fails()
    {
        // Arrange
        var extension = Covered();
        Set(extension, "pa-needed", "valueCode", "satisfied");

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        AssertInvariantFails(issues, "crd-ci-q5");
    }

    [Fact]
    public void GivenASatisfiedPaIdWithoutPaSatisfied_WhenValidated_ThenCrdCiQ5Fails()
    {
        // Arrange
        var extension = Covered();
        extension["extension"]!.AsArray().Add(new JsonObject { ["url"] = "satisfied-pa-id", ["valueString"] = "PA-123" });

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        AssertInvariantFails(issues, "crd-ci-q5");
    }

    [Fact]
    public void GivenPaSatisfiedWithItsId_WhenValidated_ThenThereAreNoErrors()
    {
        // Arrange: the positive side of crd-ci-q5, so the negative cases above fail for the right reason.
        var extension = Covered();
        Set(extension, "pa-needed", "valueCode", "satisfied");
        extension["extension"]!.AsArray().Add(new JsonObject { ["url"] = "satisfied-pa-id", ["valueString"] = "PA-123" });

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        Assert.DoesNotContain(issues, i => i.IsError);
    }

    [Fact]
    public void GivenAQuestionnaireWithoutDocNeeded_WhenValidated_ThenCrdCiQ1Fails()
    {
        // Arrange
        var extension = Covered();
        extension["extension"]!.AsArray().Add(new JsonObject { ["url"] = "questionnaire", ["valueCanonical"] = "http://example.org/Questionnaire/dli" });

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        AssertInvariantFails(issues, "crd-ci-q1");
    }

    [Fact]
    public void GivenAQuestionnaireWithDocNeeded_WhenValidated_ThenThereAreNoErrors()
    {
        // Arrange: the positive side of crd-ci-q1.
        var extension = Conditional();
        extension["extension"]!.AsArray().Add(new JsonObject { ["url"] = "questionnaire", ["valueCanonical"] = "http://example.org/Questionnaire/dli" });

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        Assert.Contains(extension["extension"]!.AsArray(), e => e?["url"]?.GetValue<string>() == "doc-needed");
        Assert.DoesNotContain(issues, i => i.IsError);
    }

    [Fact]
    public void GivenAnUnparseableDate_WhenValidated_ThenItIsAnError()
    {
        // Arrange
        var extension = Covered();
        Set(extension, "date", "valueDate", "14/03/2025");

        // Act
        var issues = Validator.ValidateCoverageInformation(extension);

        // Assert
        Assert.Contains(issues, i => i.IsError && i.Message.Contains("'14/03/2025'", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenATamperedExtensionOnTheServiceRequest_WhenTheResourceIsValidated_ThenTheExtensionIsCheckedToo()
    {
        // Arrange
        var resource = CoverageInformation.Annotate(CoverageInformationProfileTests.DraftServiceRequest(), Assertion(DecisionOutcome.MeetsCriteria));
        Set(CoverageInformationProfileTests.SingleCoverageInformation(resource), "covered", "valueCode", "maybe");

        // Act
        var issues = Validator.ValidateResource(resource);

        // Assert
        Assert.Contains(issues, i => i.IsError && i.Message.Contains("'maybe'", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAServiceRequestBreakingBaseR4_WhenValidated_ThenItIsAnError()
    {
        // Arrange: intent is 1..1 in R4 ServiceRequest.
        var resource = CoverageInformation.Annotate(CoverageInformationProfileTests.DraftServiceRequest(), Assertion(DecisionOutcome.MeetsCriteria));
        resource.Remove("intent");

        // Act
        var issues = Validator.ValidateResource(resource);

        // Assert
        Assert.Contains(issues, i => i.IsError && i.Message.Contains("intent", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAnotherExtension_WhenValidatedAsCoverageInformation_ThenItIsAnError()
    {
        // Act
        var issues = Validator.ValidateCoverageInformation(new JsonObject { ["url"] = "http://example.org/other", ["valueString"] = "x" });

        // Assert
        Assert.Contains(issues, i => i.IsError && i.Location == "Extension.url");
    }

    private static void AssertInvariantFails(IReadOnlyList<ProfileIssue> issues, string key) =>
        Assert.True(
            issues.Any(i => i.IsError && i.Message.Contains(key, StringComparison.Ordinal)),
            $"Expected {key} to fail; issues: [{string.Join("; ", issues)}]");

    private static CoverageAssertion Assertion(DecisionOutcome outcome) =>
        CoverageAssertion.From(
            new CoverageDecision("dli-45.03", "ServiceRequest/dli-1", outcome, CriterionIds.I, "Medical Policy 45.03.", [], [], []),
            "Coverage/cov-1",
            "auth-needed",
            mayRequestDocumentation: true,
            new DateOnly(2025, 3, 14),
            "assertion-1");

    /// <summary>covered, pa-needed auth-needed, no documentation.</summary>
    private static JsonObject Covered() =>
        CoverageInformationProfileTests.SingleCoverageInformation(
            CoverageInformation.Annotate(CoverageInformationProfileTests.DraftServiceRequest(), Assertion(DecisionOutcome.MeetsCriteria)));

    /// <summary>conditional, pa-needed auth-needed, doc-needed clinical, doc-purpose withpa, info-needed OTH.</summary>
    private static JsonObject Conditional()
    {
        var extension = CoverageInformationProfileTests.SingleCoverageInformation(
            CoverageInformation.Annotate(CoverageInformationProfileTests.DraftServiceRequest(), Assertion(DecisionOutcome.CannotBeDetermined)));
        foreach (var part in new[] { "covered", "pa-needed", "doc-needed", "doc-purpose", "info-needed" })
        {
            Assert.NotNull(CoverageInformationProfileTests.Part(extension, part));
        }

        return extension;
    }

    private static void Set(JsonObject extension, string part, string valueName, string value)
    {
        if (CoverageInformationProfileTests.Part(extension, part) is { } existing)
        {
            foreach (var key in existing.Select(p => p.Key).Where(k => k.StartsWith("value", StringComparison.Ordinal)).ToList())
            {
                existing.Remove(key);
            }

            existing[valueName] = value;
            return;
        }

        extension["extension"]!.AsArray().Add(new JsonObject { ["url"] = part, [valueName] = value });
    }

    private static void Remove(JsonObject extension, string part)
    {
        var parts = extension["extension"]!.AsArray();
        var before = parts.Count;
        for (var i = parts.Count - 1; i >= 0; i--)
        {
            if (parts[i]?["url"]?.GetValue<string>() == part)
            {
                parts.RemoveAt(i);
            }
        }

        Assert.True(parts.Count < before, $"No '{part}' to remove.");
    }
}
