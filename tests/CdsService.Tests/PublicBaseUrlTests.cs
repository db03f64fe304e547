using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Cds.Service.Tests;

/// <summary>
/// <c>Cds:Security:PublicBaseUrl</c> decides <c>aud</c> and the cards' policy link, never the Host header; it is
/// required outside Development, where start-up fails without it (issue 12).
/// </summary>
public sealed class PublicBaseUrlTests
{
    private const string PublicBase = "https://cds.payer.example/";

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public void GivenNoPublicBaseUrlOutsideDevelopment_WhenTheServiceStarts_ThenStartUpFailsNamingTheSetting(string environment)
    {
        // Arrange
        using var factory = new CdsServiceFactory { Environment = environment }.With("Cds:Security:PublicBaseUrl", null);

        // Act
        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        // Assert
        var validation = Assert.IsType<OptionsValidationException>(failure is OptionsValidationException ? failure : failure.InnerException ?? failure, exactMatch: false);
        Assert.Contains("Cds:Security:PublicBaseUrl", validation.Message, StringComparison.Ordinal);
        Assert.Contains("required outside the Development environment", validation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://cds.payer.example/")]
    [InlineData("https://cds.payer.example/?x=1")]
    [InlineData("https://user:secret@cds.payer.example/")]
    public void GivenAPublicBaseUrlThatIsNotAPlainHttpUrl_WhenTheServiceStarts_ThenStartUpFails(string url)
    {
        // Arrange
        using var factory = new CdsServiceFactory().With("Cds:Security:PublicBaseUrl", url);

        // Act
        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        // Assert
        Assert.Contains("Cds:Security:PublicBaseUrl must be an absolute http(s) URL", (failure.InnerException ?? failure).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAPublicBaseUrl_WhenACallSendsAnotherHost_ThenAudMustBeThePublicUrlAndTheLinkUsesItToo()
    {
        // Arrange: the caller sends Host: other-cds.example.org, as if the token had been minted for another service.
        using var factory = new CdsServiceFactory().With("Cds:Security:PublicBaseUrl", PublicBase);
        using var client = factory.CreateClient();
        var now = factory.Clock.GetUtcNow();
        var forHost = TestTokens.Create(new TestTokens.Spec { Audience = $"http://other-cds.example.org/cds-services/{Hooks.SignService}", Now = now });
        var forService = TestTokens.Create(new TestTokens.Spec { Audience = $"{PublicBase}cds-services/{Hooks.SignService}", Now = now });

        // Act
        var (hostStatus, _) = await PostAsync(client, forHost, "other-cds.example.org");
        var (serviceStatus, answer) = await PostAsync(client, forService, "other-cds.example.org");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, hostStatus);
        Assert.Equal(HttpStatusCode.OK, serviceStatus);
        var links = answer!["cards"]!.AsArray().SelectMany(c => c!["links"]?.AsArray() ?? []).Select(l => l!["url"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(links);
        Assert.All(links, l => Assert.StartsWith($"{PublicBase}policies/", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenDevelopmentWithoutAPublicBaseUrl_WhenCalled_ThenTheRequestUrlIsUsedAndStartUpSaysSo()
    {
        // Arrange
        using var factory = new CdsServiceFactory { Environment = "Development" }.With("Cds:Security:PublicBaseUrl", null);
        using var client = factory.CreateSignedClient();

        // Act
        var (status, answer) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("http://localhost/policies/dli-45.03?version=2024.1", answer!["cards"]!.AsArray().First(c => c!["links"] is JsonArray)!["links"]![0]!["url"]!.GetValue<string>());
        Assert.Contains(factory.Logs.Lines, l => l.Contains("Cds:Security:PublicBaseUrl is not set", StringComparison.Ordinal));
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(HttpClient client, string jwt, string host)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/cds-services/{Hooks.SignService}")
        {
            Content = new StringContent(Repository.Sample("order-sign-meets-criteria.json").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new("Bearer", jwt);
        message.Headers.Host = host;
        using var response = await client.SendAsync(message, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
