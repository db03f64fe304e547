using System.Net;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests;

public sealed class FeedbackTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    [Fact]
    public async Task GivenFeedbackOnACard_WhenPosted_ThenItIsAcceptedAndKept()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var (_, answer) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-not-medically-necessary.json"));
        var cardId = answer!["cards"]![0]!["uuid"]!.GetValue<string>();
        var feedback = $$"""
            {"feedback":[{"card":"{{cardId}}","outcome":"overridden","overrideReason":{"reason":{"system":"http://example.org/override","code":"patient-specific","display":"Patient-specific circumstances"},"userComment":"Peer-to-peer review scheduled"},"outcomeTimestamp":"2026-11-24T18:20:00Z"}]}
            """;

        // Act
        var (status, body) = await Hooks.PostRawAsync(client, $"/cds-services/{Hooks.SignService}/feedback", feedback);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body!["accepted"]!.GetValue<int>());
        var lines = await File.ReadAllLinesAsync(Path.Combine(factory.DataDirectory, "feedback.jsonl"), TestContext.Current.CancellationToken);
        var kept = lines.Select(l => JsonNode.Parse(l)!).Single(l => l["feedback"]!["card"]!.GetValue<string>() == cardId);
        Assert.Equal(Hooks.SignService, kept["serviceId"]!.GetValue<string>());
        Assert.Equal("overridden", kept["feedback"]!["outcome"]!.GetValue<string>());
        Assert.Equal("patient-specific", kept["feedback"]!["overrideReason"]!["reason"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"feedback":[{"card":"x","outcome":"maybe","outcomeTimestamp":"2026-11-24T18:20:00Z"}]}""", "'feedback[0].outcome'")]
    [InlineData("""{"feedback":[{"card":"x","outcome":"accepted","outcomeTimestamp":"2026-11-24T18:20:00Z"}]}""", "acceptedSuggestions")]
    [InlineData("""{"feedback":[{"outcome":"overridden","outcomeTimestamp":"2026-11-24T18:20:00Z"}]}""", "'feedback[0].card'")]
    [InlineData("""{"feedback":[{"card":"x","outcome":"overridden","outcomeTimestamp":"yesterday"}]}""", "outcomeTimestamp")]
    [InlineData("""{"cards":[]}""", "'feedback' array")]
    public async Task GivenMalformedFeedback_WhenPosted_ThenItIsRefusedWith400AndNothingIsKept(string feedback, string diagnostics)
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var path = Path.Combine(factory.DataDirectory, "feedback.jsonl");
        var before = File.Exists(path) ? (await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken)).Length : 0;

        // Act
        var (status, body) = await Hooks.PostRawAsync(client, $"/cds-services/{Hooks.SignService}/feedback", feedback);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(diagnostics, body!["issue"]![0]!["diagnostics"]!.GetValue<string>(), StringComparison.Ordinal);
        var after = File.Exists(path) ? (await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken)).Length : 0;
        Assert.Equal(before, after);
    }
}
