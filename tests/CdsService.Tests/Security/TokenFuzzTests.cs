using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Cds.Service.Tests.Security;

/// <summary>
/// Hundreds of mutated bearer tokens (seeded, bounded) on the hook, feedback, discovery and ledger endpoints: each is
/// answered 401 with an OperationOutcome (or 200 when the mutation happens to leave a valid token), never a 5xx and
/// never a stack trace, and the service still answers.
/// </summary>
public sealed class TokenFuzzTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    private const int Rounds = 400;
    private const string SignPath = "/cds-services/" + Hooks.SignService;

    // The hook, its feedback, discovery and the ledger: every endpoint behind a bearer token.
    private static readonly (HttpMethod Method, string Path, string? Body)[] Endpoints =
    [
        (HttpMethod.Post, SignPath, Repository.Sample("order-sign-meets-criteria.json").ToJsonString()),
        (HttpMethod.Post, SignPath + "/feedback", """{"feedback":[{"card":"7f0e0a8c-6a4f-4f0e-9d7e-3c1d3b9f2a11","outcome":"overridden","outcomeTimestamp":"2026-11-24T18:20:00Z"}]}"""),
        (HttpMethod.Get, "/cds-services", null),
        (HttpMethod.Get, "/coverage-assertions/01a20ec4-aca0-7027-9f17-0606900b9096", null),
    ];
    private static readonly string[] Claims = ["iss", "aud", "jti", "exp", "iat", "nbf", "tenant", "sub"];
    private static readonly string[] Headers = ["alg", "kid", "typ", "jku", "enc", "crit", "x5u", "zip"];
    private static readonly string[] Values =
    [
        "1", "-1", "0", "1e308", "-1e308", "99999999999999999999999", "1.5", "true", "false", "null", "[]", "{}", "[1,\"a\"]",
        "{\"a\":{\"b\":[]}}", "\"\"", "\"text\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\n\\r\"", "\"2026-11-24T18:15:00Z\"",
    ];

    [Fact]
    public async Task GivenHundredsOfMutatedTokens_WhenAHookIsCalled_ThenNoneIsA5xxAndTheServiceStillAnswers()
    {
        // Arrange
        using var client = factory.CreateClient();
        var random = new Random(4503_38242);
        var failures = new List<string>();
        var before = factory.Logs.Lines.Count;

        // Act
        for (var i = 0; i < Rounds; i++)
        {
            var (kind, token) = Mutate(random, factory.Clock.GetUtcNow());
            var endpoint = Endpoints[i % Endpoints.Length];
            var (status, body) = await SendAsync(client, endpoint, token);
            kind = $"{endpoint.Method} {endpoint.Path} {kind}";
            var code = (int)status;
            var isOutcome = body?["resourceType"]?.GetValue<string>() == "OperationOutcome";
            if (code >= 500 || (code != 200 && !isOutcome) || code is not (200 or 401 or 400))
            {
                failures.Add($"{kind}: {code} {body?.ToJsonString()}");
            }
        }

        var valid = HostileTokens.Sign(HostileTokens.Header(), HostileTokens.Payload(factory.Clock.GetUtcNow()));
        var (finalStatus, answer) = await SendAsync(client, Endpoints[0], valid);

        // Assert
        Assert.Empty(failures);
        Assert.DoesNotContain(factory.Logs.Lines.Skip(before), l => l.Contains("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs.Lines.Skip(before), l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, finalStatus);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(answer!["systemActions"]![0]!), "covered"));
    }

    private static (string Kind, string Token) Mutate(Random random, DateTimeOffset now)
    {
        var header = HostileTokens.Header();
        var payload = HostileTokens.Payload(now);
        var valid = HostileTokens.Sign(header, payload);
        switch (random.Next(9))
        {
            case 0:
                var chars = valid.ToCharArray();
                for (var j = random.Next(1, 6); j > 0; j--)
                {
                    chars[random.Next(chars.Length)] = (char)random.Next(33, 127);
                }

                return ("flipped characters", new string(chars));
            case 1:
                return ("truncated", valid[..random.Next(0, valid.Length)]);
            case 2:
                var parts = valid.Split('.').ToList();
                var extra = random.Next(1, 5);
                for (var j = 0; j < extra; j++)
                {
                    parts.Insert(random.Next(parts.Count + 1), Base64UrlEncoder.Encode(RandomBytes(random, random.Next(0, 40))));
                }

                return ($"{parts.Count} parts", string.Join('.', parts));
            case 3:
                return ("random base64url", string.Join('.', Enumerable.Range(0, 3).Select(_ => Base64UrlEncoder.Encode(RandomBytes(random, random.Next(0, 300))))));
            case 4:
                var claim = Claims[random.Next(Claims.Length)];
                return ($"claim {claim}", HostileTokens.Sign(header, HostileTokens.Payload(now, claim, Values[random.Next(Values.Length)])));
            case 5:
                var name = Headers[random.Next(Headers.Length)];
                var value = Values[random.Next(Values.Length)];
                return ($"header {name}", HostileTokens.Sign($$"""{"alg":"ES384","kid":"{{TestTokens.EcKid}}","{{name}}":{{value}}}""", payload));
            case 6:
                return ("huge", HostileTokens.Sign(header, HostileTokens.Payload(now, "pad", "\"" + new string('x', random.Next(4_000, 20_000)) + "\"")));
            case 7:
                var junk = new StringBuilder();
                for (var j = random.Next(1, 200); j > 0; j--)
                {
                    junk.Append((char)random.Next(32, 127));
                }

                return ("printable junk", junk.ToString());
            default:
                var json = new[] { "[]", "\"x\"", "1", "null", "{", "{\"alg\":\"none\"}", "{}" };
                return ("odd JSON", Base64UrlEncoder.Encode(json[random.Next(json.Length)]) + "." + Base64UrlEncoder.Encode(json[random.Next(json.Length)]) + "." + Base64UrlEncoder.Encode(RandomBytes(random, 96)));
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, (HttpMethod Method, string Path, string? Body) endpoint, string token)
    {
        using var message = new HttpRequestMessage(endpoint.Method, endpoint.Path);
        if (endpoint.Body is { } content)
        {
            message.Content = new StringContent(content, Encoding.UTF8, "application/json");
        }

        message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await client.SendAsync(message, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        try
        {
            return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
        }
        catch (System.Text.Json.JsonException)
        {
            return (response.StatusCode, null);
        }
    }
}
