using System.Text.Json.Nodes;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Tests.Policy;

namespace Cds.FhirMapping.Tests.Conditioning;

/// <summary>
/// Criterion I.B from the doses on record, under the default definition (Bacigalupo 2009). The transplant's graft is
/// coded not T-cell depleted (PCS 30233Y3), so a myeloablative regimen makes I.B not met and a reduced-intensity or
/// non-myeloablative one makes it met. Weight 70 kg, height 170 cm (BSA 1.82 m²) unless a row says otherwise.
/// </summary>
public sealed class ConditioningIntensityTests
{
    private static readonly Dictionary<string, (Func<ConditioningFixture, ConditioningFixture> Record, CriterionStatus Expected, string Statement)> Rows = new(StringComparer.Ordinal)
    {
        // Busulfan IV: myeloablative above 6.4 mg/kg (4 days of q6h doses)
        ["Bu IV just below"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("busulfan", 0.39m, "mg/kg", -5, 4, perDay: 4), CriterionStatus.Met, "Flu 150 mg/m² + Bu 6.24 mg/kg IV: reduced intensity per Bacigalupo 2009 (Flu/Bu"),
        ["Bu IV at"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("busulfan", 0.4m, "mg/kg", -5, 4, perDay: 4), CriterionStatus.Met, "Bu 6.4 mg/kg IV: reduced intensity"),
        ["Bu IV just above"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("busulfan", 0.41m, "mg/kg", -5, 4, perDay: 4), CriterionStatus.NotMet, "Bu 6.56 mg/kg IV: myeloablative per Bacigalupo 2009 (Bu 6.56 mg/kg IV > 6.4 mg/kg (intravenous))"),
        // Busulfan oral: above 8 mg/kg
        ["Bu PO just below"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("busulfan", 1.95m, "mg/kg", -5, 4, "oral"), CriterionStatus.Met, "Bu 7.8 mg/kg PO: reduced intensity"),
        ["Bu PO at"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("busulfan", 2m, "mg/kg", -5, 4, "oral"), CriterionStatus.Met, "Bu 8 mg/kg PO: reduced intensity"),
        ["Bu PO just above"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("busulfan", 2.05m, "mg/kg", -5, 4, "oral"), CriterionStatus.NotMet, "Bu 8.2 mg/kg PO: myeloablative"),
        // Melphalan: above 140 mg/m²
        ["Mel just below"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("melphalan", 130, "mg/m2", -1), CriterionStatus.Met, "Flu 150 mg/m² + Mel 130 mg/m²: reduced intensity per Bacigalupo 2009 (Flu/Mel"),
        ["Mel at"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("melphalan", 140, "mg/m2", -1), CriterionStatus.Met, "Flu 150 mg/m² + Mel 140 mg/m²: reduced intensity per Bacigalupo 2009 (Flu/Mel"),
        ["Mel just above"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("melphalan", 141, "mg/m2", -1), CriterionStatus.NotMet, "Mel 141 mg/m²: myeloablative per Bacigalupo 2009 (Mel 141 mg/m² > 140 mg/m²)"),
        // TBI single dose: myeloablative at 5 Gy
        ["TBI single just below"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Tbi(490, 1), CriterionStatus.Met, "Flu 150 mg/m² + TBI 4.9 Gy in 1 fraction: reduced intensity"),
        ["TBI single at"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Tbi(500, 1), CriterionStatus.NotMet, "TBI 5 Gy in 1 fraction: myeloablative per Bacigalupo 2009 (TBI 5 Gy in 1 fraction ≥ 5 Gy (single))"),
        ["TBI single just above"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Tbi(510, 1), CriterionStatus.NotMet, "myeloablative"),
        // TBI fractionated: myeloablative at 8 Gy
        ["TBI fractionated just below"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Tbi(790, 4, courseDays: 2), CriterionStatus.Met, "TBI 7.9 Gy in 4 fractions: reduced intensity"),
        ["TBI fractionated at"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Tbi(800, 4, courseDays: 2), CriterionStatus.NotMet, "TBI 8 Gy in 4 fractions ≥ 8 Gy (fractionated)"),
        ["TBI fractionated just above"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Tbi(810, 4, courseDays: 2), CriterionStatus.NotMet, "myeloablative"),

        // Named regimens
        ["TBI 2 Gy alone"] = (f => f.Tbi(200, 1, lastDay: 0), CriterionStatus.Met, "TBI 2 Gy in 1 fraction: non-myeloablative per Bacigalupo 2009 (TBI 2 Gy)"),
        ["Flu + TBI 2 Gy"] = (f => f.Given("fludarabine", 30, "mg/m2", -4, 3).Tbi(200, 1, lastDay: 0), CriterionStatus.Met, "Flu 90 mg/m² + TBI 2 Gy in 1 fraction: non-myeloablative"),
        ["Flu/Cy"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("cyclophosphamide", 60, "mg/kg", -7, 2), CriterionStatus.Met, "Flu 150 mg/m² + Cy 120 mg/kg: non-myeloablative per Bacigalupo 2009 (Flu/Cy)"),
        ["Flu/Cy/TBI 2 Gy (haplo)"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("cyclophosphamide", 14.5m, "mg/kg", -6, 2).Tbi(200, 1), CriterionStatus.Met, "Flu 150 mg/m² + Cy 29 mg/kg + TBI 2 Gy in 1 fraction: non-myeloablative per Bacigalupo 2009 (Flu/Cy/TBI 2 Gy)"),
        ["Flu/Mel 140"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("melphalan", 140, "mg/m2", -1), CriterionStatus.Met, "Flu 150 mg/m² + Mel 140 mg/m²: reduced intensity per Bacigalupo 2009 (Flu/Mel, below every myeloablative threshold)"),
        ["Flu/Bu2"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("busulfan", 3.2m, "mg/kg", -3, 2), CriterionStatus.Met, "Flu 150 mg/m² + Bu 6.4 mg/kg IV: reduced intensity per Bacigalupo 2009 (Flu/Bu"),
        ["Bu/Cy (busulfan 16 doses over 4 days)"] = (f => f.Given("busulfan", 0.8m, "mg/kg", -7, 4, perDay: 4).Given("cyclophosphamide", 60, "mg/kg", -3, 2), CriterionStatus.NotMet, "Bu 12.8 mg/kg IV + Cy 120 mg/kg: myeloablative"),
        ["Cy/TBI 12 Gy"] = (f => f.Given("cyclophosphamide", 60, "mg/kg", -6, 2).Tbi(1200, 6, courseDays: 3), CriterionStatus.NotMet, "Cy 120 mg/kg + TBI 12 Gy in 6 fractions: myeloablative per Bacigalupo 2009 (TBI 12 Gy in 6 fractions ≥ 8 Gy (fractionated))"),
        ["Flu/Treo is not named"] = (f => f.Given("fludarabine", 30, "mg/m2", -6, 5).Given("treosulfan", 14, "g/m2", -6, 3), CriterionStatus.Unknown, "Flu 150 mg/m² + Treo 42 g/m²: intensity unknown per Bacigalupo 2009 (not a combination the definition names)"),
    };

