using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cds.Service.Tests;

public sealed partial class DiscoveryTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    [Fact]
    public async Task GivenTheRepositoryFile_WhenDiscoveryIsCalled_ThenTheServiceServesCdsServicesJsonUnchanged()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var file = await File.ReadAllBytesAsync(Repository.Path("cds-services.json"), TestContext.Current.CancellationToken);

        // Act
        using var response = await client.GetAsync("/cds-services", TestContext.Current.CancellationToken);
        var served = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(file, served);
    }

    [Fact]
    public async Task GivenDiscovery_WhenRead_ThenItDeclaresOneOrderSignAndOneOrderSelectServiceWithCrdOptions()
    {
        // Arrange
        using var client = factory.CreateSignedClient();

        // Act
        var json = JsonNode.Parse(await client.GetStringAsync("/cds-services", TestContext.Current.CancellationToken))!;
        var services = json["services"]!.AsArray();

        // Assert
        Assert.Equal(["order-sign", "order-select"], services.Select(s => s!["hook"]!.GetValue<string>()));
        foreach (var service in services)
        {
            Assert.False(string.IsNullOrWhiteSpace(service!["description"]?.GetValue<string>()));
            Assert.False(string.IsNullOrWhiteSpace(service["title"]?.GetValue<string>()));
            var options = service["extension"]!["davinci-crd.configuration-options"]!.AsArray();
            var coverageInfo = options.Single(o => o!["code"]!.GetValue<string>() == "coverage-info")!;
            Assert.Equal("boolean", coverageInfo["type"]!.GetValue<string>());
            Assert.True(coverageInfo["default"]!.GetValue<bool>());
            Assert.All(options, o => Assert.All(new[] { "code", "type", "name", "description", "default" }, f => Assert.NotNull(o![f])));
            Assert.Equal(options.Count, options.Select(o => o!["name"]!.GetValue<string>()).Distinct().Count());
        }
    }

    [Fact]
    public async Task GivenThePrefetchTemplates_WhenInspected_ThenTheyUseOnlyCdsHooks2Tokens()
    {
        // Arrange
        using var client = factory.CreateSignedClient();

        // Act
        var json = JsonNode.Parse(await client.GetStringAsync("/cds-services", TestContext.Current.CancellationToken))!;
        var templates = json["services"]!.AsArray().SelectMany(s => s!["prefetch"]!.AsObject().Select(p => p.Value!.GetValue<string>())).ToList();

        // Assert
        Assert.NotEmpty(templates);
        var tokens = templates.SelectMany(t => Token().Matches(t).Select(m => m.Groups[1].Value)).Distinct().ToList();
        Assert.All(tokens, token => Assert.Contains(token, new[] { "context.patientId", "context.encounterId", "context.userId" }));
        Assert.Contains("context.patientId", tokens);
        Assert.DoesNotContain(templates, t => t.Contains("draftOrders", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task GivenARunningService_WhenAHealthEndpointIsCalled_ThenItIsHealthy(string path)
    {
        // Arrange
        using var client = factory.CreateSignedClient();

        // Act
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [GeneratedRegex(@"\{\{\s*([^}\s]+)\s*\}\}")]
    private static partial Regex Token();
}
