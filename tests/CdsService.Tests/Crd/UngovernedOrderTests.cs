using System.Net;
using System.Text.Json.Nodes;
using Cds.Service.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace Cds.Service.Tests.Crd;

/// <summary>
/// Every order-sign gets a CRD answer (CRD 2.0.1 hook-39): an order no loaded policy governs gets the configured
/// coverage information (default <c>conditional</c>, CRD 2.2 <c>indeterminate</c>) and no card; an order that cannot
/// carry an assertion gets nothing.
/// </summary>
public sealed class UngovernedOrderTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    [Fact]
    public async Task GivenTheNotDliSample_WhenSigned_ThenItGetsAConditionalCoverageInformationActionAndNoCard()
    {
        // Arrange
        using var client = factory.CreateSignedClient();

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-not-dli.json"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(body!["cards"]!.AsArray());
        var action = Assert.Single(body["systemActions"]!.AsArray())!;
        Assert.Equal("sr-bm-biopsy", action["resource"]!["id"]!.GetValue<string>());
        var extension = Hooks.Extension(action);
        Assert.Equal(("conditional", "conditional"), (Hooks.Code(extension, "covered"), Hooks.Code(extension, "pa-needed")));
        Assert.Equal("Coverage/cov-regence-001", Hooks.Parts(extension, "coverage").Single()["valueReference"]!["reference"]!.GetValue<string>());
        Assert.Contains("No coverage policy", Hooks.Parts(extension, "reason").Single()["valueCodeableConcept"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(Hooks.Parts(extension, "billingCode"));
    }

    [Fact]
    public async Task GivenACrd22Client_WhenAnUngovernedOrderIsSigned_ThenItIsIndeterminate()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-not-dli.json");
        request["extension"] = JsonNode.Parse("""{"davinci-crd.requestedVersion":"2.2"}""");

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        var extension = Hooks.Extension(body!["systemActions"]![0]!);
        Assert.Equal(("indeterminate", "indeterminate"), (Hooks.Code(extension, "covered"), Hooks.Code(extension, "pa-needed")));
    }

    [Fact]
    public async Task GivenUngovernedOrdersConfiguredCovered_WhenSigned_ThenItIsCoveredWithoutPriorAuthorization()
    {
        // Arrange
        using var covered = new CdsServiceFactory().With("Cds:Crd:UngovernedOrders", "Covered");
        using var client = covered.CreateSignedClient();

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-not-dli.json"));

        // Assert
        var extension = Hooks.Extension(body!["systemActions"]![0]!);
        Assert.Equal(("covered", "no-auth"), (Hooks.Code(extension, "covered"), Hooks.Code(extension, "pa-needed")));
    }

    [Theory]
    [InlineData("doNotPerform", "true")]
    [InlineData("status", "\"revoked\"")]
    [InlineData("status", "\"completed\"")]
    public async Task GivenAnOrderThatCannotCarryAnAssertion_WhenSigned_ThenNothingIsSaid(string element, string value)
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-not-dli.json");
        request["context"]!["draftOrders"]!["entry"]![0]!["resource"]![element] = JsonNode.Parse(value);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"cards":[]}""", body!.ToJsonString());
    }

    [Fact]
    public async Task GivenAVisionPrescription_WhenSigned_ThenNothingIsSaidBecauseCrd201HasNoCoverageInformationOnIt()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-not-dli.json");
        request["context"]!["draftOrders"]!["entry"] = new JsonArray(JsonNode.Parse("""
            {"resource":{"resourceType":"VisionPrescription","id":"vp-1","status":"draft","created":"2026-11-24","patient":{"reference":"Patient/pat-dli-001"},"dateWritten":"2026-11-24","prescriber":{"reference":"Practitioner/p1"},
             "lensSpecification":[{"product":{"text":"lens"},"eye":"right"}]}}
            """));

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal("""{"cards":[]}""", body!.ToJsonString());
    }

    [Fact]
    public async Task GivenAnUngovernedOrderAndNoCoverageOfThisPayer_WhenSigned_ThenTheAnswerIsTheCrd400()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-not-dli.json");
        var coverage = request["prefetch"]!["coverage"]!["entry"]![0]!["resource"]!;
        coverage["payor"] = JsonNode.Parse("""[{"identifier":{"system":"http://hl7.org/fhir/sid/us-npi","value":"1720087364"},"display":"Medicare Part B"}]""");

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("another payer", body!["issue"]![0]!["diagnostics"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAnUngovernedOrder_WhenAnswered_ThenItsAssertionIsRetainedInTheLedgerUnderItsId()
    {
        // Arrange: CRD found-11, all coverage guidance given is retained (a claim may cite the assertion id).
        using var client = factory.CreateSignedClient();

        // Act
        var (_, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-not-dli.json"));

        // Assert
        var id = Hooks.Parts(Hooks.Extension(body!["systemActions"]![0]!), "coverage-assertion-id").Single()["valueString"]!.GetValue<string>();
        var record = await factory.Services.GetRequiredService<ILedgerStore>().FindAssertionAsync(id, TestContext.Current.CancellationToken);
        Assert.NotNull(record);
        Assert.Equal(("ServiceRequest/sr-bm-biopsy", "not-governed", "conditional"), (record.Decision.OrderReference, record.Decision.Outcome, record.Decision.Covered));
    }

    [Fact]
    public async Task GivenOnlyAnUngovernedOrderAndTheCoverageQueryFails_WhenSigned_ThenNothingIsAssertedAndItIsNotAnError()
    {
        // Arrange
        using var service = new CdsServiceFactory();
        using var client = service.CreateSignedClient();
        var request = Repository.Sample("order-sign-not-dli.json");
        request["prefetch"]!.AsObject().Remove("coverage");
        request["fhirServer"] = service.FhirBase;
        Hooks.Serve(service.Ehr, "coverage", "{}", status: 503);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"cards":[]}""", body!.ToJsonString());
    }
}
