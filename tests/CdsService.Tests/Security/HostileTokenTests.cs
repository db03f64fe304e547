using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests.Security;

/// <summary>
/// Tokens of a hostile shape (wrong JSON types, huge times, JWE, not base64url, huge) are refused with 401 and one
/// concise log line, before any signature check: never a 500, never a stack trace.
/// </summary>
public sealed class HostileTokenTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    private const string SignPath = "/cds-services/" + Hooks.SignService;

    public static TheoryData<string> Kinds()
    {
        var data = new TheoryData<string>();
        foreach (var (kind, _) in HostileTokens.All(CdsServiceFactory.Now))
        {
            data.Add(kind);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GivenAHostileToken_WhenAHookIsCalled_Then401WithAnOperationOutcomeAndOneConciseLogLine(string kind)
    {
        // Arrange
        using var client = factory.CreateClient();
        var token = HostileTokens.All(factory.Clock.GetUtcNow()).Single(t => t.Kind == kind).Token;
        var before = factory.Logs.Lines.Count;

        // Act
        var (status, body, response) = await PostAsync(client, "Bearer " + token);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("OperationOutcome", body!["resourceType"]!.GetValue<string>());
        Assert.Equal("login", body["issue"]![0]!["code"]!.GetValue<string>());
        var lines = factory.Logs.Lines.Skip(before).ToList();
        Assert.DoesNotContain(lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("   at ", StringComparison.Ordinal)); // no stack trace
        var refusals = lines.Where(l => l.Contains("Refused a call", StringComparison.Ordinal)).ToList();
        Assert.True(refusals.Count <= 1, string.Join('\n', refusals));
        Assert.All(refusals, l => Assert.True(l.Length < 1000, "the refusal log line is not concise"));
        if (token.Length > 16)
        {
            Assert.DoesNotContain(lines, l => l.Contains(token, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task GivenHostileTokens_WhenTheLedgerIsRead_ThenEachIs401AndNeverA5xx()
    {
        // Arrange: the payer's identity provider is configured, so the tokens reach its JwtBearer scheme.
        using var payer = Cds.Service.Tests.Ledger.PayerIdentityProvider.Trust(new CdsServiceFactory());
        using var client = payer.CreateClient();
        var statuses = new List<string>();

        // Act
        foreach (var (kind, token) in HostileTokens.All(payer.Clock.GetUtcNow()))
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, "/coverage-assertions/01a20ec4-aca0-7027-9f17-0606900b9096");
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            using var response = await client.SendAsync(message, TestContext.Current.CancellationToken);
            statuses.Add($"{kind}: {(int)response.StatusCode}");
        }

        // Assert
        Assert.All(statuses, s => Assert.EndsWith(": 401", s, StringComparison.Ordinal));
        Assert.DoesNotContain(payer.Logs.Lines, l => l.Contains("   at ", StringComparison.Ordinal) && l.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenAValidTokenAfterTheHostileOnes_WhenAHookIsCalled_ThenItIsAnswered()
    {
        // Arrange
        using var client = factory.CreateClient();
        foreach (var (_, token) in HostileTokens.All(factory.Clock.GetUtcNow()))
        {
            await PostAsync(client, "Bearer " + token);
        }

        var valid = HostileTokens.Sign(HostileTokens.Header(), HostileTokens.Payload(factory.Clock.GetUtcNow()));

        // Act
        var (status, body, _) = await PostAsync(client, "Bearer " + valid);

        // Assert: the hand-built token of the table is accepted when its shape is right (the table tests only shape).
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
    }

    [Fact]
    public async Task GivenAValidTokenWithAnX5cChainOf10KB_WhenAHookIsCalled_ThenItIsAnswered()
    {
        // Arrange: the length limit leaves room for a certificate chain in the header.
        using var client = factory.CreateClient();
        var chain = string.Join(",", Enumerable.Range(0, 3).Select(i => "\"" + Convert.ToBase64String(new byte[2500 + i]) + "\""));
        var token = HostileTokens.Sign($$"""{"alg":"ES384","typ":"JWT","kid":"{{TestTokens.EcKid}}","x5c":[{{chain}}]}""", HostileTokens.Payload(factory.Clock.GetUtcNow()));

        // Act
        var (status, _, _) = await PostAsync(client, "Bearer " + token);

        // Assert
        Assert.InRange(token.Length, 10_000, 16 * 1024);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task GivenAnIssuerWithNewlines_WhenRefused_ThenTheLogLineEscapesThemAndIsBounded()
    {
        // Arrange
        using var client = factory.CreateClient();
        var forged = "https://rogue.example\nInformation Cds.Service.Security: Accepted a call " + new string('x', 1500);
        var token = HostileTokens.Sign(HostileTokens.Header(), HostileTokens.Payload(factory.Clock.GetUtcNow(), "iss", System.Text.Json.JsonSerializer.Serialize(forged)));
        var before = factory.Logs.Lines.Count;

        // Act
        var (status, _, _) = await PostAsync(client, "Bearer " + token);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var line = Assert.Single(factory.Logs.Lines.Skip(before), l => l.Contains("Refused a call", StringComparison.Ordinal));
        Assert.Contains("https://rogue.example\\u000aInformation", line, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", line.TrimEnd(), StringComparison.Ordinal);
        Assert.True(line.Length < 1000, $"log line of {line.Length} characters");
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(HttpClient client, string authorization)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, SignPath)
        {
            Content = new StringContent(Repository.Sample("order-sign-meets-criteria.json").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        message.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await client.SendAsync(message, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }
}
