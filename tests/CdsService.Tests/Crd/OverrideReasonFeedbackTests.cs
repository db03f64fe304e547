using System.Net;
using System.Text.Json.Nodes;
using Cds.Service.Ledger;
using Cds.Service.Tests.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace Cds.Service.Tests.Crd;

/// <summary>
/// CDS Hooks 2.0 overrideReasons: the cards a clinician may proceed past offer them (each Coding with a display), and
/// feedback that overrides a card keeps the chosen reason with that card in the ledger.
/// </summary>
public sealed class OverrideReasonFeedbackTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    [Fact]
    public async Task GivenANotCoveredCard_WhenTheClinicianOverridesItWithAnOfferedReason_ThenTheReasonIsKeptWithTheCard()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var (_, answer) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-not-medically-necessary.json"));
        var card = answer!["cards"]![0]!;
        var reasons = card["overrideReasons"]!.AsArray();
        Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(r!["display"]?.GetValue<string>())));
        var chosen = reasons[0]!.DeepClone();
        var feedback = new JsonObject
        {
            ["feedback"] = new JsonArray(new JsonObject
            {
                ["card"] = card["uuid"]!.GetValue<string>(),
                ["outcome"] = "overridden",
                ["overrideReason"] = new JsonObject { ["reason"] = chosen, ["userComment"] = "Approved by phone" },
                ["outcomeTimestamp"] = "2026-11-24T18:20:00Z",
            }),
        };

        // Act
        var (status, _) = await Hooks.PostRawAsync(client, $"/cds-services/{Hooks.SignService}/feedback", feedback.ToJsonString());

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var record = await factory.Services.GetRequiredService<ILedgerStore>().FindAssertionAsync(Assert.Single(LedgerCalls.AssertionIds(answer.ToJsonString())), TestContext.Current.CancellationToken);
        var kept = Assert.Single(record!.Feedback);
        Assert.Equal(card["uuid"]!.GetValue<string>(), kept.CardUuid);
        Assert.Equal(chosen["code"]!.GetValue<string>(), JsonNode.Parse(kept.Body)!["overrideReason"]!["reason"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenAMetOrder_WhenSigned_ThenTheInfoCardOffersNoOverrideReasons()
    {
        // Arrange
        using var client = factory.CreateSignedClient();

        // Act
        var (_, answer) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Null(answer!["cards"]![0]!["overrideReasons"]);
    }

    [Theory]
    [InlineData("""{}""", "needs a reason or a userComment")]
    [InlineData("""{"reason":"urgent"}""", "must be a Coding")]
    public async Task GivenAnOverrideReasonWithNeitherACodedReasonNorAComment_WhenPosted_ThenItIsRefusedWith400(string overrideReason, string diagnostics)
    {
        // Arrange: CDS Hooks cds-fb-3.
        using var client = factory.CreateSignedClient();
        var feedback = $$"""{"feedback":[{"card":"c-1","outcome":"overridden","overrideReason":{{overrideReason}},"outcomeTimestamp":"2026-11-24T18:20:00Z"}]}""";

        // Act
        var (status, body) = await Hooks.PostRawAsync(client, $"/cds-services/{Hooks.SignService}/feedback", feedback);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(diagnostics, body!["issue"]![0]!["diagnostics"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
