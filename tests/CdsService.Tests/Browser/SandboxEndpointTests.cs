using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;

namespace Cds.Service.Tests.Browser;

/// <summary>The sandbox's HTTP surface: when it is served, its page and assets, and the samples it hands out.</summary>
public sealed class SandboxEndpointTests(SandboxServiceFixture sandbox, CdsServiceFactory plain)
    : IClassFixture<SandboxServiceFixture>, IClassFixture<CdsServiceFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GivenTheDefaultSettingsOutsideDevelopment_WhenTheRootIsRequested_ThenThereIsNoSandbox()
    {
        // Arrange
        using var client = plain.CreateClient();

        // Act
        using var page = await client.GetAsync("/", Cancel);
        using var catalog = await client.GetAsync("/sandbox/api/catalog", Cancel);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, catalog.StatusCode);
    }

    [Theory]
    [InlineData("Development", null, HttpStatusCode.OK)]
    [InlineData("Development", "false", HttpStatusCode.NotFound)]
    [InlineData("Production", "true", HttpStatusCode.OK)]
    [InlineData("Production", null, HttpStatusCode.NotFound)]
    public async Task GivenAnEnvironmentAndSetting_WhenTheRootIsRequested_ThenThePageIsServedOnlyWhereItShouldBe(string environment, string? enabled, HttpStatusCode expected)
    {
        // Arrange
        using var factory = new CdsServiceFactory();
        using var variant = factory.WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            if (enabled is not null)
            {
                builder.UseSetting("Cds:Sandbox:Enabled", enabled);
            }
        });
        using var client = variant.CreateClient();

        // Act
        using var response = await client.GetAsync("/", Cancel);

        // Assert
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task GivenTheSandbox_WhenThePageAndItsAssetsAreRequested_ThenTheyComeWithAStrictContentSecurityPolicy()
    {
        // Arrange
        using var client = sandbox.Factory.CreateClient();

        // Act
        using var page = await client.GetAsync("/", Cancel);
        using var script = await client.GetAsync("/sandbox/sandbox.js", Cancel);
        using var style = await client.GetAsync("/sandbox/sandbox.css", Cancel);
        using var unknown = await client.GetAsync("/sandbox/secrets.txt", Cancel);
        var html = await page.Content.ReadAsStringAsync(Cancel);

        // Assert
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("<script src=\"sandbox/sandbox.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Contains("renderCard", await script.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal("text/css", style.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task GivenTheSandbox_WhenItsCatalogIsRead_ThenItOffersEverySamplePatientOrderAndShippedRequest()
    {
        // Arrange
        using var client = sandbox.Factory.CreateClient();
        var shipped = Directory.GetFiles(Repository.Path("samples"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        // Act
        var catalog = await client.GetFromJsonAsync<JsonObject>("/sandbox/api/catalog", Cancel);

        // Assert
        Assert.Equal(SamplePatients.All.Select(p => p["patientId"]!.GetValue<string>()), catalog!["patients"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()));
        Assert.Equal(["dli", "dli-genetically-modified", "bone-marrow-biopsy"], catalog["orders"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()));
        Assert.Equal(shipped, catalog["requests"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["order-sign", "order-select"], catalog["services"]!.AsArray().Select(s => s!["hook"]!.GetValue<string>()));
        Assert.False(catalog["developmentMode"]!.GetValue<bool>());
    }

    [Fact]
    public async Task GivenAShippedRequestAndAPatientBundle_WhenDownloaded_ThenTheyAreTheRepositoryFilesUnchanged()
    {
        // Arrange
        using var client = sandbox.Factory.CreateClient();

        // Act
        var request = await client.GetFromJsonAsync<JsonNode>("/sandbox/api/requests/order-sign-meets-criteria.json", Cancel);
        using var bundle = await client.GetAsync("/sandbox/api/patients/dli4503-not-met-ib", Cancel);
        using var missing = await client.GetAsync("/sandbox/api/requests/..%2Fcds-services.json", Cancel);

        // Assert
        Assert.True(JsonNode.DeepEquals(Repository.Sample("order-sign-meets-criteria.json"), request));
        Assert.Equal("application/fhir+json", bundle.Content.Headers.ContentType!.MediaType);
        Assert.True(JsonNode.DeepEquals(SamplePatients.Bundle("dli4503-not-met-ib"), JsonNode.Parse(await bundle.Content.ReadAsStringAsync(Cancel))));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task GivenAnOrderSelectForAPatient_WhenTheRequestIsBuilt_ThenItSelectsTheDraftOrderAndDatesItToday()
    {
        // Arrange
        using var client = sandbox.Factory.CreateClient();

        // Act
        var request = await client.GetFromJsonAsync<JsonObject>("/sandbox/api/requests?patient=dli4503-met&order=dli-genetically-modified&hook=order-select", Cancel);

        // Assert
        var context = request!["context"]!;
        var order = context["draftOrders"]!["entry"]![0]!["resource"]!;
        Assert.Equal("order-select", request["hook"]!.GetValue<string>());
        Assert.True(Guid.TryParse(request["hookInstance"]!.GetValue<string>(), out _));
        Assert.Equal("dli4503-met", context["patientId"]!.GetValue<string>());
        Assert.Equal(["ServiceRequest/sr-dli-genetically-modified"], context["selections"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("Patient/dli4503-met", order["subject"]!["reference"]!.GetValue<string>());
        Assert.StartsWith("2026-11-24T18:15:00", order["authoredOn"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(order["reasonCode"]);
    }

    [Theory]
    [InlineData("patient=nobody&order=dli", HttpStatusCode.NotFound)]
    [InlineData("patient=dli4503-met&order=nothing", HttpStatusCode.NotFound)]
    [InlineData("patient=dli4503-met&order=dli&hook=patient-view", HttpStatusCode.NotFound)]
    [InlineData("patient=dli4503-met&order=dli&fhirServer=ftp%3A%2F%2Fehr.example.org%2Ffhir", HttpStatusCode.BadRequest)]
    [InlineData("patient=dli4503-met&order=dli&fhirServer=not-a-url", HttpStatusCode.BadRequest)]
    public async Task GivenAnUnknownSampleOrABadFhirServer_WhenARequestIsAskedFor_ThenItIsRefused(string query, HttpStatusCode expected)
    {
        // Arrange
        using var client = sandbox.Factory.CreateClient();

        // Act
        using var response = await client.GetAsync($"/sandbox/api/requests?{query}", Cancel);

        // Assert
        Assert.Equal(expected, response.StatusCode);
    }
}
