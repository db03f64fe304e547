using System.Text.Json.Nodes;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Tests.EvidenceModel;

/// <summary>
/// One test (or table) per class of reading defect found on records shaped the way EHRs send them (issue 10): each
/// starts from a patient who meets every criterion and changes the records of that class.
/// </summary>
public sealed class EvidenceModelTests
{
    private const string Relapse = "Condition/cond-aml-relapse-2025";
    private const string Hct = "Procedure/proc-hct-allo-tcd-2024";
    private const string MixedCd3 = "Observation/obs-chim-cd3-mixed-2025";

    [Fact]
    public void GivenTheFixture_WhenEvaluated_ThenItMeetsCriteria()
    {
        var decision = new EvidenceFixture().Decide();
        Assert.Equal(DecisionOutcome.MeetsCriteria, decision.Outcome);
        Assert.Empty(decision.Review);
    }

    // ---- Patient binding ----

    [Theory]
    [InlineData("Patient/someone-else")]
    [InlineData("https://ehr.example.org/fhir/Patient/someone-else")]
    [InlineData(null)]
    public void GivenTheOnlyRelapseAndChimerismBelongToAnotherPatientOrToNone_WhenEvaluated_ThenTheyAreDroppedAndNotEvidence(string? subject)
    {
        // Arrange
        var fixture = new EvidenceFixture();
        foreach (var reference in new[] { Relapse, MixedCd3 })
        {
            if (subject is null)
            {
                fixture[reference].Remove("subject");
            }
            else
            {
                fixture[reference]["subject"] = new JsonObject { ["reference"] = subject };
            }
        }

        // Act
        var decision = fixture.Decide();
        var record = fixture.Record();

        // Assert
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal(CriterionStatus.Unknown, decision["I.A"].Status);
        Assert.Equal(CriterionStatus.Unknown, decision["I.C"].Status);
        Assert.DoesNotContain(decision.Criteria.SelectMany(c => c.Evidence), e => e.Reference is Relapse or MixedCd3);
        Assert.Equal([Relapse, MixedCd3], record.NotThisPatient.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Patient/pat-dli-001/_history/3")]
    [InlineData("https://ehr.example.org/fhir/Patient/pat-dli-001")]
    public void GivenAReferenceToThePatientInAnotherForm_WhenRead_ThenTheResourceIsThePatients(string subject)
    {
        var fixture = new EvidenceFixture();
        fixture[Relapse]["subject"] = new JsonObject { ["reference"] = subject };
        Assert.Empty(fixture.Record().NotThisPatient);
        Assert.Equal(CriterionStatus.Met, fixture.Decide()["I.A"].Status);
    }

    [Fact]
    public void GivenAnotherPatientsCoverage_WhenRead_ThenItIsNotTheRecordsCoverage()
    {
        var fixture = new EvidenceFixture();
        fixture["Coverage/cov-regence-ppo"]["beneficiary"] = new JsonObject { ["reference"] = "Patient/someone-else" };
        var record = fixture.Record();
        Assert.Contains("Coverage/cov-regence-ppo", record.NotThisPatient);
    }

    // ---- Implied evidence never outranks explicit evidence ----

    [Theory]
    [InlineData("Condition/cond-gvhd-chronic-2024")]
    [InlineData(null)]
    public void GivenOnlyAnAutologousHct_WhenGvhdOrChimerismImpliesAnAllogeneicGraft_ThenItIsAConflictForReviewNotMet(string? signal)
    {
        // Arrange: the allogeneic HCT is gone; the autologous one stays; the mixed chimerism result stays.
        var fixture = new EvidenceFixture().Remove(Hct).Add(Fixtures.FhirFixtures.Resource("Procedure/proc-hct-auto-2019"));
        if (signal is not null)
        {
            fixture.Add(Fixtures.FhirFixtures.Resource(signal));
        }

        // Act
        var decision = fixture.Decide();

        // Assert
        var hct = decision["HCT"];
        Assert.Equal(CriterionStatus.Unknown, hct.Status);
        Assert.Contains(hct.Review, r => r.What.StartsWith("Conflicting records: autologous HCT", StringComparison.Ordinal));
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
    }

    [Fact]
    public void GivenAnEngraftmentAnc_WhenRead_ThenItIsNotAChimerismResult()
    {
        // Arrange: "Engraftment" ANC in 10*3/uL is a blood count, not percent donor.
        var fixture = new EvidenceFixture().Remove(MixedCd3).AddCopy(MixedCd3, "obs-anc-engraftment", o =>
        {
            o["code"] = new JsonObject { ["text"] = "Engraftment ANC", ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "751-8", ["display"] = "Neutrophils [#/volume] in Blood by Automated count" }) };
            o["valueQuantity"] = new JsonObject { ["value"] = 2.1, ["unit"] = "10*3/uL", ["system"] = "http://unitsofmeasure.org", ["code"] = "10*3/uL" };
            o.Remove("specimen");
        });

        // Act
        var decision = fixture.Decide();

        // Assert
        Assert.Equal(CriterionStatus.Unknown, decision["I.C"].Status);
        Assert.Empty(decision["I.C"].Evidence);
    }

