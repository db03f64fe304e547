using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests;

/// <summary>
/// The birth date when the patient's Patient resources disagree, without HTTP: dates that agree narrow to the most
/// precise; dates that cannot both be true set aside a record dated between them, and a criterion it would change is
/// for review ("Conflicting birth dates"), never paid or denied on it. The fixture patient (born 3 Sep 1968) meets the
/// criteria with a T-cell depleted allogeneic HCT of 12 Mar 2024, evaluated 16 Jun 2025.
/// </summary>
public sealed class BirthDateConflictTests
{
    private const string Hct = "Procedure/proc-hct-allo-tcd-2024";

    private static readonly string[] Meets = ["Coverage/cov-regence-ppo", "DocumentReference/doc-hp-2025", "Condition/cond-aml-dx-2023", "Condition/cond-aml-relapse-2025", Hct, "Observation/obs-chim-cd3-mixed-2025"];

    [Theory]
    [InlineData(new[] { "1971" }, "1971", false)]
    [InlineData(new[] { "1971", "1971-06-14" }, "14 Jun 1971", false)]
    [InlineData(new[] { "1971-06-14", "1971-06", "1971" }, "14 Jun 1971", false)]
    [InlineData(new[] { "1971-06-14", "1971-06-14" }, "14 Jun 1971", false)]
    [InlineData(new[] { "1980-02-02", "1971-06-14" }, "14 Jun 1971 and 2 Feb 1980", true)]
    [InlineData(new[] { "1971-06-14", "1971-06-15" }, "14 Jun 1971 and 15 Jun 1971", true)]
    [InlineData(new[] { "1971", "1971-06-14", "1980" }, "14 Jun 1971 and 1980", true)]
    public void GivenTheBirthDatesOfThePatientsPatients_WhenNarrowed_ThenCompatibleOnesNarrowAndIncompatibleOnesConflict(string[] dates, string shown, bool conflict)
    {
        var birth = BirthDates.From(dates.Select(d => FhirDates.Read(d)!))!;

        Assert.Equal(shown, birth.ToString());
        Assert.Equal(conflict, birth.Conflict);
        Assert.Equal(conflict, birth.Agreed is null);
    }

    [Fact]
    public void GivenNoBirthDate_WhenNarrowed_ThenThereIsNone() => Assert.Null(BirthDates.From([]));

    [Theory]
    // Birth dates 14 Jun 1971 and 2 Feb 1980: before both is implausible, between them in doubt, after both plausible.
    [InlineData("1969-05-01", "implausible")]
    [InlineData("1971-06-13", "implausible")]
    [InlineData("1971-06-14", "doubt")]
    [InlineData("1975", "doubt")]
    [InlineData("1980-02-01", "doubt")]
    [InlineData("1980-02-02", "plausible")]
    [InlineData("1980", "plausible")]
    [InlineData("1971", "doubt")]
    public void GivenTwoBirthDatesThatDisagree_WhenARecordIsJudged_ThenOnlyOneBetweenThemIsInDoubt(string dated, string verdict)
    {
        var rule = PlausibleDates.For(Dli.Policy)!;
        var birth = BirthDates.From([FhirDates.Read("1971-06-14")!, FhirDates.Read("1980-02-02")!]);
        var when = FhirDates.Read(dated);

        var implausible = rule.Implausible(when, Certainty.Confirmed, birth, new DateOnly(2025, 6, 16));
        var doubt = PlausibleDates.BirthDateConflict(when, Certainty.Confirmed, birth);

        Assert.Equal(verdict == "implausible", implausible is not null);
        Assert.Equal(verdict == "doubt", doubt is not null);
        Assert.Null(PlausibleDates.BirthDateConflict(when, Certainty.Family, birth));
        if (verdict == "doubt")
        {
            Assert.Equal($"dated {when}, before the birth date 2 Feb 1980 but not before 14 Jun 1971: the patient's Patient records give different birth dates", doubt);
        }
    }

