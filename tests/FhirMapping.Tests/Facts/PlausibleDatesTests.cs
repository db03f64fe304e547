using System.Text.Json;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests.Facts;

/// <summary>
/// The rule of <see cref="PlausibleDates"/> at its edges: partial dates (of the record and of the birth date) are the
/// ranges they name, and each threshold of the shipped file (earliest year 1957, one day's tolerance) at its boundary.
/// </summary>
public sealed class PlausibleDatesTests
{
    private static readonly DateOnly Today = new(2025, 6, 16);

    private static readonly PlausibleDates Shipped = PlausibleDates.For(Dli.Policy)!;

    private static BirthDates? Born(string date) => BirthDates.Of(FhirDates.Read(date));

    [Theory]
    // A birth year makes only what lies wholly before that year implausible.
    [InlineData("1980", "1980-03", true)]
    [InlineData("1980", "1980", true)]
    [InlineData("1980", "1980-01-01", true)]
    [InlineData("1980", "1979-12-31", false)]
    [InlineData("1980", "1979-12", false)]
    [InlineData("1980", "1979", false)]
    // A birth month: the days of that month are all possible.
    [InlineData("1980-05", "1980-05-01", true)]
    [InlineData("1980-05", "1980-04-30", false)]
    [InlineData("1980-05", "1980-04", false)]
    // A birth day: the day itself is possible, the day before is not; a partial record spanning it is possible.
    [InlineData("1980-05-02", "1980-05-02", true)]
    [InlineData("1980-05-02", "1980-05-02T00:30:00+14:00", true)]
    [InlineData("1980-05-02", "1980-05-01", false)]
    [InlineData("1980-05-02", "1980-05", true)]
    [InlineData("1980-05-02", "1980", true)]
    [InlineData("1980-05-02", "1980-04", false)]
    public void GivenABirthDateOfSomePrecision_WhenARecordIsDatedAroundIt_ThenOnlyOneWhollyBeforeItIsImplausible(string birth, string dated, bool plausible)
    {
        // Act
        var why = Shipped.Implausible(FhirDates.Read(dated), Certainty.Confirmed, Born(birth), Today);

        // Assert
        Assert.Equal(plausible, why is null);
        if (!plausible)
        {
            Assert.Contains($"before the patient's birth date {FhirDates.Read(birth)}", why, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("1957-01-01", true)]
    [InlineData("1957", true)]
    [InlineData("1956-12-31", false)]
    [InlineData("1956-12", false)]
    [InlineData("1956", false)]
    [InlineData("1890-03-01", false)]
    [InlineData("0001-01-01", false)]
    public void GivenNoBirthDate_WhenARecordIsDatedAroundTheEarliestYear_ThenOnlyOneWhollyBeforeItIsImplausible(string dated, bool plausible)
    {
        // Act
        var why = Shipped.Implausible(FhirDates.Read(dated), Certainty.Confirmed, null, Today);

        // Assert
        Assert.Equal(plausible, why is null);
        if (!plausible)
        {
            Assert.Equal($"dated {FhirDates.Read(dated)}, before 1957, the earliest year the policy accepts", why);
        }
    }

    [Fact]
    public void GivenARecordBeforeBothTheBirthDateAndTheEarliestYear_WhenJudged_ThenTheBirthDateIsTheReasonGiven()
    {
        // Act
        var why = Shipped.Implausible(FhirDates.Read("1890-03-01"), Certainty.Confirmed, Born("1961-05-02"), Today);

        // Assert
        Assert.Equal("dated 1 Mar 1890, before the patient's birth date 2 May 1961", why);
    }

    [Theory]
    [InlineData("2025-06-16", true)]
    [InlineData("2025-06-17", true)]
    [InlineData("2025-06-17T23:59:00+14:00", true)]
    [InlineData("2025-06-18", false)]
    [InlineData("2025-06", true)]
    [InlineData("2025", true)]
    [InlineData("2025-07", false)]
    [InlineData("2026", false)]
    public void GivenTheShippedTolerance_WhenARecordIsDatedAfterToday_ThenOnlyOneWhollyMoreThanADayAheadIsImplausible(string dated, bool plausible)
    {
        // Act
        var why = Shipped.Implausible(FhirDates.Read(dated), Certainty.Confirmed, Born("1968-09-03"), Today);

        // Assert
        Assert.Equal(plausible, why is null);
        if (!plausible)
        {
            Assert.Equal($"dated {FhirDates.Read(dated)}, after the day of this decision (16 Jun 2025)", why);
        }
    }

    [Theory]
    [InlineData(0, "2025-06-16", true)]
    [InlineData(0, "2025-06-17", false)]
    [InlineData(30, "2025-07-16", true)]
    [InlineData(30, "2025-07-17", false)]
    public void GivenAnotherTolerance_WhenARecordIsDatedAtItsEdge_ThenTheToleranceIsTheBoundary(int toleranceDays, string dated, bool plausible)
    {
        // Arrange
        var dates = new PlausibleDates(1957, toleranceDays);

        // Act
        var why = dates.Implausible(FhirDates.Read(dated), Certainty.Confirmed, null, Today);

        // Assert
        Assert.Equal(plausible, why is null);
    }

    [Theory]
    [InlineData(Certainty.Tentative, "2025-09-01", true)]
    [InlineData(Certainty.Hypothetical, "2025-09-01", true)]
    [InlineData(Certainty.Negated, "2025-09-01", false)]
    [InlineData(Certainty.Historical, "2025-09-01", false)]
    [InlineData(Certainty.Tentative, "1960-01-01", false)]
    [InlineData(Certainty.Family, "1950-01-01", true)]
    [InlineData(Certainty.Family, "2030-01-01", true)]
    public void GivenHowFirmlyARecordIsStated_WhenItsDateIsOutOfRange_ThenOnlyAPlanOrAnotherPersonsHistoryIsSpared(Certainty certainty, string dated, bool plausible)
    {
        // Act
        var why = Shipped.Implausible(FhirDates.Read(dated), certainty, Born("1968-09-03"), Today);

        // Assert
        Assert.Equal(plausible, why is null);
    }

    [Fact]
    public void GivenAnUndatedRecord_WhenJudged_ThenItIsNotImplausible()
    {
        Assert.Null(Shipped.Implausible(null, Certainty.Confirmed, Born("1968-09-03"), Today));
    }

    [Theory]
    [InlineData("1961", "1961", DatePrecision.Year)]
    [InlineData("1961-05", "May 1961", DatePrecision.Month)]
    [InlineData("1961-05-02", "2 May 1961", DatePrecision.Day)]
    public void GivenAPatientWithABirthDate_WhenTheRecordIsRead_ThenItsBirthDateKeepsItsPrecision(string birthDate, string shown, DatePrecision precision)
    {
        // Arrange
        var patient = FhirFixtures.Resource(FhirFixtures.PatientReference);
        patient["birthDate"] = birthDate;
        var record = new[] { JsonSerializer.SerializeToElement(patient), FhirFixtures.SearchSet("Condition", [FhirFixtures.Resource("Condition/cond-aml-relapse-2025")]) };

        // Act: the full reader and the relevance-filtered one both read it, and the facts carry it.
        var full = ClinicalRecord.Parse(record, FhirFixtures.PatientId);
        var screened = Dli.Extractor.Read(record, FhirFixtures.PatientId);

        // Assert
        Assert.Equal(precision, full.BirthDate!.Agreed!.Precision);
        Assert.Equal(shown, full.BirthDate.ToString());
        Assert.Equal(full.BirthDate.Agreed, screened.BirthDate!.Agreed);
        Assert.Equal(full.BirthDate.Agreed, Dli.Extractor.Extract(screened).BirthDate!.Agreed);
    }

    [Fact]
    public void GivenAnotherPatientsResourceWithABirthDate_WhenTheRecordIsRead_ThenNoBirthDateIsTaken()
    {
        // Arrange
        var other = FhirFixtures.Resource(FhirFixtures.PatientReference);
        other["id"] = "someone-else";
        other["birthDate"] = "2001-01-01";

        // Act
        var record = Dli.Extractor.Read([JsonSerializer.SerializeToElement(other)], FhirFixtures.PatientId);

        // Assert
        Assert.Null(record.BirthDate);
    }
}
