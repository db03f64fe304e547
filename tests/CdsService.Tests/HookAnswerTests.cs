using System.Net;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests;

/// <summary>What the EHR gets back: cards, the coverage-information system action, CRD options and rules.</summary>
public sealed class HookAnswerTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    [Theory]
    [InlineData("order-sign-meets-criteria.json", Hooks.SignService, "covered", "info", "DLI meets policy 45.03 criteria")]
    [InlineData("order-sign-not-medically-necessary.json", Hooks.SignService, "not-covered", "warning", "not medically necessary under policy 45.03 (criterion II)")]
    [InlineData("order-sign-investigational.json", Hooks.SignService, "not-covered", "warning", "investigational under policy 45.03 (criterion IV)")]
    [InlineData("order-sign-missing-data.json", Hooks.SignService, "conditional", "warning", "cannot be determined: 2 items missing")]
    [InlineData("order-select-meets-criteria.json", Hooks.SelectService, "covered", "info", "DLI meets policy 45.03 criteria")]
    public async Task GivenEachSample_WhenPostedAsShipped_ThenTheDocumentedOutcomeComesBack(string sample, string service, string covered, string indicator, string summary)
    {
        // Arrange
        using var client = factory.CreateSignedClient();

        // Act
        var (status, body) = await Hooks.PostAsync(client, service, Repository.Sample(sample));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var card = body!["cards"]![0]!;
        Assert.Equal(indicator, card["indicator"]!.GetValue<string>());
        Assert.Contains(summary, card["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(card["summary"]!.GetValue<string>().Length < 140);
        Assert.Equal(covered, Hooks.Code(Hooks.Extension(body["systemActions"]![0]!), "covered"));
    }

    [Fact]
    public async Task GivenAMetOrder_WhenOrderSignIsCalled_ThenTheCoverageInformationExtensionIsRightElementByElement()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var draft = request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!.DeepClone().AsObject();

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert: one update action on the same ServiceRequest, otherwise unchanged.
        var action = Assert.Single(body!["systemActions"]!.AsArray())!;
        Assert.Equal("update", action["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(action["description"]!.GetValue<string>()));
        var resource = action["resource"]!.AsObject();
        Assert.Equal("ServiceRequest", resource["resourceType"]!.GetValue<string>());
        Assert.Equal("sr-dli-001", resource["id"]!.GetValue<string>());
        var withoutExtension = resource.DeepClone().AsObject();
        withoutExtension.Remove("extension");
        Assert.True(JsonNode.DeepEquals(draft, withoutExtension), "The order must come back unchanged apart from the extension.");

        var extension = Hooks.Extension(action);
        Assert.Equal("Coverage/cov-regence-001", Hooks.Parts(extension, "coverage").Single()["valueReference"]!["reference"]!.GetValue<string>());
        Assert.Equal("covered", Hooks.Code(extension, "covered"));
        Assert.Equal("auth-needed", Hooks.Code(extension, "pa-needed"));
        Assert.Empty(Hooks.Parts(extension, "doc-needed"));
        Assert.Empty(Hooks.Parts(extension, "info-needed"));
        var billing = Hooks.Parts(extension, "billingCode").Single()["valueCoding"]!;
        Assert.Equal(("http://www.ama-assn.org/go/cpt", "38242"), (billing["system"]!.GetValue<string>(), billing["code"]!.GetValue<string>()));
        Assert.Contains("Criterion I met", Hooks.Parts(extension, "reason").Single()["valueCodeableConcept"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("2026-11-24", Hooks.Parts(extension, "date").Single()["valueDate"]!.GetValue<string>());
        var assertionId = Hooks.Parts(extension, "coverage-assertion-id").Single()["valueString"]!.GetValue<string>();
        Assert.True(Guid.TryParse(assertionId, out _));
        Assert.All(extension["extension"]!.AsArray(), p => Assert.Equal(2, p!.AsObject().Count));
    }

    [Fact]
    public async Task GivenTwoCalls_WhenTheSameOrderIsAssessed_ThenEachAssertionIdIsUnique()
    {
        // Arrange
        using var client = factory.CreateSignedClient();

        // Act
        var (_, first) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));
        var (_, second) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        static string Id(JsonNode body) => Hooks.Parts(Hooks.Extension(body["systemActions"]![0]!), "coverage-assertion-id").Single()["valueString"]!.GetValue<string>();
        Assert.NotEqual(Id(first!), Id(second!));
    }

    [Fact]
    public async Task GivenAnUndeterminedOrder_WhenOrderSignIsCalled_ThenTheMissingCardListsEachItemAndTheExtensionAsksForDocumentation()
    {
        // Arrange
        using var client = factory.CreateSignedClient();

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-missing-data.json"));

        // Assert
        var cards = body!["cards"]!.AsArray();
        Assert.Equal(["coverage-info", "coverage-info", "clinical-reminder", "guideline"], cards.Select(c => c!["source"]!["topic"]!["code"]!.GetValue<string>()));
        var missing = cards[1]!["detail"]!.GetValue<string>();
        Assert.Contains("**I.B**", missing, StringComparison.Ordinal);
        Assert.Contains("**I.C**", missing, StringComparison.Ordinal);
        Assert.DoesNotContain("**I.A**", missing, StringComparison.Ordinal);
        Assert.Contains("History and physical", missing, StringComparison.Ordinal);
        var extension = Hooks.Extension(body["systemActions"]![0]!);
        Assert.Equal("conditional", Hooks.Code(extension, "covered"));
        Assert.Equal("auth-needed", Hooks.Code(extension, "pa-needed"));
        Assert.Equal("clinical", Hooks.Code(extension, "doc-needed"));
        Assert.Equal("withpa", Hooks.Code(extension, "doc-purpose"));
        Assert.Equal("OTH", Hooks.Code(extension, "info-needed"));
    }

    [Fact]
    public async Task GivenANotCoveredOrder_WhenOrderSignIsCalled_ThenTheExtensionSaysNoAuthAndTheCardExplainsCriterionII()
    {
        // Arrange
        using var client = factory.CreateSignedClient();

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-not-medically-necessary.json"));

        // Assert
        var extension = Hooks.Extension(body!["systemActions"]![0]!);
        Assert.Equal("not-covered", Hooks.Code(extension, "covered"));
        Assert.Equal("no-auth", Hooks.Code(extension, "pa-needed"));
        Assert.Empty(Hooks.Parts(extension, "doc-needed"));
        var cards = body["cards"]!.AsArray();
        Assert.Equal(2, cards.Count);
        var card = cards[0]!;
        var detail = card["detail"]!.GetValue<string>();
        Assert.StartsWith("**Not covered: not medically necessary (criterion II).**", detail, StringComparison.Ordinal);
        Assert.Contains("| I.A Relapsed or refractory hematologic malignancy | **Not met** |", detail, StringComparison.Ordinal);
        Assert.Contains("| I.C Mixed donor chimerism | **Not met** |", detail, StringComparison.Ordinal);
        Assert.Contains("| II Not medically necessary | **Applies** |", detail, StringComparison.Ordinal);
        Assert.Contains("| IV Genetically modified lymphocytes (investigational) | Does not apply |", detail, StringComparison.Ordinal);
        Assert.Contains("(ICD-10-CM C92.01)", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("ServiceRequest/", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Observation/", detail, StringComparison.Ordinal);
        Assert.Null(card["links"]);
        Assert.NotEmpty(card["overrideReasons"]!.AsArray());
        var reference = cards[1]!;
        Assert.Equal("guideline", reference["source"]!["topic"]!["code"]!.GetValue<string>());
        Assert.Equal("absolute", reference["links"]![0]!["type"]!.GetValue<string>());
        Assert.StartsWith("http", reference["links"]![0]!["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Regence", card["source"]!["label"]!.GetValue<string>());
        Assert.Equal("coverage-info", card["source"]!["topic"]!["code"]!.GetValue<string>());
        Assert.True(Guid.TryParse(card["uuid"]!.GetValue<string>(), out _));
    }

    [Fact]
    public async Task GivenSeveralDraftOrdersOfWhichOneIsDli_WhenOrderSignIsCalled_ThenOnlyTheDliOrderIsAssessed()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var entries = request["context"]!["draftOrders"]!["entry"]!.AsArray();
        var other = Repository.Sample("order-sign-not-dli.json")["context"]!["draftOrders"]!["entry"]![0]!.DeepClone();
        var medication = JsonNode.Parse("""{"resource":{"resourceType":"MedicationRequest","id":"mr-tacro","status":"draft","intent":"order","medicationCodeableConcept":{"text":"tacrolimus 1 mg"},"subject":{"reference":"Patient/pat-dli-001"}}}""")!;
        entries.Insert(0, other);
        entries.Add(medication);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var actions = body!["systemActions"]!.AsArray();
        Assert.Equal(["sr-dli-001", "sr-bm-biopsy", "mr-tacro"], actions.Select(a => a!["resource"]!["id"]!.GetValue<string>()));
        Assert.Equal(["covered", "conditional", "conditional"], actions.Select(a => Hooks.Code(Hooks.Extension(a!), "covered")));
        Assert.All(body["cards"]!.AsArray(), c => Assert.Equal("ServiceRequest/sr-dli-001", c!["extension"]!["davinci-crd.associated-resource"]![0]!["reference"]!.GetValue<string>()));
    }

    [Fact]
    public async Task GivenNoDliOrderAndUngovernedOrdersOff_WhenOrderSignIsCalled_ThenTheAnswerIsExactlyAnEmptyCardList()
    {
        // Arrange
        using var quiet = new CdsServiceFactory().With("Cds:Crd:UngovernedOrders", "None");
        using var client = quiet.CreateSignedClient();

        // Act
        using var content = new StringContent(Repository.Sample("order-sign-not-dli.json").ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/cds-services/{Hooks.SignService}", content, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"cards":[]}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task GivenOrderSelect_WhenTheDliOrderIsSelected_ThenABriefHeadsUpComesBackWithoutDocumentationDemands()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-missing-data.json");
        request["hook"] = "order-select";
        request["context"]!["selections"] = new JsonArray("ServiceRequest/sr-dli-001");

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SelectService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var cards = body!["cards"]!.AsArray();
        Assert.Equal(["coverage-info", "guideline"], cards.Select(c => c!["source"]!["topic"]!["code"]!.GetValue<string>()));
        var card = cards[0]!;
        Assert.DoesNotContain("|", card["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(cards[1]!["links"]!.AsArray());
        var extension = Hooks.Extension(body["systemActions"]![0]!);
        Assert.Equal("conditional", Hooks.Code(extension, "covered"));
        Assert.Empty(Hooks.Parts(extension, "doc-needed"));
        Assert.Empty(Hooks.Parts(extension, "doc-purpose"));
    }

    [Fact]
    public async Task GivenOrderSelect_WhenAnotherOrderIsSelected_ThenNothingIsSaid()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-select-meets-criteria.json");
        request["context"]!["selections"] = new JsonArray("ServiceRequest/some-other-order");

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SelectService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(body!["cards"]!.AsArray());
        Assert.Null(body["systemActions"]);
    }

    [Fact]
    public async Task GivenCrdConfiguration_WhenEveryCardTypeIsTurnedOff_ThenNoCardsAndNoSystemActions()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-missing-data.json");
        request["extension"] = JsonNode.Parse("""{"davinci-crd.configuration":{"coverage-info":false,"guideline":false,"clinical-reminder":false,"unknown-option":true}}""");

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(body!["cards"]!.AsArray());
        Assert.Null(body["systemActions"]);
    }

    [Fact]
    public async Task GivenCrdConfiguration_WhenMaxCardsIsOneOrAnOptionHasTheWrongType_ThenMaxCardsIsHonouredAndTheRestIgnored()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-missing-data.json");
        request["extension"] = JsonNode.Parse("""{"davinci-crd.configuration":{"max-cards":1,"coverage-info":"yes"}}""");

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(body!["cards"]!.AsArray());
        Assert.Single(body["systemActions"]!.AsArray());
    }

    [Theory]
    [InlineData(0, HttpStatusCode.BadRequest, "not-found")]
    public async Task GivenNoneOrSeveralActiveCoverages_WhenOrderSignIsCalled_ThenCrdHook13Applies(int coverages, HttpStatusCode expected, string code)
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var bundle = request["prefetch"]!["coverage"]!.AsObject();
        var entries = bundle["entry"]!.AsArray();
        var original = entries[0]!.DeepClone();
        entries.Clear();
        for (var i = 0; i < coverages; i++)
        {
            var copy = original.DeepClone();
            copy["resource"]!["id"] = $"cov-{i}";
            entries.Add(copy);
        }

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(expected, status);
        Assert.Equal(code, body!["issue"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenTheCoverageQueryFails_WhenOrderSignIsCalled_ThenACardSaysCoverageCouldNotBeCheckedAndTheHookStill200()
    {
        // Arrange
        factory.Ehr.Reset();
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request["prefetch"]!.AsObject().Remove("coverage");
        request["fhirServer"] = factory.FhirBase;
        Hooks.Serve(factory.Ehr, "coverage", "{}", status: 503);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var card = Assert.Single(body!["cards"]!.AsArray())!;
        Assert.Equal("warning", card["indicator"]!.GetValue<string>());
        Assert.Contains("HTTP 503", card["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(body["systemActions"]);
    }

    [Fact]
    public async Task GivenThePolicyLink_WhenFollowed_ThenThePolicyPageListsEveryCriterion()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));
        var url = new Uri(body!["cards"]!.AsArray().Single(c => c!["links"] is not null)!["links"]![0]!["url"]!.GetValue<string>());

        // Act
        var page = await client.GetStringAsync(url.PathAndQuery, TestContext.Current.CancellationToken);

        // Assert
        foreach (var label in new[] { "I.A", "I.B", "I.C", "II Not medically necessary", "III", "IV" })
        {
            Assert.Contains(label, page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GivenACrd22Client_WhenTheOrderIsNotCovered_ThenPaNeededIsLeftOutAsCrd22Requires()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-investigational.json");
        request["extension"] = JsonNode.Parse("""{"davinci-crd.requestedVersion":"2.2"}""");

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var extension = Hooks.Extension(body!["systemActions"]![0]!);
        Assert.Equal("not-covered", Hooks.Code(extension, "covered"));
        Assert.Empty(Hooks.Parts(extension, "pa-needed"));
    }
}