    // ---- Tentative records are not facts ----

    [Theory]
    [InlineData("provisional")]
    [InlineData("differential")]
    [InlineData("unconfirmed")]
    public void GivenARelapseThatIsOnlyTentative_WhenEvaluated_ThenIAIsNotMetNorMetButForReview(string verification)
    {
        var fixture = new EvidenceFixture();
        fixture[Relapse]["verificationStatus"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-ver-status", ["code"] = verification }) };

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Unknown, decision["I.A"].Status);
        Assert.Contains(decision["I.A"].Review, r => r.What.StartsWith("Tentative record", StringComparison.Ordinal));
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
    }

    [Fact]
    public void GivenAPreliminaryFullDonorResultAsTheOnlyResult_WhenEvaluated_ThenICIsForReviewNotNotMet()
    {
        var fixture = new EvidenceFixture();
        fixture[MixedCd3]["status"] = "preliminary";
        fixture[MixedCd3]["valueQuantity"]!["value"] = 99;

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Unknown, decision["I.C"].Status);
        Assert.Contains(decision["I.C"].Review, r => r.What.StartsWith("Preliminary result", StringComparison.Ordinal));
    }

    // ---- Results read as labs report them: strings, comparators, panels, narrative, specimens ----

    [Theory]
    [InlineData("72% donor / 28% recipient", CriterionStatus.Met, "72% donor")]
    [InlineData("Donor: 72%; recipient: 28%", CriterionStatus.Met, "72% donor")]
    [InlineData("28 % recipient", CriterionStatus.Met, "72% donor")]
    [InlineData("<1 % recipient", CriterionStatus.NotMet, ">99% donor")]
    [InlineData(">99 % donor", CriterionStatus.NotMet, ">99% donor")]
    [InlineData("100% donor", CriterionStatus.NotMet, "100% donor")]
    [InlineData(">90% donor", CriterionStatus.Unknown, ">90% donor")]
    public void GivenAChimerismResultAsText_WhenRead_ThenItsDonorPercentAndComparatorDecide(string value, CriterionStatus expected, string shown)
    {
        var fixture = new EvidenceFixture();
        fixture[MixedCd3].Remove("valueQuantity");
        fixture[MixedCd3]["valueString"] = value;

        var decision = fixture.Decide();

        Assert.Equal(expected, decision["I.C"].Status);
        Assert.Contains(decision["I.C"].Evidence, e => e.Value!.Contains(shown, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<", 5, CriterionStatus.Met)]
    [InlineData(">", 99, CriterionStatus.NotMet)]
    [InlineData(">=", 95, CriterionStatus.NotMet)]
    [InlineData("<", 97, CriterionStatus.Unknown)]
    public void GivenAChimerismQuantityWithAComparator_WhenRead_ThenTheRangeItAllowsDecides(string comparator, int value, CriterionStatus expected)
    {
        var fixture = new EvidenceFixture();
        fixture[MixedCd3]["valueQuantity"] = new JsonObject { ["value"] = value, ["comparator"] = comparator, ["unit"] = "%", ["system"] = "http://unitsofmeasure.org", ["code"] = "%" };
        Assert.Equal(expected, fixture.Decide()["I.C"].Status);
    }

    [Fact]
    public void GivenAChimerismResultWithOnlyANarrative_WhenRead_ThenThePercentInTheNarrativeIsRead()
    {
        var fixture = new EvidenceFixture();
        fixture[MixedCd3].Remove("valueQuantity");
        fixture[MixedCd3]["text"] = new JsonObject { ["status"] = "generated", ["div"] = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>XY-FISH: 88 % donor nuclei (200 nuclei counted).</p></div>" };

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Met, decision["I.C"].Status);
        Assert.Contains(decision["I.C"].Evidence, e => e.Source == SourceKind.ClinicalText && e.Value!.Contains("88% donor", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAFullDonorResultOnlyInANote_WhenEvaluated_ThenICIsForReviewNotNotMet()
    {
        var fixture = new EvidenceFixture();
        fixture[MixedCd3].Remove("valueQuantity");
        fixture[MixedCd3]["note"] = EvidenceFixture.Notes("Sorted CD3 fraction: 100% donor.");

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Unknown, decision["I.C"].Status);
        Assert.Contains(decision["I.C"].Review, r => r.What.StartsWith("Stated only in a note", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAMixedMarrowResultAndALaterFullDonorBloodResult_WhenEvaluated_ThenEachSpecimenIsItsOwnSeriesAndMixedCounts()
    {
        var fixture = new EvidenceFixture();
        fixture[MixedCd3]["specimen"] = new JsonObject { ["display"] = "Bone marrow aspirate" };
        fixture.AddCopy(MixedCd3, "obs-chim-cd3-blood-full", o =>
        {
            o["specimen"] = new JsonObject { ["display"] = "Peripheral blood" };
            o["effectiveDateTime"] = "2025-05-04T08:00:00-07:00";
            o["valueQuantity"]!["value"] = 99;
        });

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Met, decision["I.C"].Status);
        Assert.Contains(decision["I.C"].Evidence, e => e.Reference == MixedCd3 && e.Value!.Contains("bone marrow", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAnOldMixedUnsortedResultAndNewerFullDonorLineageResults_WhenEvaluated_ThenTheUnsortedResultIsSuperseded()
    {
        var fixture = new EvidenceFixture().Remove(MixedCd3);
        fixture.AddCopy(MixedCd3, "obs-chim-unsorted-old", o =>
        {
            o["code"] = new JsonObject { ["text"] = "STR chimerism, whole blood, % donor", ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "102113-8" }) };
            o["effectiveDateTime"] = "2024-09-01";
            o["valueQuantity"]!["value"] = 70;
        });
        fixture.AddCopy(MixedCd3, "obs-chim-cd3-new-full", o =>
        {
            o["effectiveDateTime"] = "2025-05-20";
            o["valueQuantity"]!["value"] = 99;
        });

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.NotMet, decision["I.C"].Status);
    }

    [Fact]
    public void GivenTwoSameDayResultsInOneSeriesThatDisagree_WhenEvaluated_ThenItIsAConflictWhateverTheirOrder()
    {
        var fixture = new EvidenceFixture();
        fixture[MixedCd3]["effectiveDateTime"] = "2025-05-02";
        fixture.AddCopy(MixedCd3, "obs-chim-cd3-same-day-full", o =>
        {
            o["effectiveDateTime"] = "2025-05-02";
            o["valueQuantity"]!["value"] = 99;
        });

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Unknown, decision["I.C"].Status);
        Assert.Contains(decision["I.C"].Review, r => r.What.StartsWith("Conflicting results in the T-cell", StringComparison.Ordinal));
    }

    // ---- Words clinicians use for I.B; in vivo depletion is not a depleted graft ----

    [Theory]
    [InlineData("RIC regimen (Flu/Bu2)", CriterionStatus.Met)]
    [InlineData("RIC (Flu/Mel 100)", CriterionStatus.Met)]
    [InlineData("CD34+ immunomagnetic selection; T-cell depleted graft", CriterionStatus.Met)]
    [InlineData("Bu/Cy with ATG (thymoglobulin) for in vivo T-cell depletion", CriterionStatus.Unknown)]
    [InlineData("Alemtuzumab (Campath) in conditioning", CriterionStatus.Unknown)]
    public void GivenAConditioningRecordInClinicalWords_WhenEvaluated_ThenIBReadsTheRegimenAndNotInVivoDepletion(string words, CriterionStatus expected)
    {
        // Arrange: the graft is coded without processing details (CPT 38240 only).
        var fixture = new EvidenceFixture().Remove(Hct).Add(Fixtures.FhirFixtures.Resource("Procedure/proc-hct-allo-cpt-2024"));
        fixture.AddCopy("Procedure/proc-conditioning-ric-2024", "proc-conditioning-words", p =>
        {
            p["code"] = new JsonObject { ["text"] = words };
            p.Remove("note");
        });

        // Act
        var decision = fixture.Decide();

        // Assert
        Assert.Equal(expected, decision["I.B"].Status);
        if (words.Contains("ATG", StringComparison.Ordinal) || words.Contains("Alemtuzumab", StringComparison.Ordinal))
        {
            Assert.Contains("in vivo T-cell depletion", decision["I.B"].Summary, StringComparison.Ordinal);
        }
    }

    // ---- A status applies to the disease it names ----

    [Fact]
    public void GivenARemissionStatusFocusedOnAnotherDisease_WhenEvaluated_ThenItSaysNothingAboutTheLeukemia()
    {
        var fixture = new EvidenceFixture().Add(Fixtures.FhirFixtures.Resource("Condition/cond-breast-cancer-2021"));
        fixture.AddCopy("Observation/obs-disease-status-2025", "obs-status-breast-remission", o =>
        {
            o["focus"] = new JsonArray(new JsonObject { ["reference"] = "Condition/cond-breast-cancer-2021" });
            o["effectiveDateTime"] = "2025-06-01";
            o["valueCodeableConcept"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://snomed.info/sct", ["code"] = "277022003", ["display"] = "Remission phase" }) };
        });

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Met, decision["I.A"].Status);
        Assert.DoesNotContain(decision["I.A"].Evidence, e => e.Id == "obs-status-breast-remission");
    }

    // ---- The order's own words: only what they state as a fact decides IV ----

    [Theory]
    [InlineData("Not a CAR-T product; unmanipulated donor lymphocytes.", CriterionStatus.NotMet)]
    [InlineData("Genetically modified cells?: No", CriterionStatus.NotMet)]
    [InlineData("History: CAR-T in 2023; now unmanipulated DLI", CriterionStatus.NotMet)]
    [InlineData("No GVHD now and HSV-TK gene-modified cells", CriterionStatus.Met)]
    [InlineData("No CAR-T, HSV-TK cells", CriterionStatus.Unknown)]
    public void GivenAnOrderComment_WhenEvaluated_ThenIVFollowsWhatItStates(string note, CriterionStatus expected)
    {
        var fixture = new EvidenceFixture();
        fixture.Order["note"] = EvidenceFixture.Notes(note);

        var decision = fixture.Decide();

        Assert.Equal(expected, decision["IV"].Status);
        if (expected == CriterionStatus.Unknown)
        {
            Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
            Assert.Contains(decision["IV"].Review, r => r.Reason == "Stated uncertainly on the order");
        }
    }

    // ---- The order's own indication ----

    [Fact]
    public void GivenADliOrderedForRefractoryCmvInfection_WhenEvaluated_ThenItIsCriterionIIINotMissingData()
    {
        var fixture = new EvidenceFixture();
        fixture.Order.Remove("reasonReference");
        fixture.Order["reasonCode"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://hl7.org/fhir/sid/icd-10-cm", ["code"] = "B25.9", ["display"] = "Cytomegaloviral disease, unspecified" }), ["text"] = "Refractory CMV viremia" });

        var decision = fixture.Decide();

        Assert.Equal(DecisionOutcome.Investigational, decision.Outcome);
        Assert.Equal("III", decision.DecidingCriterion);
    }

    [Fact]
    public void GivenAnOrderCodedNotHavingAchievedRemissionAndADocumentedRemission_WhenEvaluated_ThenTheOrderCodeDoesNotMakeItRefractory()
    {
        var fixture = new EvidenceFixture().Remove(Relapse).AddCopy("Condition/cond-aml-remission-2024", "cond-aml-remission-2025", c =>
        {
            c["onsetDateTime"] = "2025-05-01";
            c["recordedDate"] = "2025-05-01";
        });
        fixture.Order["reasonCode"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://hl7.org/fhir/sid/icd-10-cm", ["code"] = "C92.00" }) });

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.NotMet, decision["I.A"].Status);
    }

    // ---- Dates as ranges, one time convention, one same-day rule ----

    [Fact]
    public void GivenARelapseAndARemissionOnTheSameDay_WhenEvaluated_ThenItIsAConflictNotDecidedByBundleOrder()
    {
        var fixture = new EvidenceFixture();
        fixture.AddCopy("Condition/cond-aml-remission-2024", "cond-aml-remission-same-day", c =>
        {
            c["onsetDateTime"] = "2025-04-22";
            c["recordedDate"] = "2025-04-24";
            c["abatementDateTime"] = "2025-04-24";
        });

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Unknown, decision["I.A"].Status);
        Assert.Contains(decision["I.A"].Review, r => r.What.StartsWith("Conflicting records", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2024", CriterionStatus.Unknown)]
    [InlineData("2024-03", CriterionStatus.Unknown)]
    [InlineData("2024-03-12", CriterionStatus.Unknown)]
    [InlineData("2024-03-12T23:30:00-08:00", CriterionStatus.Unknown)]
    [InlineData("2024-04", CriterionStatus.Met)]
    public void GivenAChimerismResultWhosePartialOrLocalDateOverlapsTheTransplantDay_WhenEvaluated_ThenItCannotBePlacedAfterIt(string effective, CriterionStatus expected)
    {
        // Arrange: the transplant is dated by day only (2024-03-12); the result's day is the day it was written in its
        // own time zone (23:30 Pacific is still 12 March, though 13 March in UTC).
        var fixture = new EvidenceFixture();
        fixture[Hct]["performedDateTime"] = "2024-03-12";
        fixture[MixedCd3]["effectiveDateTime"] = effective;
        fixture[MixedCd3].Remove("issued");
        Assert.Equal(expected, fixture.Decide()["I.C"].Status);
    }

    // ---- Partial data is never decided on silently ----

    [Fact]
    public void GivenAFullDonorResultAndACutOffObservationSearch_WhenEvaluated_ThenICIsNotDecidedAndTheGapIsNamed()
    {
        var fixture = new EvidenceFixture();
        fixture[MixedCd3]["valueQuantity"]!["value"] = 99;

        var decision = fixture.Decide(new DataGap("Observation", "observations: the search was cut off after 10 pages"));

        Assert.Equal(CriterionStatus.Unknown, decision["I.C"].Status);
        Assert.Contains(decision["I.C"].Review, r => r.What.Contains("cut off after 10 pages", StringComparison.Ordinal));
        Assert.NotEqual(DecisionOutcome.NotMedicallyNecessary, decision.Outcome);
    }

    [Fact]
    public void GivenANewerChimerismResultWithAWronglyTypedValue_WhenEvaluated_ThenItIsAGapAndTheOlderMixedResultDoesNotDecide()
    {
        var fixture = new EvidenceFixture();
        fixture.AddCopy(MixedCd3, "obs-chim-broken", o =>
        {
            o["effectiveDateTime"] = "2025-06-01";
            o["valueQuantity"] = new JsonObject { ["value"] = "eighty", ["unit"] = "%" };
        });

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Unknown, decision["I.C"].Status);
        Assert.Contains(decision["I.C"].Review, r => r.What.Contains("Observation/obs-chim-broken", StringComparison.Ordinal));
    }

    // ---- Review follow-ups: uncertain statuses, newer tentative records, refuted indications ----

    [Theory]
    [InlineData("unknown")]
    [InlineData("stopped")]
    public void GivenTheOnlyAllogeneicHctWithAnUnknownOrStoppedStatus_WhenEvaluated_ThenThePreconditionIsForReviewNotMet(string status)
    {
        // Arrange: no chimerism result either, so nothing else implies the graft.
        var fixture = new EvidenceFixture().Remove(MixedCd3);
        fixture[Hct]["status"] = status;

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Unknown, decision["HCT"].Status);
        Assert.Contains(decision["HCT"].Review, r => r.Reason == "Tentative record");
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
    }

    [Fact]
    public void GivenTheOnlyChimerismResultWithStatusUnknown_WhenEvaluated_ThenItDoesNotDecide()
    {
        var fixture = new EvidenceFixture();
        fixture[MixedCd3]["status"] = "unknown";

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Unknown, decision["I.C"].Status);
    }

    [Fact]
    public void GivenARelapseAndANewerRemissionThatIsOnlyProvisional_WhenEvaluated_ThenTheRelapseDoesNotDecideAlone()
    {
        var fixture = new EvidenceFixture();
        fixture.AddCopy("Condition/cond-aml-remission-2024", "cond-aml-remission-provisional", c =>
        {
            c["onsetDateTime"] = "2025-06-01";
            c["recordedDate"] = "2025-06-01";
            c["abatementDateTime"] = "2025-06-01";
            c["verificationStatus"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-ver-status", ["code"] = "provisional" }) };
        });

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Unknown, decision["I.A"].Status);
        Assert.Contains(decision["I.A"].Review, r => r.Reason == "Tentative record newer than the relapse");
    }

    [Fact]
    public void GivenAMixedResultAndANewerPreliminaryFullDonorResultInTheSameSeries_WhenEvaluated_ThenTheMixedResultDoesNotDecideAlone()
    {
        var fixture = new EvidenceFixture();
        fixture.AddCopy(MixedCd3, "obs-chim-cd3-preliminary-full", o =>
        {
            o["status"] = "preliminary";
            o["effectiveDateTime"] = "2025-06-01";
            o["valueQuantity"]!["value"] = 99;
        });

        var decision = fixture.Decide();

        Assert.Equal(CriterionStatus.Unknown, decision["I.C"].Status);
        Assert.Contains(decision["I.C"].Review, r => r.Reason == "Preliminary result newer than the mixed one");
    }

    [Fact]
    public void GivenATransplantIndicationThatIsARefutedCondition_WhenNoMalignancyIsOnRecord_ThenItIsNotAnotherIndication()
    {
        // Arrange: no malignancy; the HCT's reasonReference names a sickle-cell Condition that was refuted.
        var fixture = new EvidenceFixture().Remove(Relapse).Add(Fixtures.FhirFixtures.Resource("Condition/cond-sickle-cell"));
        fixture["Condition/cond-sickle-cell"]["verificationStatus"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-ver-status", ["code"] = "refuted" }) };
        fixture[Hct]["reasonReference"] = new JsonArray(new JsonObject { ["reference"] = "Condition/cond-sickle-cell" });
        fixture[Hct].Remove("reasonCode");
        fixture.Order.Remove("reasonReference");

        // Act
        var decision = fixture.Decide();

        // Assert
        Assert.NotEqual(CriterionStatus.Met, decision["III"].Status);
        Assert.NotEqual(DecisionOutcome.Investigational, decision.Outcome);
    }
}
