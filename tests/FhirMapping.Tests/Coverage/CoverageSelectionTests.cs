using System.Text.Json;
using Cds.FhirMapping.Coverages;
using Cds.FhirMapping.Fhir;

namespace Cds.FhirMapping.Tests.Coverage;

/// <summary>
/// The coverage table of issue 11 over realistic FHIR Coverage JSON: which Coverage the assertion is written on for
/// an order dated 2026-11-24, and why the others are passed over.
/// </summary>
public sealed class CoverageSelectionTests
{
    private const string Npi = "http://hl7.org/fhir/sid/us-npi";
    private static readonly DateRange OrderDate = DateRange.Day(new DateOnly(2026, 11, 24));
    private static readonly PayerIdentity Regence = new([$"{Npi}|1386610063"], ["Regence"]);

    public static TheoryData<string, string[], string?, string, string?> Table => new()
    {
        // name, coverages, order insurance, expected chosen (comma-separated) or failure, expected explanation fragment
        { "ours, active, open period", [Regence1()], null, "cov-regence", null },
        { "another payer only", [Medicare()], null, "NoneQualifies", "Coverage/cov-medicare: another payer" },
        { "ours, period ended", [Regence1(end: "2025-12-31")], null, "NoneQualifies", "ended before the order's date" },
        { "ours, period starts later", [Regence1(start: "2027-01-01")], null, "NoneQualifies", "starts after the order's date" },
        { "ours, ends on the order's day", [Regence1(end: "2026-11-24")], null, "cov-regence", null },
        { "ours, ends that month (partial date)", [Regence1(end: "2026-11")], null, "NoneQualifies", "partial date" },
        { "ours, cancelled", [Regence1(status: "cancelled")], null, "NoneQualifies", "not active" },
        { "ours primary, Medicare secondary", [Regence1(order: 1), Medicare(order: 2)], null, "cov-regence", "Coverage/cov-medicare: another payer" },
        { "Medicare primary, ours secondary", [Medicare(order: 1), Regence1(order: 2)], null, "cov-regence", null },
        { "two of ours, ranked", [Regence1(order: 2), Regence2(order: 1)], null, "cov-regence-2", "ranked after the chosen one" },
        { "two of ours, unranked: both", [Regence1(), Regence2()], null, "cov-regence,cov-regence-2", null },
        { "two of ours, the order names one", [Regence1(), Regence2()], "Coverage/cov-regence-2", "cov-regence-2", "not the insurance the order names" },
        { "the order names another payer's", [Regence1(), Medicare()], "Coverage/cov-medicare", "NoneQualifies", "Coverage/cov-regence: not the insurance the order names" },
        { "payor only as a display string", [Coverage("cov-display", payor: """{ "display": "Regence BlueShield of Idaho" }""")], null, "cov-display", null },
        { "payor display of another payer", [Coverage("cov-aetna", payor: """{ "display": "Aetna" }""")], null, "NoneQualifies", "another payer" },
        { "identifier decides over a name", [Coverage("cov-mixed", payor: $$"""{ "identifier": { "system": "{{Npi}}", "value": "9999999999" }, "display": "Regence" }""")], null, "NoneQualifies", "another payer" },
        { "contained Organization", [Coverage("cov-contained", payor: """{ "reference": "#payer" }""", contained: $$"""[{ "resourceType": "Organization", "id": "payer", "identifier": [{ "system": "{{Npi}}", "value": "1386610063" }], "name": "Regence BlueCross BlueShield of Oregon" }]""")], null, "cov-contained", null },
        { "prefetched Organization", [Coverage("cov-org", payor: """{ "reference": "Organization/org-regence" }"""), Organization("org-regence", "1386610063")], null, "cov-org", null },
        { "unresolved Organization", [Coverage("cov-org", payor: """{ "reference": "Organization/org-unknown" }""")], null, "PayerUnresolved", "payer could not be identified" },
        { "no Coverage at all", [], null, "NoCoverage", "no Coverage on record" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void GivenTheCoverageTable_WhenACoverageIsSelected_ThenTheRightOneIsChosenOrTheFailureSaysWhy(string name, string[] resources, string? insurance, string expected, string? explanation)
    {
        // Arrange
        var record = CoverageRecord.Read(resources.Select(r => JsonDocument.Parse(r).RootElement), Fixtures.Dli.PatientId);

        // Act
        var choice = CoverageSelection.Select(record.Coverages, Regence, OrderDate, insurance is null ? [] : [insurance]);

        // Assert
        if (Enum.TryParse<CoverageFailure>(expected, out var failure))
        {
            Assert.True(failure == choice.Failure, $"{name}: expected {failure}, got {choice.Failure} ({choice.Explain()})");
            Assert.Empty(choice.Chosen);
        }
        else
        {
            Assert.True(choice.Failure is null, $"{name}: {choice.Failure} ({choice.Explain()})");
            Assert.Equal(expected.Split(','), choice.Chosen.Select(c => c.Id));
        }

        if (explanation is not null)
        {
            Assert.Contains(explanation, choice.Explain(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void GivenAPayorReferenceNotInTheData_WhenTheOrganizationIsAddedLater_ThenThePayorResolves()
    {
        // Arrange
        var record = CoverageRecord.Read([JsonDocument.Parse(Coverage("cov-org", payor: """{ "reference": "Organization/org-regence" }""")).RootElement], Fixtures.Dli.PatientId);

        // Act
        var resolved = record.WithOrganizations([JsonDocument.Parse(Organization("org-regence", "1386610063")).RootElement]);

        // Assert
        Assert.Equal(["Organization/org-regence"], record.Unresolved);
        Assert.Empty(resolved.Unresolved);
        Assert.Equal(PayerMatch.Ours, Regence.Match(resolved.Coverages.Single().Payors.Single()));
    }

    [Fact]
    public void GivenOnlyNamesConfigured_WhenThePayorHasAnIdentifierOfItsOwn_ThenTheNameDecides()
    {
        // Arrange
        var identity = new PayerIdentity([], ["Regence"]);
        var party = new PayerParty(null, [new PayerIdentifier(Npi, "1386610063")], ["Regence BlueShield"], Unresolved: false);
        var other = new PayerParty(null, [new PayerIdentifier(Npi, "1720087364")], ["Medicare Part B"], Unresolved: false);

        // Act
        var matches = new[] { identity.Match(party), identity.Match(other) };

        // Assert
        Assert.Equal([PayerMatch.Ours, PayerMatch.Other], matches);
    }

    [Theory]
    [InlineData("Regence", "Regence BlueShield", PayerMatch.Ours)]
    [InlineData("Regence", "REGENCE  BlueCross, Inc.", PayerMatch.Ours)]
    [InlineData("Regence", "Not Regence", PayerMatch.Other)]
    [InlineData("Regence", "Regenceville Health", PayerMatch.Other)]
    public void GivenAPayerKnownOnlyByName_WhenMatched_ThenWholeWordsFromTheStartCount(string ours, string display, PayerMatch expected)
    {
        // Arrange
        var identity = new PayerIdentity([], [ours]);

        // Act
        var match = identity.Match(new PayerParty(null, [], [display], Unresolved: false));

        // Assert
        Assert.Equal(expected, match);
    }

    [Theory]
    [InlineData("2026-11-24T10:15:00-08:00", null, "2026-11-24")]
    [InlineData(null, """{ "start": "2026-12-01", "end": "2027-01-15" }""", "2026-12-01..2027-01-15")]
    [InlineData(null, null, "2026-11-30")]
    public void GivenAnOrder_WhenItsDateOfServiceIsRead_ThenOccurrenceComesBeforeAuthoredOnAndTodayIsTheLastResort(string? authoredOn, string? occurrencePeriod, string expected)
    {
        // Arrange
        var json = $$"""
            { "resourceType": "Bundle", "type": "collection", "entry": [ { "resource": {
              "resourceType": "ServiceRequest", "id": "sr-1", "status": "draft", "intent": "order",
              "subject": { "reference": "Patient/p" }
              {{(authoredOn is null ? string.Empty : $", \"authoredOn\": \"{authoredOn}\"")}}
              {{(occurrencePeriod is null ? string.Empty : $", \"occurrencePeriod\": {occurrencePeriod}")}},
              "insurance": [ { "reference": "https://ehr.example.org/fhir/Coverage/cov-9" }, { "reference": "ClaimResponse/cr-1" } ] } } ] }
            """;
        Assert.True(DraftOrder.TryParseBundle(JsonDocument.Parse(json).RootElement, out var orders, out var error), error);

        // Act
        var date = OrderCoverageContext.DateOf(orders[0], new DateOnly(2026, 11, 30));

        // Assert
        Assert.Equal(expected, date.ToString());
        Assert.Equal(["Coverage/cov-9"], OrderCoverageContext.InsuranceOf(orders[0]));
    }

    private static string Regence1(string status = "active", string? start = "2024-01-01", string? end = null, int? order = null) =>
        Coverage("cov-regence", status, start, end, order, $$"""{ "identifier": { "system": "{{Npi}}", "value": "1386610063" }, "display": "Regence BlueShield" }""");

    private static string Regence2(int? order = null) =>
        Coverage("cov-regence-2", "active", "2026-01-01", null, order, $$"""{ "identifier": { "system": "{{Npi}}", "value": "1386610063" }, "display": "Regence BlueShield" }""");

    private static string Medicare(int? order = null) =>
        Coverage("cov-medicare", "active", "2025-06-01", null, order, """{ "identifier": { "system": "http://hl7.org/fhir/sid/us-npi", "value": "1720087364" }, "display": "Medicare Part B" }""");

    private static string Coverage(string id, string status = "active", string? start = "2024-01-01", string? end = null, int? order = null, string payor = "{}", string? contained = null)
    {
        var period = (start, end) switch
        {
            (null, null) => string.Empty,
            (_, null) => $", \"period\": {{ \"start\": \"{start}\" }}",
            (null, _) => $", \"period\": {{ \"end\": \"{end}\" }}",
            _ => $", \"period\": {{ \"start\": \"{start}\", \"end\": \"{end}\" }}",
        };
        return $$"""
            {
              "resourceType": "Coverage", "id": "{{id}}", "status": "{{status}}"
              {{(contained is null ? string.Empty : $", \"contained\": {contained}")}},
              "subscriberId": "M884120033", "beneficiary": { "reference": "Patient/pat-dli-001" }
              {{period}}
              {{(order is null ? string.Empty : $", \"order\": {order}")}},
              "payor": [ {{payor}} ]
            }
            """;
    }

    private static string Organization(string id, string npi) =>
        $$"""{ "resourceType": "Organization", "id": "{{id}}", "identifier": [{ "system": "{{Npi}}", "value": "{{npi}}" }], "name": "Regence BlueShield" }""";
}