    [Fact]
    public void GivenTwoPatientsThatDisagree_WhenTheOnlyHctLiesBetweenTheirBirthDates_ThenItIsForReviewNamingBothNeverADecision()
    {
        var decision = Decide(Meets, ["1960-01-10", "1990-07-04"]);

        Assert.Equal(DecisionOutcome.MeetsCriteria, Decide(Meets, ["1960-01-10"]).Outcome);
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        var items = decision.Review.Where(i => i.Reason == "Conflicting birth dates").ToList();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal(Hct, Assert.Single(i.Evidence).Reference));
        Assert.All(items, i => Assert.Equal("dated 12 Mar 1985, before the birth date 4 Jul 1990 but not before 10 Jan 1960: the patient's Patient records give different birth dates; not counted until the birth date is confirmed", i.Note));
        Assert.DoesNotContain(decision.Review, i => i.Reason == "Implausible date");
    }

    [Fact]
    public void GivenTwoPatientsThatDisagree_WhenEveryRecordIsAfterBoth_ThenTheDecisionStandsWithNothingToReview()
    {
        var decision = Decide(Meets, ["1960-01-10", "1971-06-14"], hct: null);

        Assert.Equal(DecisionOutcome.MeetsCriteria, decision.Outcome);
        Assert.Empty(decision.Review);
    }

    [Fact]
    public void GivenTwoPatientsThatDisagree_WhenTheHctIsBeforeBoth_ThenItIsImplausibleNamingBoth()
    {
        var decision = Decide(Meets, ["1960-01-10", "1990-07-04"], hct: "1955-04-02");

        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        var items = decision.Review.Where(i => i.Reason == "Implausible date").ToList();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.StartsWith("dated 2 Apr 1955, before every birth date the patient's records give (10 Jan 1960 and 4 Jul 1990)", i.Note, StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAPartialAndAFullBirthDate_WhenTheHctIsInTheBirthYearBeforeTheDay_ThenTheFullDateSetsItAside()
    {
        // "1985" alone would allow an HCT of Mar 1985; 1985-06-14 beside it does not, whichever Patient is read first.
        foreach (var order in new[] { new[] { "1985", "1985-06-14" }, ["1985-06-14", "1985"] })
        {
            var decision = Decide(Meets, order, hct: "1985-03-12");

            Assert.Contains(decision.Review, i => i.Reason == "Implausible date" && i.Note!.StartsWith("dated 12 Mar 1985, before the patient's birth date 14 Jun 1985", StringComparison.Ordinal));
            Assert.DoesNotContain(decision.Review, i => i.Reason == "Conflicting birth dates");
        }
    }

    [Fact]
    public void GivenTheSamePatientTwiceWithDifferentBirthDates_WhenTheRecordIsRead_ThenBothAreKeptWhicheverComesFirst()
    {
        var first = FhirFixtures.Resource(FhirFixtures.PatientReference);
        first["birthDate"] = "1980-02-02";
        var second = FhirFixtures.Resource(FhirFixtures.PatientReference);
        second["birthDate"] = "1971-06-14";
        second["meta"] = new JsonObject { ["versionId"] = "1" };
        var other = FhirFixtures.Resource(FhirFixtures.PatientReference);
        other["id"] = "pat-donor-7782";
        other["birthDate"] = "2001-01-01";

        var record = ClinicalRecord.Parse([JsonSerializer.SerializeToElement(first), FhirFixtures.SearchSet("Patient", [second, other])], FhirFixtures.PatientId);

        Assert.Equal("14 Jun 1971 and 2 Feb 1980", record.BirthDate!.ToString());
        Assert.Single(record.Resources, r => r.TypeName == "Patient");
        Assert.Contains("Patient/pat-donor-7782", record.NotThisPatient);
    }

    private static CoverageDecision Decide(IEnumerable<string> references, string[] birthDates, string? hct = "1985-03-12")
    {
        var resources = references.Select(r =>
        {
            var resource = FhirFixtures.Resource(r);
            if (r == Hct && hct is not null)
            {
                resource["performedDateTime"] = hct;
            }

            return resource;
        }).ToList();
        var record = new List<JsonElement>();
        foreach (var birthDate in birthDates)
        {
            var person = FhirFixtures.Resource(FhirFixtures.PatientReference);
            person["birthDate"] = birthDate;
            record.Add(JsonSerializer.SerializeToElement(person));
        }

        record.AddRange(resources.GroupBy(r => r["resourceType"]!.GetValue<string>(), StringComparer.Ordinal).Select(g => FhirFixtures.SearchSet(g.Key, g)));
        return Dli.Decide(record, resources.Count + 1, Dli.SingleOrder(FhirFixtures.DraftOrders("ServiceRequest/sr-dli-38242")));
    }
}
