using System.Net;
using System.Text.Json.Nodes;
using Cds.Service.Ledger;
using Cds.Service.Tests.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace Cds.Service.Tests;

public sealed class FeedbackTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    [Fact]
    public async Task GivenFeedbackOnACard_WhenPosted_ThenItIsAcceptedAndKeptInTheLedgerWithItsCall()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var (_, answer) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-not-medically-necessary.json"));
        var cardId = answer!["cards"]![0]!["uuid"]!.GetValue<string>();
        var assertionId = Assert.Single(LedgerCalls.AssertionIds(answer.ToJsonString()));
        var feedback = $$"""
            {"feedback":[{"card":"{{cardId}}","outcome":"overridden","overrideReason":{"reason":{"system":"http://example.org/override","code":"patient-specific","display":"Patient-specific circumstances"},"userComment":"Peer-to-peer review scheduled"},"outcomeTimestamp":"2026-11-24T18:20:00Z"}]}
            """;

        // Act
        var (status, body) = await Hooks.PostRawAsync(client, $"/cds-services/{Hooks.SignService}/feedback", feedback);
        var (again, _) = await Hooks.PostRawAsync(client, $"/cds-services/{Hooks.SignService}/feedback", feedback);

        // Assert: on record with the call and the order the card was about; a retried post is kept once.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(1, body!["accepted"]!.GetValue<int>());
        var record = await factory.Services.GetRequiredService<ILedgerStore>().FindAssertionAsync(assertionId, TestContext.Current.CancellationToken);
        Assert.NotNull(record);
        var kept = Assert.Single(record.Feedback);
        Assert.Equal(cardId, kept.CardUuid);
        Assert.Equal(Hooks.SignService, kept.ServiceId);
        Assert.Equal(TestTokens.Issuer, kept.Issuer);
        Assert.Equal("overridden", kept.Outcome);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 18, 20, 0, TimeSpan.Zero), kept.OutcomeTimestamp);
        Assert.Equal("patient-specific", JsonNode.Parse(kept.Body)!["overrideReason"]!["reason"]!["code"]!.GetValue<string>());
        Assert.Equal(record.Decision.OrderReference, record.Call.Cards.Single(c => c.Uuid == cardId).OrderReference);
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
        var store = factory.Services.GetRequiredService<ILedgerStore>();
        var before = (await store.CountAsync(TestContext.Current.CancellationToken)).Feedback;

        // Act
        var (status, body) = await Hooks.PostRawAsync(client, $"/cds-services/{Hooks.SignService}/feedback", feedback);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(diagnostics, body!["issue"]![0]!["diagnostics"]!.GetValue<string>(), StringComparison.Ordinal);
        var after = (await store.CountAsync(TestContext.Current.CancellationToken)).Feedback;
        Assert.Equal(before, after);
    }
}
