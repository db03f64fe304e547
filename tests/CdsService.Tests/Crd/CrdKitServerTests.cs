using System.Net;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests.Crd;

/// <summary>
/// The applicable checks of the Inferno Da Vinci CRD test kit's server suite, run over HTTP against the service with
/// the shipped samples as the user-provided request bodies. Each test names the kit test id(s) it reproduces.
/// </summary>
public sealed class CrdKitServerTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    public static TheoryData<string> OrderSignSamples => new()
    {
        "order-sign-meets-criteria.json",
        "order-sign-not-medically-necessary.json",
        "order-sign-investigational.json",
        "order-sign-missing-data.json",
        "order-sign-not-dli.json",
    };

    // The DLI samples: each answers with cards as well as the system action.
    public static TheoryData<string> DliSamples => new()
    {
        "order-sign-meets-criteria.json",
        "order-sign-not-medically-necessary.json",
        "order-sign-investigational.json",
        "order-sign-missing-data.json",
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CrdDiscoveryEndpointTest_GivenTheKitWithOrWithoutAJwt_WhenDiscoveryIsCalled_Then200AndJson(bool authenticationRequired)
    {
        // Arrange: crd_discovery_endpoint_test, "Discovery endpoint requires authentication?" no (default) and yes.
        using var client = authenticationRequired ? factory.CreateSignedClient() : factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        request.Headers.Accept.ParseAdd("application/json");

        // Act
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.IsType<JsonObject>(JsonNode.Parse(text));
    }

    [Fact]
    public async Task CrdDiscoveryServicesValidation_GivenTheDiscoveryDocument_WhenRead_ThenEveryServiceHasHookDescriptionAndIdAsStrings()
    {
        // Arrange: crd_discovery_services_validation.
        using var client = factory.CreateClient();

        // Act
        var services = JsonNode.Parse(await client.GetStringAsync("/cds-services", TestContext.Current.CancellationToken))!["services"]!.AsArray();

        // Assert
        Assert.NotEmpty(services);
        foreach (var service in services.Select(s => s!))
        {
            foreach (var field in new[] { "hook", "description", "id" })
            {
                Assert.Equal(System.Text.Json.JsonValueKind.String, service[field]?.GetValueKind());
            }
        }

        Assert.Equal(["order-sign", "order-select"], services.Select(s => s!["hook"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ConfigurationOptions_GivenEachService_WhenItsOptionsAreRead_ThenEachHasTheFourMandatoryElementsADefaultAndUniqueCodesNamesAndDescriptions()
    {
        // Arrange: CRD 2.0.1 davinci-crd.configuration-options (dev-4 four mandatory elements, default SHALL, dev-8 unique).
        using var client = factory.CreateClient();

        // Act
        var services = JsonNode.Parse(await client.GetStringAsync("/cds-services", TestContext.Current.CancellationToken))!["services"]!.AsArray();

        // Assert
        foreach (var service in services.Select(s => s!))
        {
            var options = service["extension"]!["davinci-crd.configuration-options"]!.AsArray().Select(o => o!).ToList();
            foreach (var option in options)
            {
                Assert.All(new[] { "code", "type", "name", "description" }, f => Assert.False(string.IsNullOrEmpty(option[f]?.GetValue<string>()), f));
                Assert.Contains(option["type"]!.GetValue<string>(), new[] { "boolean", "integer" });
                Assert.NotNull(option["default"]);
            }

            foreach (var field in new[] { "code", "name", "description" })
            {
                Assert.Equal(options.Count, options.Select(o => o[field]!.GetValue<string>()).Distinct().Count());
            }
        }
    }

    [Theory]
    [MemberData(nameof(OrderSignSamples))]
    public async Task CrdServiceCallTestAndResponseValidation_GivenEachOrderSignSample_WhenCalled_Then200WithValidCardsAndSystemActions(string sample)
    {
        // Arrange: crd_service_call_test, crd_service_response_validation, crd_card_optional_fields_validation.
        using var client = factory.CreateSignedClient();

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample(sample));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        CrdKitChecks.ServiceResponse(body!, "order-sign");
        CrdKitChecks.CardOptionalFields(body!);
    }

    [Theory]
    [MemberData(nameof(OrderSignSamples))]
    public async Task CrdCoverageInfoSystemActionReceivedAndValidation_GivenEachOrderSignSample_WhenCalled_ThenEveryAssertableOrderHasAValidCoverageInformationAction(string sample)
    {
        // Arrange: crd_coverage_info_system_action_received, crd_coverage_info_system_action_validation.
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample(sample);
        var orders = request["context"]!["draftOrders"]!["entry"]!.AsArray().Select(e => $"{e!["resource"]!["resourceType"]}/{e["resource"]!["id"]}").ToList();

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        var actions = CrdKitChecks.CoverageInformationActions(body!);
        Assert.NotEmpty(actions);
        Assert.All(actions, CrdKitChecks.CoverageInformationAction);
        Assert.Equal(orders, actions.Select(a => $"{a["resource"]!["resourceType"]}/{a["resource"]!["id"]}"));
    }

    [Theory]
    [MemberData(nameof(DliSamples))]
    public async Task CrdValidInstructionsCardReceivedAndExternalReferenceCardValidation_GivenEachDliSample_WhenCalled_ThenBothCardTypesComeBack(string sample)
    {
        // Arrange: crd_valid_instructions_card_received, crd_external_reference_card_validation.
        using var client = factory.CreateSignedClient();

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample(sample));

        // Assert
        var cards = CrdKitChecks.Cards(body!).ToList();
        Assert.Contains(cards, CrdKitChecks.IsInstructions);
        var external = Assert.Single(cards, CrdKitChecks.IsExternalReference);
        Assert.Equal("guideline", external["source"]!["topic"]!["code"]!.GetValue<string>());
        Assert.All(cards.Where(CrdKitChecks.IsInstructions), c => Assert.Equal("coverage-info", c["source"]!["topic"]!["code"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CrdAdditionalOrdersCardValidation_GivenTheMissingDataSample_WhenCalled_ThenTheSuggestedOrdersCardCreatesChimerismServiceRequestsForThePatient()
    {
        // Arrange: crd_additional_orders_card_validation (the resource profile check runs in FhirMapping.Tests).
        using var client = factory.CreateSignedClient();

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-missing-data.json"));

        // Assert
        var card = Assert.Single(CrdKitChecks.Cards(body!), CrdKitChecks.IsAdditionalOrders);
        Assert.Equal("clinical-reminder", card["source"]!["topic"]!["code"]!.GetValue<string>());
        var orders = card["suggestions"]!.AsArray().SelectMany(s => s!["actions"]!.AsArray()).Select(a => a!["resource"]!).ToList();
        Assert.Equal(["81267", "81268"], orders.Select(o => o["code"]!["coding"]![0]!["code"]!.GetValue<string>()));
        Assert.All(orders, o => Assert.Equal("Patient/pat-dli-001", o["subject"]!["reference"]!.GetValue<string>()));
        Assert.All(orders, o => Assert.Equal("PractitionerRole/pr-bmt-attending", o["requester"]!["reference"]!.GetValue<string>()));
        Assert.All(card["suggestions"]!.AsArray(), s => Assert.True(Guid.TryParse(s!["uuid"]!.GetValue<string>(), out _)));
    }

    [Fact]
    public async Task OrderSelectGroup_GivenTheOrderSelectSample_WhenCalled_ThenTheResponseIsValidAndCarriesCoverageInformation()
    {
        // Arrange: the kit's order-select group: crd_service_call_test, crd_service_response_validation,
        // crd_card_optional_fields_validation, crd_coverage_info_system_action_received.
        using var client = factory.CreateSignedClient();

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SelectService, Repository.Sample("order-select-meets-criteria.json"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        CrdKitChecks.ServiceResponse(body!, "order-select");
        CrdKitChecks.CardOptionalFields(body!);
        Assert.All(CrdKitChecks.CoverageInformationActions(body!), CrdKitChecks.CoverageInformationAction);
        Assert.NotEmpty(CrdKitChecks.CoverageInformationActions(body!));
    }

    [Theory]
    [InlineData("coverage-info")]
    [InlineData("guideline")]
    [InlineData("clinical-reminder")]
    public async Task ConfigurationOptions_GivenOneCardTypeTurnedOff_WhenCalled_ThenNoCardOfThatTypeComesBackAndTheOthersStay(string option)
    {
        // Arrange: CRD dev-5: a boolean per card type; false means no cards of that type.
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-missing-data.json");
        request["extension"] = new JsonObject { ["davinci-crd.configuration"] = new JsonObject { [option] = false } };

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var topics = CrdKitChecks.Cards(body!).Select(c => c["source"]!["topic"]!["code"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain(option, topics);
        Assert.Equal(new[] { "coverage-info", "guideline", "clinical-reminder" }.Where(t => t != option).Order(), topics.Distinct().Order());
        Assert.Equal(option == "coverage-info", body!["systemActions"] is null);
    }

    [Fact]
    public async Task ConfigurationOptions_GivenTheCardTypesTheServiceReturns_WhenDiscoveryIsRead_ThenEachHasABooleanOptionOnItsService()
    {
        // Arrange: CRD dev-5 ("at minimum, offer configuration options for each type of card they support").
        using var client = factory.CreateSignedClient();
        var discovery = JsonNode.Parse(await client.GetStringAsync("/cds-services", TestContext.Current.CancellationToken))!["services"]!.AsArray();
        var declared = discovery.ToDictionary(
            s => s!["id"]!.GetValue<string>(),
            s => s!["extension"]!["davinci-crd.configuration-options"]!.AsArray().Where(o => o!["type"]!.GetValue<string>() == "boolean").Select(o => o!["code"]!.GetValue<string>()).ToHashSet());

        // Act
        var topics = new Dictionary<string, HashSet<string>> { [Hooks.SignService] = [], [Hooks.SelectService] = [] };
        foreach (var sample in DliSamples.Select(d => d.Data))
        {
            var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample(sample));
            topics[Hooks.SignService].UnionWith(CrdKitChecks.Cards(body!).Select(c => c["source"]!["topic"]!["code"]!.GetValue<string>()));
        }

        var (_, select) = await Hooks.PostAsync(client, Hooks.SelectService, Repository.Sample("order-select-meets-criteria.json"));
        topics[Hooks.SelectService].UnionWith(CrdKitChecks.Cards(select!).Select(c => c["source"]!["topic"]!["code"]!.GetValue<string>()));

        // Assert
        Assert.All(topics, t => Assert.Subset(declared[t.Key], t.Value));
        Assert.Equal(["clinical-reminder", "coverage-info", "guideline"], topics[Hooks.SignService].Order());
    }

    [Fact]
    public async Task Security_GivenNoJwt_WhenDiscoveryAndAHookAreCalled_ThenDiscoveryIsOpenAndTheHookIsRefused()
    {
        // Arrange: discovery holds nothing private (open by default); hook calls always need a JWT outside development mode.
        using var client = factory.CreateClient();

        // Act
        using var discovery = await client.GetAsync("/cds-services", TestContext.Current.CancellationToken);
        var (hook, _) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, hook);
    }
}