    public static TheoryData<string> RowNames => new(Rows.Keys);

    [Theory]
    [MemberData(nameof(RowNames))]
    public void GivenConditioningDoses_WhenEvaluated_ThenIBFollowsTheDefinitionAndStatesTheRegimen(string row)
    {
        // Arrange
        var (record, expected, statement) = Rows[row];
        var fixture = record(new ConditioningFixture().Weight(70).Height(170));

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.True(expected == criterion.Status, $"{row}: {criterion.Status} {criterion.Summary}");
        Assert.Contains(statement, criterion.Summary + " " + string.Join(" ", criterion.Evidence.Select(e => e.Value)), StringComparison.Ordinal);
        if (expected != CriterionStatus.Unknown)
        {
            Assert.Contains(criterion.Evidence, e => e.ResourceType is "MedicationAdministration" or "Procedure" && e.Value?.Contains(" per Bacigalupo 2009", StringComparison.Ordinal) == true);
            Assert.Contains(criterion.Evidence, e => e.Id?.StartsWith("obs-vital-", StringComparison.Ordinal) == true || e.Id?.StartsWith("proc-tbi-", StringComparison.Ordinal) == true);
        }
    }

    [Fact]
    public void GivenBusulfanInMilligramsAndNoWeight_WhenEvaluated_ThenTheIntensityIsUnknownNeverGuessed()
    {
        // Arrange: 16 doses of 56 mg (0.8 mg/kg for 70 kg), no weight on record
        var fixture = new ConditioningFixture().Height(170).Given("busulfan", 56, "mg", -7, 4, perDay: 4).Given("cyclophosphamide", 60, "mg/kg", -3, 2);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Unknown, criterion.Status);
        Assert.Contains("Bu dose unknown: 56 mg on record without a body weight", criterion.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenBusulfanInMilligramsWithAWeight_WhenEvaluated_ThenTheDoseIsNormalisedByThatWeight()
    {
        // Arrange: the same 16 × 56 mg with 70 kg on record: 12.8 mg/kg
        var fixture = new ConditioningFixture().Weight(70).Given("busulfan", 56, "mg", -7, 4, perDay: 4).Given("cyclophosphamide", 60, "mg/kg", -3, 2);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.NotMet, criterion.Status);
        Assert.Contains("Bu 12.8 mg/kg IV + Cy 120 mg/kg: myeloablative", criterion.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenMelphalanInMilligramsAndNoHeight_WhenEvaluated_ThenTheIntensityIsUnknown()
    {
        // Arrange: 255 mg melphalan (140 mg/m² for 1.82 m²) with a weight but no height
        var fixture = new ConditioningFixture().Weight(70).Given("fludarabine", 30, "mg/m2", -6, 5).Given("melphalan", 255, "mg", -1);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Unknown, criterion.Status);
        Assert.Contains("Mel dose unknown: 255 mg on record without a body weight and height", criterion.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenMelphalanInMilligramsWithWeightAndHeight_WhenEvaluated_ThenTheDoseIsPerSquareMetreByMosteller()
    {
        // Arrange: 255 mg / √(170 × 70 / 3600) = 255 / 1.818 = 140.3 mg/m²: above 140, myeloablative by Bacigalupo
        var fixture = new ConditioningFixture().Weight(70).Height(170).Given("fludarabine", 30, "mg/m2", -6, 5).Given("melphalan", 255, "mg", -1);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.NotMet, criterion.Status);
        Assert.Contains("Mel 140.25 mg/m²", criterion.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAWeightOutsideTheLimitFromTheConditioning_WhenEvaluated_ThenItDoesNotNormaliseTheDose()
    {
        // Arrange: the only weight is 45 days before the first dose (the policy file allows 30)
        var fixture = new ConditioningFixture().Weight(70, day: -52).Given("busulfan", 56, "mg", -7, 4, perDay: 4).Given("cyclophosphamide", 60, "mg/kg", -3, 2);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Unknown, criterion.Status);
        Assert.Contains("without a body weight", criterion.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenBusulfanWithoutARoute_WhenTheDoseLiesBetweenTheOralAndIvThresholds_ThenTheIntensityIsUnknown()
    {
        // Arrange: 7.2 mg/kg is above the IV threshold (6.4) and below the oral one (8): the route decides
        var administrations = Enumerable.Range(0, 4).Select(d =>
        {
            var fixture = new ConditioningFixture();
            var a = fixture.Administration("busulfan", 1.8m, "mg/kg", ConditioningFixture.HctDay.AddDays(-5 + d).ToDateTime(new TimeOnly(8, 0)), "intravenous", coded: true);
            a["id"] = $"ma-bu-noroute-{d}";
            a["dosage"]!.AsObject().Remove("route");
            return a;
        });
        var record = new ConditioningFixture().Weight(70).Given("fludarabine", 30, "mg/m2", -6, 5);
        foreach (var a in administrations)
        {
            record.With(a);
        }

        // Act
        var criterion = record.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Unknown, criterion.Status);
        Assert.Contains("Bu 7.2 mg/kg: route not recorded", criterion.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenPostTransplantCyclophosphamide_WhenEvaluated_ThenItIsNotPartOfTheConditioning()
    {
        // Arrange: Flu/Bu2 before the HCT, Cy 50 mg/kg on days +3 and +4 (GVHD prophylaxis)
        var fixture = new ConditioningFixture().Weight(70).Height(170)
            .Given("fludarabine", 30, "mg/m2", -6, 5).Given("busulfan", 3.2m, "mg/kg", -3, 2).Given("cyclophosphamide", 50, "mg/kg", 3, 2);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Met, criterion.Status);
        Assert.Contains("Flu 150 mg/m² + Bu 6.4 mg/kg IV: reduced intensity", criterion.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Cy", criterion.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAnOldUnrelatedCourseOfChemotherapy_WhenEvaluated_ThenOnlyTheWindowBeforeTheHctCounts()
    {
        // Arrange: melphalan 200 mg/m² 30 days before the HCT (outside the 14-day window), Flu/Mel 140 in it
        var fixture = new ConditioningFixture().Weight(70).Height(170)
            .Given("melphalan", 200, "mg/m2", -30).Given("fludarabine", 30, "mg/m2", -6, 5).Given("melphalan", 140, "mg/m2", -1);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Met, criterion.Status);
        Assert.Contains("Mel 140 mg/m²", criterion.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenDosesNamedOnlyInWords_WhenEvaluated_ThenTheAgentsAreRecognisedByName()
    {
        // Arrange: local medication codes, names only ("fludarabine phosphate 50 MG Injection")
        var fixture = new ConditioningFixture().Weight(70).Height(170)
            .Given("fludarabine", 30, "mg/m2", -6, 5, coded: false).Given("melphalan", 140, "mg/m2", -1, coded: false);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Met, criterion.Status);
        Assert.Contains("Flu 150 mg/m² + Mel 140 mg/m²: reduced intensity", criterion.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenOnlyOrdersForAMyeloablativeRegimen_WhenEvaluated_ThenItIsForReviewNotNotMet()
    {
        // Arrange: Bu/Cy as MedicationRequests, no administrations on record
        var fixture = new ConditioningFixture().Weight(70).Ordered("busulfan", 3.2m, "mg/kg", -7, 4).Ordered("cyclophosphamide", 60, "mg/kg", -3, 2);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Unknown, criterion.Status);
        Assert.Contains(criterion.Review, r => r.What.Contains("only from orders or statements", StringComparison.Ordinal) && r.What.Contains("Bu 12.8 mg/kg IV + Cy 120 mg/kg", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenOrdersAndAdministrations_WhenEvaluated_ThenTheAdministrationsDecide()
    {
        // Arrange: the order said Bu 3.2 mg/kg × 4 days; what was given is Flu/Bu2 (2 days)
        var fixture = new ConditioningFixture().Weight(70).Height(170)
            .Ordered("busulfan", 3.2m, "mg/kg", -7, 4).Given("fludarabine", 30, "mg/m2", -6, 5).Given("busulfan", 3.2m, "mg/kg", -3, 2);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Met, criterion.Status);
        Assert.DoesNotContain(criterion.Evidence, e => e.ResourceType == "MedicationRequest");
    }

    [Fact]
    public void GivenAStatedReducedIntensityAndMyeloablativeDoses_WhenEvaluated_ThenItIsAConflictForReview()
    {
        // Arrange: the conditioning record says RIC; the administrations are Bu 12.8 mg/kg + Cy 120 mg/kg
        var fixture = new ConditioningFixture().Weight(70)
            .StatedConditioning("Reduced-intensity conditioning regimen").Given("busulfan", 0.8m, "mg/kg", -7, 4, perDay: 4).Given("cyclophosphamide", 60, "mg/kg", -3, 2);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Unknown, criterion.Status);
        var review = Assert.Single(criterion.Review);
        Assert.Contains("Conflicting records on conditioning intensity", review.What, StringComparison.Ordinal);
        Assert.Contains("myeloablative per Bacigalupo 2009", review.What, StringComparison.Ordinal);
        Assert.Contains("Procedure/proc-conditioning-ric-2024", review.What, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAStatedMyeloablativeAndReducedIntensityDoses_WhenEvaluated_ThenItIsAConflictNotMet()
    {
        // Arrange: the record says myeloablative; the doses are Flu/Mel 140
        var fixture = new ConditioningFixture().Weight(70).Height(170)
            .StatedConditioning("Myeloablative conditioning").Given("fludarabine", 30, "mg/m2", -6, 5).Given("melphalan", 140, "mg/m2", -1);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Unknown, criterion.Status);
        Assert.Contains(criterion.Review, r => r.What.Contains("Conflicting records on conditioning intensity", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAStatedIntensityThatAgreesWithTheDoses_WhenEvaluated_ThenBothAreCited()
    {
        // Arrange
        var fixture = new ConditioningFixture().Weight(70).Height(170)
            .StatedConditioning("Reduced-intensity conditioning: Flu/Mel 140").Given("fludarabine", 30, "mg/m2", -6, 5).Given("melphalan", 140, "mg/m2", -1);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Met, criterion.Status);
        Assert.Contains(criterion.Evidence, e => e.Reference == "Procedure/proc-conditioning-ric-2024");
        Assert.Contains(criterion.Evidence, e => e.Value?.Contains("reduced intensity per Bacigalupo 2009", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void GivenAtgInAMyeloablativeConditioning_WhenEvaluated_ThenInVivoDepletionIsShownAndTheGraftIsNotDepleted()
    {
        // Arrange: Bu/Cy + rabbit ATG 2.5 mg/kg × 3 days, graft coded not T-cell depleted
        var fixture = new ConditioningFixture().Weight(70)
            .Given("busulfan", 0.8m, "mg/kg", -7, 4, perDay: 4).Given("cyclophosphamide", 60, "mg/kg", -3, 2).Given("atg", 2.5m, "mg/kg", -3, 3);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.NotMet, criterion.Status);
        Assert.Contains(criterion.Evidence, e => e.Id?.StartsWith("ma-atg-", StringComparison.Ordinal) == true);
        Assert.Contains("Bu 12.8 mg/kg IV + Cy 120 mg/kg + ATG 7.5 mg/kg: myeloablative", criterion.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenTheInVivoSwitchOn_WhenAtgIsInTheConditioning_ThenItCountsAsATCellDepletedGraft()
    {
        // Arrange
        var tree = ShippedPolicyFile.Tree();
        tree["conditioning"]!["countInVivoDepletionAsTCellDepleted"] = true;
        var policy = ShippedPolicyFile.Load(tree.ToJsonString());
        var fixture = new ConditioningFixture().Weight(70)
            .Given("busulfan", 0.8m, "mg/kg", -7, 4, perDay: 4).Given("cyclophosphamide", 60, "mg/kg", -3, 2).Given("alemtuzumab", 20, "mg", -5, 5);

        // Act
        var criterion = fixture.Decide(policy)["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Met, criterion.Status);
        Assert.Contains(criterion.Evidence, e => e.Id?.StartsWith("ma-alemtuzumab-", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void GivenExVivoDepletionAndMyeloablativeDoses_WhenEvaluated_ThenTheDepletedGraftMeetsIB()
    {
        // Arrange: CD34-selected graft (CPT 38210) with Bu/Cy
        var fixture = new ConditioningFixture().Weight(70)
            .With(Fixtures.FhirFixtures.Resource("Procedure/proc-graft-tcd-38210-2024"))
            .Given("busulfan", 0.8m, "mg/kg", -7, 4, perDay: 4).Given("cyclophosphamide", 60, "mg/kg", -3, 2);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Met, criterion.Status);
        Assert.StartsWith("High-risk setting: T-cell depleted graft", criterion.Summary, StringComparison.Ordinal);
    }
    [Fact]
    public void GivenTbiAsAnObservationInCentigray_WhenEvaluated_ThenItsDoseAndFractionsDecide()
    {
        // Arrange: Flu 90 mg/m² and a radiation Observation "Total body irradiation" 200 cGy, 1 fraction, on the HCT day
        var fixture = new ConditioningFixture().Weight(70).Height(170).Given("fludarabine", 30, "mg/m2", -4, 3);
        var tbi = fixture.Vital("29463-7", "unused", 1, "kg", 0);
        tbi["id"] = "obs-tbi-dose";
        tbi.Remove("category");
        tbi["code"] = new JsonObject { ["text"] = "Total body irradiation dose delivered" };
        tbi["valueQuantity"] = new JsonObject { ["value"] = 200, ["unit"] = "cGy", ["system"] = "http://unitsofmeasure.org", ["code"] = "cGy" };
        tbi["component"] = new JsonArray(new JsonObject
        {
            ["code"] = new JsonObject { ["text"] = "Number of fractions" },
            ["valueInteger"] = 1,
        });
        fixture.With(tbi);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Met, criterion.Status);
        Assert.Contains("Flu 90 mg/m² + TBI 2 Gy in 1 fraction: non-myeloablative per Bacigalupo 2009", criterion.Summary, StringComparison.Ordinal);
        Assert.Contains(criterion.Evidence, e => e.Reference == "Observation/obs-tbi-dose");
    }

    [Fact]
    public void GivenTbiWithoutItsFractions_WhenTheDoseLiesBetweenTheSingleAndFractionatedThresholds_ThenTheIntensityIsUnknown()
    {
        // Arrange: 6 Gy is myeloablative as a single dose (≥ 5) but not fractionated (< 8)
        var fixture = new ConditioningFixture().Weight(70).Height(170).Given("fludarabine", 30, "mg/m2", -6, 5).Tbi(600, fractions: null);

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Unknown, criterion.Status);
        Assert.Contains("TBI 6 Gy: fractionation not recorded", criterion.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAMedicationStatementWithACourseTotal_WhenNoAdministrationIsOnRecord_ThenItIsReadAsAnOrder()
    {
        // Arrange: a MedicationStatement "melphalan 140 mg/m2 once" and Flu as MedicationRequest
        var fixture = new ConditioningFixture().Weight(70).Height(170).Ordered("fludarabine", 30, "mg/m2", -6, 5);
        fixture.With(new JsonObject
        {
            ["resourceType"] = "MedicationStatement",
            ["id"] = "ms-melphalan",
            ["status"] = "completed",
            ["medicationCodeableConcept"] = new JsonObject { ["text"] = "Melphalan (Alkeran) IV" },
            ["subject"] = new JsonObject { ["reference"] = "Patient/pat-dli-001" },
            ["effectiveDateTime"] = "2024-03-11",
            ["dosage"] = new JsonArray(new JsonObject
            {
                ["timing"] = new JsonObject { ["repeat"] = new JsonObject { ["count"] = 1 } },
                ["doseAndRate"] = new JsonArray(new JsonObject { ["doseQuantity"] = new JsonObject { ["value"] = 140, ["unit"] = "mg/m²" } }),
            }),
        });

        // Act
        var criterion = fixture.Decide()["I.B"];

        // Assert
        Assert.Equal(CriterionStatus.Met, criterion.Status);
        Assert.Contains("Flu 150 mg/m² + Mel 140 mg/m²: reduced intensity", criterion.Summary, StringComparison.Ordinal);
        Assert.Contains(criterion.Evidence, e => e.Reference == "MedicationStatement/ms-melphalan");
    }
}
