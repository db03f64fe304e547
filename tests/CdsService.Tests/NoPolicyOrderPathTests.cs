using System.Net;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests;

/// <summary>
/// A call with no order a policy governs is answered from one JSON pass over its data (the record is never read into
/// facts): its answer and every refusal are those of the full read — another patient's Coverage, the resource limit,
/// a Coverage search that could not be read — and a clinical resource the policy would find unreadable does not matter.
/// </summary>
public sealed class NoPolicyOrderPathTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    [Fact]
    public async Task GivenANonDliOrderAndAnotherPatientsCoverage_WhenSigned_ThenItIsRefusedAsBefore()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-not-dli.json");
        request["prefetch"]!["coverage"]!["entry"]![0]!["resource"]!["beneficiary"] = new JsonObject { ["reference"] = "Patient/someone-else" };

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Coverage/cov-regence-001 does not name context.patientId as its beneficiary.", body!["issue"]![0]!["diagnostics"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenANonDliOrderWithMoreResourcesThanTheLimit_WhenSigned_ThenItIsTooCostlyAsBefore()
    {
        // Arrange
        using var limited = new CdsServiceFactory().With("Cds:Security:MaxResources", "3");
        using var client = limited.CreateSignedClient();

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-not-dli.json"));

        // Assert
        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("too-costly", body!["issue"]![0]!["code"]!.GetValue<string>());
        Assert.Contains("exceed the limit of 3", body["issue"]![0]!["diagnostics"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenANonDliOrderWhoseCoverageSearchHoldsNoResource_WhenSigned_ThenNothingIsAssertedAndNothingRefused()
    {
        // Arrange: the coverage key's only entry is no FHIR resource: the Coverage could not be read (a technical gap).
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-not-dli.json");
        request["prefetch"]!["coverage"]!["entry"]![0]!["resource"] = new JsonObject { ["id"] = "cov-regence-001", ["status"] = "active" };

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(body!["cards"]!.AsArray());
        Assert.Null(body["systemActions"]);
    }

    [Fact]
    public async Task GivenANonDliOrderBesideAnUnreadableClinicalResource_WhenSigned_ThenItIsAnsweredAsUsual()
    {
        // Arrange: a Condition with a wrongly typed value, which only a policy's reading would have to deal with.
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-not-dli.json");
        var condition = request["prefetch"]!["conditions"]!["entry"]![0]!["resource"]!;
        condition["onsetDateTime"] = new JsonObject { ["value"] = 2023 };

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var action = Assert.Single(body!["systemActions"]!.AsArray())!;
        Assert.Equal(("conditional", "conditional"), (Hooks.Code(Hooks.Extension(action), "covered"), Hooks.Code(Hooks.Extension(action), "pa-needed")));
    }
}
