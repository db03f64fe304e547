using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Cds.Service.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// The jti replay check while the shared store is down: by default a fast 503 with Retry-After and an OperationOutcome
/// (never a 500, never a 401 for a token that may be fine); with Cds:Security:ReplayCheckWhenStoreDown=LocalCache this
/// instance's memory decides, and a token replayed to it is still refused. Feedback that cannot be put on record is a 503.
/// </summary>
public sealed class ReplayStoreDownTests
{
    private const string SignUrl = "http://localhost/cds-services/" + Hooks.SignService;

    [Theory]
    [InlineData("refused")]
    [InlineData("hangs")]
    public async Task GivenTheReplayStoreDown_WhenASignedHookIsCalled_ThenAFast503WithRetryAfter(string failure)
    {
        // Arrange
        using var factory = Down(failure == "hangs").With("Cds:Security:ReplayCheckTimeout", "00:00:00.300");
        using var client = factory.CreateSignedClient();

        // Act
        var watch = Stopwatch.StartNew();
        using var response = await PostAsync(client, $"/cds-services/{Hooks.SignService}", Repository.Sample("order-sign-meets-criteria.json").ToJsonString());
        watch.Stop();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Empty(response.Headers.WwwAuthenticate);
        Assert.Equal("OperationOutcome", body["resourceType"]!.GetValue<string>());
        Assert.Equal("transient", body["issue"]![0]!["code"]!.GetValue<string>());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"answered after {watch.Elapsed}");
        Assert.Contains(factory.Logs.Lines, l => l.Contains("JWT replay check: the ledger store did not answer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenTheLocalCacheFallback_WhenTheStoreIsDown_ThenAFirstUseIsAnsweredAndAReplayIsRefused()
    {
        // Arrange
        using var factory = Down(hangs: false).With("Cds:Security:ReplayCheckWhenStoreDown", "LocalCache");
        using var client = factory.CreateClient();
        var token = TestTokens.Create(new TestTokens.Spec { Audience = SignUrl, Now = factory.Clock.GetUtcNow() });
        var request = Repository.Sample("order-sign-meets-criteria.json").ToJsonString();

        // Act
        using var first = await PostAsync(client, $"/cds-services/{Hooks.SignService}", request, token);
        using var replay = await PostAsync(client, $"/cds-services/{Hooks.SignService}", request, token);

        // Assert
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Fact]
    public async Task GivenTheStoreDown_WhenFeedbackIsPosted_Then503WithRetryAfterNot500()
    {
        // Arrange: the token passes (local cache), the feedback cannot be put on record.
        using var factory = Down(hangs: false).With("Cds:Security:ReplayCheckWhenStoreDown", "LocalCache");
        using var client = factory.CreateSignedClient();
        const string feedback = """{"feedback":[{"card":"7f0e0a8c-6a4f-4f0e-9d7e-3c1d3b9f2a11","outcome":"overridden","outcomeTimestamp":"2026-11-24T18:20:00Z"}]}""";

        // Act
        using var response = await PostAsync(client, $"/cds-services/{Hooks.SignService}/feedback", feedback);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Equal("transient", body["issue"]![0]!["code"]!.GetValue<string>());
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    // The real SQLite store, with the replay check and the feedback writes failing as a lost database would.
    private static CdsServiceFactory Down(bool hangs) =>
        new CdsServiceFactory().WithServices(services =>
        {
            services.RemoveAll<ILedgerStore>();
            services.AddSingleton<ILedgerStore>(sp => new DownStore(LedgerExtensions.CreateStore(sp), hangs));
        });

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string body, string? bearer = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (bearer is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await client.SendAsync(message, TestContext.Current.CancellationToken);
    }

    private sealed class DownStore(ILedgerStore inner, bool hangs) : ForwardingLedgerStore(inner)
    {
        public override async Task<IReadOnlyList<bool>> TryRecordJwtIdsAsync(IReadOnlyList<JwtIdClaim> ids, DateTimeOffset now, CancellationToken cancellationToken)
        {
            if (hangs)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            throw new NpgsqlException("Failed to connect to 127.0.0.1:1 (test)");
        }

        public override Task AddFeedbackAsync(IReadOnlyList<FeedbackRecord> feedback, CancellationToken cancellationToken) =>
            throw new NpgsqlException("Failed to connect to 127.0.0.1:1 (test)");
    }
}
