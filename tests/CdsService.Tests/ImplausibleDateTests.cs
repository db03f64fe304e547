using System.Net;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests;

/// <summary>
/// Dates that cannot be true decide nothing, over HTTP in both forms (prefetch, and the same data queried from the EHR's
/// FHIR server). Each case starts from the sample that meets criteria (patient born 14 Jun 1971, allogeneic HCT
/// 12 Mar 2025, AML relapse 15 Sep 2026, mixed CD3 chimerism 20 Oct 2026; the service's clock is 24 Nov 2026) and
/// changes one date the way an EHR's data-entry error would.
/// </summary>
public sealed class ImplausibleDateTests : IClassFixture<CdsServiceFactory>
{
    private readonly CdsServiceFactory _factory;

    public ImplausibleDateTests(CdsServiceFactory factory)
    {
        _factory = factory;
        _factory.Ehr.Reset();
    }

    private sealed record DateCase(string[] Keys, Action<JsonObject> Change, string Covered, string? InCards);

    private static readonly Dictionary<string, DateCase> Cases = new(StringComparer.Ordinal)
    {
        ["an allogeneic HCT dated 1890, before the patient's birth"] = new(["procedures"], r =>
            Find(r, "proc-allo-hct")["performedDateTime"] = "1890-03-01",
            "conditional", "Implausible date: Transfusion of Allogeneic Unrelated Hematopoietic Stem Cell… (ICD-10-PCS 30233Y3), performed 1 Mar 1890 (dated 1 Mar 1890, before the patient's birth date 14 Jun 1971; not counted until the date is confirmed)"),
        ["an allogeneic HCT dated 0001-01-01"] = new(["procedures"], r =>
            Find(r, "proc-allo-hct")["performedDateTime"] = "0001-01-01",
            "conditional", "dated 1 Jan 0001, before the patient's birth date 14 Jun 1971"),
        ["an allogeneic HCT dated 1890, with no birth date on record"] = new(["procedures"], r =>
        {
            Find(r, "proc-allo-hct")["performedDateTime"] = "1890-03-01";
            r["prefetch"]!["patient"]!.AsObject().Remove("birthDate");
        }, "conditional", "dated 1 Mar 1890, before 1957, the earliest year the policy accepts"),
        ["an allogeneic HCT dated before the patient's birth"] = new(["procedures"], r =>
        {
            Find(r, "proc-allo-hct").Remove("performedDateTime");
            Find(r, "proc-allo-hct")["performedPeriod"] = new JsonObject { ["start"] = "1969-05", ["end"] = "1969-05" };
        }, "conditional", "dated 1 May 1969 – 31 May 1969, before the patient's birth date 14 Jun 1971"),
        ["a relapse dated next year"] = new(["conditions"], r =>
        {
            Find(r, "cond-aml-relapse")["onsetDateTime"] = "2027-09-15";
            Find(r, "cond-aml-relapse")["recordedDate"] = "2027-09-15";
            Order(r).Remove("reasonCode");
        }, "conditional", "- **I.A** Implausible date: Acute myeloblastic leukemia, in relapse (ICD-10-CM C92.02), recorded 15 Sep 2027 (dated 15 Sep 2027, after the day of this decision (24 Nov 2026); not counted until the date is confirmed)"),
        ["a relapse dated next year beside the order's own relapse indication"] = new(["conditions"], r =>
        {
            // The ordering clinician states the relapse on the order itself: that plausible record still decides I.A.
            Find(r, "cond-aml-relapse")["onsetDateTime"] = "2027-09-15";
            Find(r, "cond-aml-relapse")["recordedDate"] = "2027-09-15";
        }, "covered", null),
        ["a mixed chimerism result from the future"] = new(["observations"], r =>
        {
            Find(r, "obs-chim-cd3-2026-10")["effectiveDateTime"] = "2027-10-20";
            Find(r, "obs-chim-cd3-2026-10")["issued"] = "2027-10-20T16:02:00Z";
        }, "conditional", "dated 20 Oct 2027, after the day of this decision (24 Nov 2026)"),
        ["an HCT dated 1890 beside the plausible one is no conflict"] = new(["procedures"], r =>
        {
            var duplicate = Find(r, "proc-allo-hct").DeepClone().AsObject();
            duplicate["id"] = "proc-allo-hct-entry-error";
            duplicate["performedDateTime"] = "1890-03-12";
            Bundle(r, "procedures").Add(new JsonObject { ["fullUrl"] = "https://ehr.example.org/fhir/Procedure/proc-allo-hct-entry-error", ["resource"] = duplicate });
        }, "covered", null),
        ["the chart as shipped"] = new(["procedures"], _ => { }, "covered", null),
    };

    public static TheoryData<string, bool> All() => Hooks.BothWays(Cases.Keys);

    [Theory]
    [MemberData(nameof(All))]
    public async Task GivenAnImplausibleDate_WhenSignedWithPrefetchOrQueried_ThenItDecidesNothingAndTheCardNamesIt(string name, bool queried)
    {
        // Arrange
        var chart = Cases[name];

        // Act
        var (status, body) = await Hooks.SignChartAsync(_factory, chart.Change, chart.Keys, queried);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(chart.Covered, Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        var cards = string.Join("\n", body["cards"]!.AsArray().Select(c => c!["detail"]!.GetValue<string>()));
        File.WriteAllText($"/tmp/p22-cards-{name.Replace(' ', '-').Replace('/', '-')}-{queried}.txt", cards);
        if (chart.InCards is { } text)
        {
            Assert.Contains(text, cards, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("Implausible date", cards, StringComparison.Ordinal);
        }

        Assert.Equal(queried, _factory.Ehr.LogEntries.Any());
    }

    private static JsonObject Order(JsonObject request) => request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!.AsObject();

    private static JsonArray Bundle(JsonObject request, string key) => request["prefetch"]![key]!["entry"]!.AsArray();

    private static JsonObject Find(JsonObject request, string id) =>
        request["prefetch"]!.AsObject()
            .Select(p => p.Value)
            .OfType<JsonObject>()
            .SelectMany(bundle => bundle["entry"] is JsonArray entries ? entries.Select(e => e!["resource"]!.AsObject()) : [])
            .Single(r => r["id"]!.GetValue<string>() == id);
}
