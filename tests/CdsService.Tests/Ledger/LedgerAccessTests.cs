using System.Net;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// The ledger is read with the payer's tokens only (scheme "payer": its identity provider, audience and scope); an EHR's
/// token never opens it, and a payer token never calls a hook.
/// </summary>
public sealed class LedgerAccessTests
{
    public static TheoryData<string> RefusedTokens() =>
        ["missing", "ehr-jwt", "wrong-audience", "expired", "stranger-key", "wrong-issuer", "not-a-jwt"];

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task GivenATokenThatIsNotThePayers_WhenTheLedgerIsRead_Then401WithoutDetail(string kind)
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        using var factory = PayerIdentityProvider.Trust(backend.Configure(new CdsServiceFactory()));
        using var client = factory.CreateClient();
        var assertionId = await AnyAssertionAsync(factory);
        var path = $"/coverage-assertions/{assertionId}";
        var token = kind switch
        {
            "missing" => null,
            "ehr-jwt" => TestTokens.Create(new TestTokens.Spec { Audience = $"http://localhost{path}", Now = factory.Clock.GetUtcNow() }),
            "wrong-audience" => PayerIdentityProvider.Token(factory, audience: "https://cds.payer.example/other-api"),
            "expired" => PayerIdentityProvider.Token(factory, issuedOffset: TimeSpan.FromMinutes(-30)),
            "stranger-key" => PayerIdentityProvider.Token(factory, key: PayerIdentityProvider.StrangerKey),
            "wrong-issuer" => PayerIdentityProvider.Token(factory, issuer: "https://idp.rogue.example"),
            "not-a-jwt" => "opaque-token",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        // Act
        var (status, body, response) = await LedgerCalls.GetAsync(client, path, token);
        var (searchStatus, _, _) = await LedgerCalls.GetAsync(client, $"/coverage-assertions?patient={Hooks.PatientId}", token);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.Unauthorized, searchStatus);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("Authentication required.", JsonNode.Parse(body)!["issue"]![0]!["diagnostics"]!.GetValue<string>());
        Assert.DoesNotContain(assertionId, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAPayerTokenWithoutTheRequiredScope_WhenTheLedgerIsRead_Then403()
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        using var factory = PayerIdentityProvider.Trust(backend.Configure(new CdsServiceFactory()));
        using var client = factory.CreateClient();
        var assertionId = await AnyAssertionAsync(factory);

        // Act
        var (withoutScope, body, _) = await LedgerCalls.GetAsync(client, $"/coverage-assertions/{assertionId}", PayerIdentityProvider.Token(factory, scope: "claims.read"));
        var (withScope, _, _) = await LedgerCalls.GetAsync(client, $"/coverage-assertions/{assertionId}", PayerIdentityProvider.Token(factory, scope: $"claims.read {PayerIdentityProvider.Scope}"));

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, withoutScope);
        Assert.Equal("forbidden", JsonNode.Parse(body)!["issue"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, withScope);
    }

    [Fact]
    public async Task GivenAPayerToken_WhenAnUnknownAssertionIsRead_Then404()
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        using var factory = PayerIdentityProvider.Trust(backend.Configure(new CdsServiceFactory()));
        using var client = factory.CreateClient();

        // Act
        var (status, body, _) = await LedgerCalls.GetAsync(client, "/coverage-assertions/0190aaaa-0000-7000-8000-000000000000", PayerIdentityProvider.Token(factory));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not-found", JsonNode.Parse(body)!["issue"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenAPayerToken_WhenAHookOrDiscoveryIsCalledWithIt_Then401()
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        using var factory = PayerIdentityProvider.Trust(backend.Configure(new CdsServiceFactory().With("Cds:Crd:DiscoveryRequiresJwt", "true")));
        using var client = factory.CreateClient();
        var payer = PayerIdentityProvider.Token(factory);

        // Act
        var (hook, _) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _), payer);
        var (discovery, _, _) = await LedgerCalls.GetAsync(client, "/cds-services", payer);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, hook);
        Assert.Equal(HttpStatusCode.Unauthorized, discovery);
    }

    [Fact]
    public async Task GivenNoPayerIdentityProviderConfigured_WhenTheLedgerIsRead_ThenEveryCallIsRefused()
    {
        // Arrange: the ledger is on, its readers are not configured.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        using var factory = backend.Configure(new CdsServiceFactory());
        using var client = factory.CreateClient();
        var assertionId = await AnyAssertionAsync(factory);

        // Act
        var (status, _, _) = await LedgerCalls.GetAsync(client, $"/coverage-assertions/{assertionId}", PayerIdentityProvider.Token(factory));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private static async Task<string> AnyAssertionAsync(CdsServiceFactory factory)
    {
        using var ehr = factory.CreateSignedClient();
        var (status, answer) = await LedgerCalls.PostHookAsync(ehr, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _));
        Assert.Equal(HttpStatusCode.OK, status);
        return Assert.Single(LedgerCalls.AssertionIds(answer));
    }
}
