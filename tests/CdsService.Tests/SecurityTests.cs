using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Cds.Service.Tests;

/// <summary>Trusted CDS clients only (CDS Hooks 2.0 §Trusting CDS Clients), and a fhirServer that cannot be abused.</summary>
public sealed class SecurityTests : IClassFixture<CdsServiceFactory>
{
    private const string SignPath = "/cds-services/" + Hooks.SignService;
    private readonly CdsServiceFactory _factory;

    public SecurityTests(CdsServiceFactory factory)
    {
        _factory = factory;
        _factory.Ehr.Reset();
    }

    private const string SignUrl = "http://localhost" + SignPath;

    public static TheoryData<string> RejectedTokens() =>
    [
        "missing", "not-a-jwt", "bad-signature", "alg-none", "hs256-public-key", "wrong-aud", "expired", "future-iat",
        "too-long-lived", "no-jti", "unknown-iss", "unknown-kid", "foreign-jku", "no-kid",
    ];

    [Theory]
    [MemberData(nameof(RejectedTokens))]
    public async Task GivenAnUntrustworthyToken_WhenAHookIsCalled_Then401WithoutDetail(string kind)
    {
        // Arrange
        using var client = _factory.CreateClient();
        var now = _factory.Clock.GetUtcNow();
        var valid = new TestTokens.Spec { Audience = SignUrl, Now = now };
        var token = kind switch
        {
            "missing" => null,
            "not-a-jwt" => "opaque-access-token",
            "bad-signature" => TestTokens.Create(valid with { Key = new ECDsaSecurityKey(TestTokens.UntrustedKey) }),
            "alg-none" => Unsigned(valid),
            "hs256-public-key" => TestTokens.Create(valid with { Key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.EcKey.ExportSubjectPublicKeyInfoPem())), Algorithm = SecurityAlgorithms.HmacSha256 }),
            "wrong-aud" => TestTokens.Create(valid with { Audience = "http://localhost/cds-services/dli-coverage-order-select" }),
            "expired" => TestTokens.Create(valid with { IssuedOffset = TimeSpan.FromMinutes(-10) }),
            "future-iat" => TestTokens.Create(valid with { IssuedOffset = TimeSpan.FromMinutes(5) }),
            "too-long-lived" => TestTokens.Create(valid with { Lifetime = TimeSpan.FromHours(3) }),
            "no-jti" => TestTokens.Create(valid with { Jti = null }),
            "unknown-iss" => TestTokens.Create(valid with { Issuer = "https://rogue.example.net" }),
            "unknown-kid" => TestTokens.Create(valid with { Kid = "not-a-known-kid" }),
            "foreign-jku" => TestTokens.Create(valid with { Issuer = TestTokens.JwksIssuer, Kid = TestTokens.JwksKid, Key = new ECDsaSecurityKey(TestTokens.JwksKey), Jku = "https://attacker.example.net/jwks.json" }),
            "no-kid" => TestTokens.Create(valid with { Kid = null }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        _factory.Ehr.Given(Request.Create().WithPath("/jwks.json")).RespondWith(Response.Create().WithBody(TestTokens.Jwks(TestTokens.JwksKey, TestTokens.JwksKid)));

        // Act
        var (status, body, response) = await PostAsync(client, token, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("Authentication required.", body!["issue"]![0]!["diagnostics"]!.GetValue<string>());
        if (kind == "foreign-jku")
        {
            Assert.Empty(_factory.Ehr.LogEntries);
        }
    }

    [Fact]
    public async Task GivenAReplayedToken_WhenUsedTwice_ThenTheSecondCallIsRefused()
    {
        // Arrange
        using var client = _factory.CreateClient();
        var token = TestTokens.Create(new TestTokens.Spec { Audience = SignUrl, Now = _factory.Clock.GetUtcNow() });

        // Act
        var (first, _, _) = await PostAsync(client, token, Repository.Sample("order-sign-meets-criteria.json"));
        var (second, _, _) = await PostAsync(client, token, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.Unauthorized, second);
    }

    [Theory]
    [InlineData("ES384")]
    [InlineData("RS384")]
    [InlineData("JWKS")]
    public async Task GivenATrustedKey_WhenAHookIsCalled_ThenItIsAnswered(string kind)
    {
        // Arrange
        using var client = _factory.CreateClient();
        _factory.Ehr.Given(Request.Create().WithPath("/jwks.json").UsingGet()).RespondWith(Response.Create().WithBody(TestTokens.Jwks(TestTokens.JwksKey, TestTokens.JwksKid)));
        var valid = new TestTokens.Spec { Audience = SignUrl, Now = _factory.Clock.GetUtcNow() };
        var token = kind switch
        {
            "ES384" => TestTokens.Create(valid),
            "RS384" => TestTokens.Create(valid with { Kid = TestTokens.RsaKid, Key = new RsaSecurityKey(TestTokens.RsaKey), Algorithm = SecurityAlgorithms.RsaSha384 }),
            _ => TestTokens.Create(valid with { Issuer = TestTokens.JwksIssuer, Kid = TestTokens.JwksKid, Key = new ECDsaSecurityKey(TestTokens.JwksKey), Jku = $"{_factory.Ehr.Url}/jwks.json" }),
        };

        // Act
        var (status, body, _) = await PostAsync(client, token, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        Assert.Equal(kind == "JWKS" ? 1 : 0, _factory.Ehr.LogEntries.Count(e => e.RequestMessage!.Path == "/jwks.json"));
    }

    [Fact]
    public async Task GivenDiscoveryConfiguredToNeedAJwtAndFeedback_WhenCalledWithoutAToken_ThenTheyAreRefusedToo()
    {
        // Arrange
        using var closed = new CdsServiceFactory().With("Cds:Crd:DiscoveryRequiresJwt", "true");
        using var client = closed.CreateClient();

        // Act
        using var discovery = await client.GetAsync("/cds-services", TestContext.Current.CancellationToken);
        using var content = new StringContent("""{"feedback":[]}""", Encoding.UTF8, "application/json");
        using var feedback = await client.PostAsync($"{SignPath}/feedback", content, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, discovery.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, feedback.StatusCode);
    }

    [Fact]
    public async Task GivenABrowserPreflight_WhenTheOriginIsAllowed_ThenItIsAnsweredWithoutAToken()
    {
        // Arrange
        using var client = _factory.CreateClient();
        using var allowed = Preflight("https://sandbox.cds-hooks.org");
        using var other = Preflight("https://evil.example.net");

        // Act
        using var allowedResponse = await client.SendAsync(allowed, TestContext.Current.CancellationToken);
        using var otherResponse = await client.SendAsync(other, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, allowedResponse.StatusCode);
        Assert.Equal("https://sandbox.cds-hooks.org", allowedResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var headers = string.Join(",", allowedResponse.Headers.GetValues("Access-Control-Allow-Headers")).ToUpperInvariant();
        Assert.Contains("AUTHORIZATION", headers, StringComparison.Ordinal);
        Assert.Contains("CONTENT-TYPE", headers, StringComparison.Ordinal);
        Assert.False(otherResponse.Headers.Contains("Access-Control-Allow-Origin"));

        static HttpRequestMessage Preflight(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, SignPath);
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            return request;
        }
    }

    [Fact]
    public async Task GivenAFhirServerNotAllowedForTheClient_WhenDataMustBeQueried_Then403AndItIsNeverCalled()
    {
        // Arrange
        using var client = _factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request["prefetch"]!.AsObject().Remove("conditions");
        request["fhirServer"] = $"{_factory.Ehr.Url}/other-fhir";

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("forbidden", body!["issue"]![0]!["code"]!.GetValue<string>());
        Assert.Empty(_factory.Ehr.LogEntries);
    }

    [Fact]
    public async Task GivenAFhirServerThatRedirectsToAnotherHost_WhenQueried_ThenTheRedirectIsNotFollowed()
    {
        // Arrange
        using var client = _factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request["prefetch"]!.AsObject().Remove("conditions");
        request["fhirServer"] = _factory.FhirBase;
        _factory.Ehr.Given(Request.Create().WithPath("/fhir/Condition").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", "https://attacker.example.net/steal?token=1"));

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(_factory.Ehr.LogEntries);
        Assert.Contains("conditions (the FHIR server answered HTTP 302)", Hooks.CardDetails(body!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAnOversizedBody_WhenPosted_Then413WithAnOperationOutcome()
    {
        // Arrange
        using var client = _factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request["padding"] = new string('x', 1_100_000);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("too-costly", body!["issue"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenAPrivateFhirServerAndAStrictNetworkPolicy_WhenQueried_ThenTheConnectionIsRefusedAfterNameResolution()
    {
        // Arrange: the EHR answers on "localhost", a name (not an IP literal) that resolves to loopback.
        using var strict = new CdsServiceFactory();
        var fhirServer = strict.FhirBase.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        strict.With("Cds:Security:FhirServers:AllowPrivateNetworks", "false").With("Cds:Security:Clients:0:FhirServers:1", fhirServer);
        using var client = strict.CreateSignedClient();
        var request = Hooks.MoveToEhr(Repository.Sample("order-sign-meets-criteria.json"), strict.Ehr, fhirServer, "conditions");

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(strict.Ehr.LogEntries);
        Assert.Contains("conditions (the FHIR server could not be reached)", Hooks.CardDetails(body!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAnHttpFhirServerWithoutPermission_WhenQueried_Then403()
    {
        // Arrange
        using var strict = new CdsServiceFactory().With("Cds:Security:FhirServers:AllowHttp", "false");
        using var client = strict.CreateSignedClient();
        var request = Hooks.MoveToEhr(Repository.Sample("order-sign-meets-criteria.json"), strict.Ehr, strict.FhirBase, "conditions");

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("https", body!["issue"]![0]!["diagnostics"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(strict.Ehr.LogEntries);
    }

    [Fact]
    public async Task GivenDevelopmentMode_WhenAnUnsignedCallArrives_ThenItIsAnswered()
    {
        // Arrange
        using var development = new CdsServiceFactory().With("Cds:Security:DevelopmentMode", "true");
        using var client = development.CreateClient();

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
    }

    [Fact]
    public async Task GivenCallsWithTokens_WhenLogged_ThenReasonsIssuersAndHookInstancesAreLoggedButNeverATokenOrPatientData()
    {
        // Arrange
        using var client = _factory.CreateClient();
        var now = _factory.Clock.GetUtcNow();
        var rejected = TestTokens.Create(new TestTokens.Spec { Audience = "http://localhost/cds-services/elsewhere", Now = now });
        var accepted = TestTokens.Create(new TestTokens.Spec { Audience = SignUrl, Now = now });
        var request = Hooks.MoveToEhr(Repository.Sample("order-sign-meets-criteria.json"), _factory.Ehr, _factory.FhirBase, "conditions");

        // Act
        var (refused, _, _) = await PostAsync(client, rejected, request);
        var (answered, _, _) = await PostAsync(client, accepted, request);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.Equal(HttpStatusCode.OK, answered);
        var logs = _factory.Logs.Lines.ToList();
        Assert.Contains(logs, l => l.Contains("aud is not the URL invoked", StringComparison.Ordinal) && l.Contains(TestTokens.Issuer, StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", StringComparison.Ordinal));
        foreach (var secret in new[] { rejected, accepted, rejected.Split('.')[1], accepted.Split('.')[2], "sample-access-token", "Okafor", "MRN-448291", "RGN884120033", Hooks.PatientId })
        {
            Assert.DoesNotContain(logs, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(HttpClient client, string? token, JsonObject request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, SignPath) { Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await client.SendAsync(message, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    private static string Unsigned(TestTokens.Spec spec)
    {
        var header = Base64UrlEncoder.Encode($$"""{"alg":"none","typ":"JWT","kid":"{{TestTokens.EcKid}}"}""");
        var payload = Base64UrlEncoder.Encode($$"""{"iss":"{{spec.Issuer}}","aud":"{{spec.Audience}}","iat":{{spec.Now.ToUnixTimeSeconds()}},"exp":{{spec.Now.AddMinutes(5).ToUnixTimeSeconds()}},"jti":"{{Guid.NewGuid()}}"}""");
        return $"{header}.{payload}.";
    }
}
