using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests;

/// <summary>
/// Evidence whose date cannot be true decides nothing, without HTTP: the fixture patient (born 3 Sep 1968) meets the
/// criteria with an AML relapse (2025-04-22), a T-cell depleted allogeneic HCT (2024-03-12) and mixed CD3 chimerism
/// (2025-05-02), evaluated 2025-06-16; each case changes one record's date.
/// </summary>
public sealed class ImplausibleDateDecisionTests
{
    private const string Hct = "Procedure/proc-hct-allo-tcd-2024";
    private const string Chimerism = "Observation/obs-chim-cd3-mixed-2025";

    private static readonly string[] Meets = ["Coverage/cov-regence-ppo", "DocumentReference/doc-hp-2025", "Condition/cond-aml-dx-2023", "Condition/cond-aml-relapse-2025", Hct, Chimerism];

    [Fact]
    public void GivenTheChartAsItIs_WhenDecided_ThenItMeetsCriteriaWithNothingToReview()
    {
        var decision = Decide(Meets);

        Assert.Equal(DecisionOutcome.MeetsCriteria, decision.Outcome);
        Assert.Empty(decision.Review);
    }

    [Fact]
    public void GivenTheOnlyHctDated1890_WhenDecided_ThenTheCriteriaReadAgainstItAreForReviewNamingTheProcedureAndItsReason()
    {
        var decision = Decide(Meets, (Hct, r => r["performedDateTime"] = "1890-03-12"));

        // The chimerism result still implies an allogeneic graft, but not when: what is read against the transplant's
        // date (I.A, I.B, I.C) would be decided by the 1890 record, so it is for review, naming it.
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.DoesNotContain(decision["HCT"].Evidence, e => e.Reference == "Procedure/proc-hct-allo-tcd-2024");
        var items = decision.Review.Where(i => i.Reason == "Implausible date").ToList();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal("Procedure/proc-hct-allo-tcd-2024", Assert.Single(i.Evidence).Reference));
        Assert.All(items, i => Assert.Equal("dated 12 Mar 1890, before the patient's birth date 3 Sep 1968; not counted until the date is confirmed", i.Note));
        Assert.All(decision.Criteria.Where(c => c.Review.Any(i => i.Reason == "Implausible date")), c => Assert.Equal(CriterionStatus.Unknown, c.Status));
    }

    [Fact]
    public void GivenTheOnlyHctDated1890AndNoOtherSignOfAGraft_WhenDecided_ThenTheHctIsForReviewAndNotMissing()
    {
        var decision = Decide(Meets.Where(r => r != Chimerism), (Hct, r => r["performedDateTime"] = "1890-03-12"));

        Assert.Equal(CriterionStatus.Unknown, decision["HCT"].Status);
        var item = Assert.Single(decision["HCT"].Review, i => i.Reason == "Implausible date");
        Assert.Equal("Procedure/proc-hct-allo-tcd-2024", Assert.Single(item.Evidence).Reference);
        Assert.Null(decision["HCT"].Missing);
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
    }

    [Fact]
    public void GivenAPatientBornIn1968ByYearOnly_WhenTheHctIsDatedThatYear_ThenItIsNotImplausible()
    {
        // The birth date's own precision counts: a birth year of 1968 does not make a record of Dec 1968 implausible.
        var decision = Decide(Meets, patient: p => p["birthDate"] = "1968", changes: (Hct, r => r["performedDateTime"] = "1968-12"));

        Assert.DoesNotContain(decision.Review, i => i.Reason == "Implausible date");
        Assert.Equal(CriterionStatus.Met, decision["HCT"].Status);
    }

    [Fact]
    public void GivenAnHctDatedBeforeABirthDateOfOneDay_WhenDecided_ThenItIsImplausible()
    {
        var decision = Decide(Meets.Where(r => r != Chimerism), patient: p => p["birthDate"] = "1968-09-03", changes: (Hct, r => r["performedDateTime"] = "1968-09-02"));

        var item = Assert.Single(decision["HCT"].Review, i => i.Reason == "Implausible date");
        Assert.StartsWith("dated 2 Sep 1968, before the patient's birth date 3 Sep 1968", item.Note, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
    }

    [Fact]
    public void GivenAPlausibleHctBesideADuplicateDated1890_WhenDecided_ThenThePlausibleOneStillDecides()
    {
        // The entry error changes no criterion: read with or without it, every criterion is decided alike.
        var duplicate = FhirFixtures.Resource(Hct);
        duplicate["id"] = "proc-hct-entry-error";
        duplicate["performedDateTime"] = "1890-03-12";

        var decision = Decide(Meets, extra: [duplicate]);

        Assert.Equal(DecisionOutcome.MeetsCriteria, decision.Outcome);
        Assert.Empty(decision.Review);
        Assert.DoesNotContain(decision["HCT"].Evidence, e => e.Reference == "Procedure/proc-hct-entry-error");
    }

    [Fact]
    public void GivenAnAutologousHctBesideAnAllogeneicOneDatedYearOne_WhenDecided_ThenItIsAConflictForReviewNotADenial()
    {
        // Without the implausible record the chart shows only an autologous HCT (criterion II); with it, an allogeneic one.
        var allogeneic = FhirFixtures.Resource(Hct);
        allogeneic["performedDateTime"] = "0001-01-01";
        var record = Meets.Where(r => r != Hct).Select(FhirFixtures.Resource).Append(allogeneic).Append(FhirFixtures.Resource("Procedure/proc-hct-auto-2019"));

        var decision = Decide(record);

        Assert.NotEqual(DecisionOutcome.NotMedicallyNecessary, decision.Outcome);
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal(CriterionStatus.Unknown, decision["HCT"].Status);
        Assert.Contains(decision["HCT"].Review, i => i.Reason == "Implausible date" && i.Evidence.Single().Reference == "Procedure/proc-hct-allo-tcd-2024");
    }

    [Theory]
    [InlineData("2025-06-17", false)]
    [InlineData("2025-06-18", true)]
    public void GivenTheOnlyHctDatedAfterToday_WhenDecided_ThenItIsNotReceivedYetAndBeyondTheToleranceNamed(string performed, bool named)
    {
        // A transplant dated after today has not been received (TransplantCriterion); beyond the tolerance its date
        // cannot be true either, and the unknown HCT says so.
        var decision = Decide(Meets.Where(r => r != Chimerism), (Hct, r => r["performedDateTime"] = performed));

        Assert.Equal(CriterionStatus.Unknown, decision["HCT"].Status);
        Assert.Equal(named, decision["HCT"].Review.Any(i => i.Reason == "Implausible date" && i.Evidence.Single().Reference == Hct));
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
    }

    [Theory]
    [InlineData("2025-06-17T08:10:00-07:00", DecisionOutcome.MeetsCriteria)]
    [InlineData("2025-06-18T08:10:00-07:00", DecisionOutcome.CannotBeDetermined)]
    public void GivenTheOnlyChimerismResultDatedAfterToday_WhenDecided_ThenOnlyOneBeyondTheToleranceIsForReview(string effective, DecisionOutcome outcome)
    {
        var decision = Decide(Meets, (Chimerism, r => r["effectiveDateTime"] = effective));

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(outcome == DecisionOutcome.CannotBeDetermined, decision["I.C"].Review.Any(i => i.Reason == "Implausible date" && i.Evidence.Single().Reference == Chimerism));
    }

    [Fact]
    public void GivenTheRelapseDatedNextYear_WhenDecided_ThenRelapseIsForReviewNamingIt()
    {
        var decision = Decide(Meets, ("Condition/cond-aml-relapse-2025", r =>
        {
            r["onsetDateTime"] = "2026-04-22";
            r["recordedDate"] = "2026-04-24T13:41:00-07:00";
        }));

        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal(CriterionStatus.Unknown, decision["I.A"].Status);
        var item = Assert.Single(decision["I.A"].Review, i => i.Reason == "Implausible date");
        Assert.Equal("dated 24 Apr 2026, after the day of this decision (16 Jun 2025); not counted until the date is confirmed", item.Note);
    }

    private static CoverageDecision Decide(IEnumerable<string> references, params (string Reference, Action<JsonObject> Change)[] changes) =>
        Decide(references, patient: null, changes: changes);

    private static CoverageDecision Decide(IEnumerable<string> references, Action<JsonObject>? patient = null, JsonObject[]? extra = null, params (string Reference, Action<JsonObject> Change)[] changes)
    {
        var resources = references.Select(r =>
        {
            var resource = FhirFixtures.Resource(r);
            foreach (var (reference, change) in changes.Where(c => c.Reference == r))
            {
                change(resource);
            }

            return resource;
        }).Concat(extra ?? []);
        return Decide(resources, patient);
    }

    private static CoverageDecision Decide(IEnumerable<JsonObject> resources, Action<JsonObject>? patient = null)
    {
        var list = resources.ToList();
        var person = FhirFixtures.Resource(FhirFixtures.PatientReference);
        patient?.Invoke(person);
        var record = new List<JsonElement> { JsonSerializer.SerializeToElement(person) };
        record.AddRange(list.GroupBy(r => r["resourceType"]!.GetValue<string>(), StringComparer.Ordinal).Select(g => FhirFixtures.SearchSet(g.Key, g)));
        return Dli.Decide(record, list.Count + 1, Dli.SingleOrder(FhirFixtures.DraftOrders("ServiceRequest/sr-dli-38242")));
    }
}
