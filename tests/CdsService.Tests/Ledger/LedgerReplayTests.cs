using System.Net;

namespace Cds.Service.Tests.Ledger;

/// <summary>The JWT replay cache lives in the ledger's store: a token used on one instance is refused on every other.</summary>
public sealed class LedgerReplayTests
{
    private const string SignUrl = "http://localhost/cds-services/" + Hooks.SignService;

    [Theory]
    [InlineData(LedgerBackend.Postgres)]
    [InlineData(LedgerBackend.Sqlite)]
    public async Task GivenTwoInstancesSharingALedger_WhenATokenIsReplayedToTheOther_ThenItIsRefused(string kind)
    {
        // Arrange: two service instances behind one load balancer, one store.
        await using var backend = await LedgerBackend.CreateAsync(kind);
        using var first = backend.Configure(new CdsServiceFactory());
        using var second = backend.Configure(new CdsServiceFactory());
        using var toFirst = first.CreateClient();
        using var toSecond = second.CreateClient();
        var token = TestTokens.Create(new TestTokens.Spec { Audience = SignUrl, Now = first.Clock.GetUtcNow() });
        var fresh = TestTokens.Create(new TestTokens.Spec { Audience = SignUrl, Now = second.Clock.GetUtcNow() });

        // Act
        var (used, _) = await LedgerCalls.PostHookAsync(toFirst, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _), token);
        var (replayed, _) = await LedgerCalls.PostHookAsync(toSecond, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _), token);
        var (replayedHere, _) = await LedgerCalls.PostHookAsync(toFirst, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _), token);
        var (other, _) = await LedgerCalls.PostHookAsync(toSecond, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _), fresh);

        // Assert
        Assert.Equal(HttpStatusCode.OK, used);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed);
        Assert.Equal(HttpStatusCode.Unauthorized, replayedHere);
        Assert.Equal(HttpStatusCode.OK, other);
        Assert.Equal(2, await backend.ScalarAsync("SELECT COUNT(*) FROM jwt_replay"));
    }

    [Theory]
    [InlineData(LedgerBackend.Postgres)]
    [InlineData(LedgerBackend.Sqlite)]
    public async Task GivenOneTokenSentToTwoInstancesAtOnce_ThenExactlyOneCallIsAccepted(string kind)
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(kind);
        using var first = backend.Configure(new CdsServiceFactory());
        using var second = backend.Configure(new CdsServiceFactory());
        using var toFirst = first.CreateClient();
        using var toSecond = second.CreateClient();
        var token = TestTokens.Create(new TestTokens.Spec { Audience = SignUrl, Now = first.Clock.GetUtcNow() });

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            LedgerCalls.PostHookAsync(i % 2 == 0 ? toFirst : toSecond, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _), token)));

        // Assert
        Assert.Equal(1, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(7, results.Count(r => r.Status == HttpStatusCode.Unauthorized));
    }
}
