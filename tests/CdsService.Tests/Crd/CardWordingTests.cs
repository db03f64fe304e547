using System.Net;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Facts;
using Cds.Service.Policy;

namespace Cds.Service.Tests.Crd;

/// <summary>Cards a clinician can act on: evidence in words, no ids, exclusions that "apply", the PA sentence that follows the assertion.</summary>
public sealed partial class CardWordingTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    private static readonly EvidenceText Words = new(PolicyFiles.LoadDefault().Document.Systems);

    public static TheoryData<string, string> EvidenceTable => new()
    {
        // Evidence as JSON-ish fields: type|system|code|display|date|value → the card text.
        { "Condition|http://hl7.org/fhir/sid/icd-10-cm|C92.02|AML in relapse|2026-09-15|in relapse (code)", "AML in relapse (ICD-10-CM C92.02), recorded 15 Sep 2026" },
        { "Procedure|http://www.ama-assn.org/go/cpt|38240|Allogeneic HCT|2025-03-12|allogeneic", "Allogeneic HCT (CPT 38240), performed 12 Mar 2025" },
        { "Observation|http://lab.example.org/codes|CHIM-CD3|Chimerism, sorted T cells|2026-10-20|T-cell: 72% donor", "Chimerism, sorted T cells (local code CHIM-CD3): T-cell: 72% donor, resulted 20 Oct 2026" },
        { "Procedure||||2025-03-06|\"reduced-intensity\"", "Procedure text \"reduced-intensity\", performed 6 Mar 2025" },
        { "ServiceRequest|http://hl7.org/fhir/sid/icd-10-cm|C92.02|Acute myeloblastic leukemia, in relapse|2026-11-24|in relapse (code)", "Acute myeloblastic leukemia, in relapse (ICD-10-CM C92.02), on the order of 24 Nov 2026" },
    };

    [Theory]
    [MemberData(nameof(EvidenceTable))]
    public void GivenEvidence_WhenPutInWords_ThenItNamesWhatWhichCodeAndWhenWithoutTheResourceId(string fields, string expected)
    {
        // Arrange
        var f = fields.Split('|');
        var evidence = new Evidence(f[0], "some-resource-id", Empty(f[1]), Empty(f[2]), Empty(f[3]), DateOnly.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture), Empty(f[5]));

        // Act
        var text = Words.Describe(evidence);

        // Assert
        Assert.Equal(expected, text);
        Assert.DoesNotContain("some-resource-id", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("order-sign-meets-criteria.json")]
    [InlineData("order-sign-not-medically-necessary.json")]
    [InlineData("order-sign-investigational.json")]
    [InlineData("order-sign-missing-data.json")]
    public async Task GivenEachDliSample_WhenSigned_ThenNoCardCarriesAResourceIdAndTheCoverageInformationStillDoes(string sample)
    {
        // Arrange
        using var client = factory.CreateSignedClient();

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample(sample));

        // Assert
        foreach (var card in body!["cards"]!.AsArray())
        {
            var text = $"{card!["summary"]} {card["detail"]}";
            Assert.False(ResourceId().IsMatch(text), $"{sample}: a card names a resource id: {ResourceId().Match(text).Value}");
        }

        Assert.Matches(ResourceId(), Hooks.Parts(Hooks.Extension(body["systemActions"]![0]!), "coverage").Single()["valueReference"]!["reference"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenTheInvestigationalSample_WhenSigned_ThenExclusionRowsReadAppliesOrDoesNotApply()
    {
        // Arrange
        using var client = factory.CreateSignedClient();

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-investigational.json"));

        // Assert
        var detail = body!["cards"]![0]!["detail"]!.GetValue<string>();
        Assert.Contains("| IV Genetically modified lymphocytes (investigational) | **Applies** |", detail, StringComparison.Ordinal);
        Assert.Contains("| III Other indications (investigational) | Does not apply |", detail, StringComparison.Ordinal);
        Assert.Contains("| II Not medically necessary | Does not apply |", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("| II Not medically necessary | Met |", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "auth-needed", "prior authorization required")]
    [InlineData("no-auth", "no-auth", "no prior authorization needed")]
    public async Task GivenTheConfiguredPriorAuthorization_WhenAMetOrderIsSigned_ThenTheCardsSentenceFollowsTheAssertion(string? configured, string paNeeded, string sentence)
    {
        // Arrange
        using var service = new CdsServiceFactory().With("Cds:PriorAuthorization", configured);
        using var client = service.CreateSignedClient();

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(paNeeded, Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "pa-needed"));
        var card = body["cards"]![0]!;
        Assert.EndsWith(sentence, card["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(sentence, card["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("prior authorization applies", card["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenTwoDliOrdersSignedTogether_WhenAnswered_ThenEachCardSaysWhichOrderInWordsNotById()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var entries = request["context"]!["draftOrders"]!["entry"]!.AsArray();
        var second = entries[0]!.DeepClone();
        second["resource"]!["id"] = "sr-dli-002";
        entries.Add(second);

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        var statuses = body!["cards"]!.AsArray().Where(c => c!["source"]!["topic"]!["code"]!.GetValue<string>() == "coverage-info").Select(c => c!["detail"]!.GetValue<string>()).ToList();
        Assert.Equal(2, statuses.Count);
        Assert.Contains("Order: Donor lymphocyte infusion for 24 Nov 2026, order 1 of 2", statuses[0], StringComparison.Ordinal);
        Assert.Contains("Order: Donor lymphocyte infusion for 24 Nov 2026, order 2 of 2", statuses[1], StringComparison.Ordinal);
        Assert.All(statuses, s => Assert.DoesNotContain("sr-dli-00", s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenMissingDocumentation_WhenTheWhatToAttachLinkIsFollowed_ThenThePageListsEachDocumentAndHowToSendIt()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-missing-data.json"));
        var link = body!["cards"]!.AsArray().SelectMany(c => c!["links"]?.AsArray() ?? []).Single(l => l!["label"]!.GetValue<string>() == "What to attach for coverage review")!;
        var url = new Uri(link["url"]!.GetValue<string>());

        // Act
        var page = await client.GetStringAsync(url.PathAndQuery, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal("#documentation", url.Fragment);
        Assert.Contains("id=\"documentation\"", page, StringComparison.Ordinal);
        Assert.Contains("History and physical / chart notes", page, StringComparison.Ordinal);
        Assert.Contains("LOINC 34117-2", page, StringComparison.Ordinal);
    }

    private static string? Empty(string value) => value.Length == 0 ? null : value;

    [GeneratedRegex("\\b(Condition|Procedure|Observation|ServiceRequest|DocumentReference|Coverage|Patient|Organization)/[A-Za-z0-9\\-\\.]+")]
    private static partial Regex ResourceId();
}
