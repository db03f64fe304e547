using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cds.Service.Tests.Ledger;

namespace Cds.Service.Tests;

/// <summary>
/// Many malformed requests (bounded, seeded): hook bodies mutated as JSON and as bytes, feedback bodies, and ledger
/// look-ups. No answer is a 5xx; every error is an OperationOutcome; the service answers a valid call afterwards.
/// </summary>
public sealed class FuzzTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    private static readonly string[] MediaTypes = ["application/json", "application/json; charset=utf-8", "application/json; charset=latin1", "text/plain", "application/fhir+json", "multipart/form-data; boundary=x", ""];
    private static readonly byte[][] Poison = [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80], [0x00], [0xEF, 0xBB, 0xBF], "\\ud800"u8.ToArray(), "\\udfff\\ud800"u8.ToArray(), "\\u00"u8.ToArray(), "\\"u8.ToArray()];

    private static readonly string[] RequiredPaths = ["hook", "hookInstance", "context", "context.patientId", "context.draftOrders"];
    private static readonly string[] TypedPaths = ["hook", "hookInstance", "context", "context.patientId", "context.draftOrders", "context.userId", "context.encounterId", "fhirServer", "fhirAuthorization", "prefetch", "prefetch.conditions", "context.draftOrders.entry", "context.draftOrders.resourceType"];
    private static readonly JsonNode?[] WrongValues = [42, true, new JsonArray(1, 2), "text", JsonValue.Create(-1.5e300), new JsonObject()];

    [Fact]
    public async Task GivenHundredsOfMalformedHookRequests_WhenPosted_ThenEachIsA4xxOperationOutcomeAndTheServiceStillAnswers()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var valid = Repository.Sample("order-sign-meets-criteria.json");
        var random = new Random(4503);
        var failures = new List<string>();

        // Act
        for (var i = 0; i < 300; i++)
        {
            var (kind, body) = Mutate(valid, random);
            var (status, outcome) = await PostAsync(client, body);
            var code = (int)status;
            if (code is < 400 or >= 500 || outcome?["resourceType"]?.GetValue<string>() != "OperationOutcome" || outcome["issue"]?[0]?["diagnostics"] is null)
            {
                failures.Add($"{kind}: {code} {outcome?.ToJsonString()[..Math.Min(200, outcome.ToJsonString().Length)]}");
            }
        }

        var (finalStatus, answer) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Empty(failures);
        Assert.Equal(HttpStatusCode.OK, finalStatus);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(answer!["systemActions"]![0]!), "covered"));
    }

    [Fact]
    public async Task GivenHundredsOfHookBodiesMutatedAsBytesAndMediaTypes_WhenPosted_ThenNoneIsA5xxAndTheServiceStillAnswers()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var valid = Encoding.UTF8.GetBytes(Repository.Sample("order-sign-meets-criteria.json").ToJsonString());
        var random = new Random(1203);
        var failures = new List<string>();

        // Act
        for (var i = 0; i < 250; i++)
        {
            var (kind, body, mediaType) = MutateBytes(valid, random);
            var (status, answer) = await SendAsync(client, $"/cds-services/{Hooks.SignService}", body, mediaType);
            if (!IsValidAnswer(status, answer, cdsResponse: true))
            {
                failures.Add($"{kind} [{mediaType}]: {(int)status} {Describe(answer)}");
            }
        }

        var (finalStatus, final) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Empty(failures);
        Assert.Equal(HttpStatusCode.OK, finalStatus);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(final!["systemActions"]![0]!), "covered"));
    }

    [Fact]
    public async Task GivenHundredsOfMalformedFeedbackBodies_WhenPosted_ThenNoneIsA5xxAndValidFeedbackIsStillAccepted()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var random = new Random(4512);
        var failures = new List<string>();
        var path = $"/cds-services/{Hooks.SignService}/feedback";

        // Act
        for (var i = 0; i < 200; i++)
        {
            var (kind, body, mediaType) = MutateFeedback(random);
            var (status, answer) = await SendAsync(client, path, body, mediaType);
            if (!IsValidAnswer(status, answer, cdsResponse: false))
            {
                failures.Add($"{kind} [{mediaType}]: {(int)status} {Describe(answer)}");
            }
        }

        var (finalStatus, final) = await Hooks.PostRawAsync(client, path, ValidFeedback("card-after-fuzz"));

        // Assert
        Assert.Empty(failures);
        Assert.Equal(HttpStatusCode.OK, finalStatus);
        Assert.Equal(1, final!["accepted"]!.GetValue<int>());
    }

    [Fact]
    public async Task GivenHundredsOfMalformedLedgerLookups_WhenSent_ThenNoneIsA5xxAndARealAssertionIsStillFound()
    {
        // Arrange: the payer's identity provider is trusted; one real call is on record.
        using var ledgerFactory = PayerIdentityProvider.Trust(new CdsServiceFactory());
        using var client = ledgerFactory.CreateSignedClient();
        var (hookStatus, answer) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));
        Assert.Equal(HttpStatusCode.OK, hookStatus);
        var assertionId = Hooks.Parts(Hooks.Extension(answer!["systemActions"]![0]!), "coverage-assertion-id").Single()["valueString"]!.GetValue<string>();
        var token = PayerIdentityProvider.Token(ledgerFactory);
        var random = new Random(4503_12);
        var failures = new List<string>();
        string[] pieces = ["", "x", "%01", "%0A", "%C3%28", "%ED%A0%80", "2026-11-24", "2026-13-45", "-1", "0", "99999999999999999999", "%27%20OR%201%3D1--", new string('a', 3000), "%2F..%2F..", "T18:00:00Z", "+01:00"];

        // Act
        using var plain = ledgerFactory.CreateClient();
        for (var i = 0; i < 200; i++)
        {
            string P() => pieces[random.Next(pieces.Length)] + pieces[random.Next(pieces.Length)];
            var path = random.Next(3) switch
            {
                0 => $"/coverage-assertions/{P()}",
                1 => $"/coverage-assertions/{P()}/response",
                _ => $"/coverage-assertions?patient={P()}&from={P()}&to={P()}&_count={P()}",
            };
            var (status, body, response) = await LedgerCalls.GetAsync(plain, path, random.Next(10) == 0 ? "abc.def.ghi" : token);
            using (response)
            {
                if ((int)status >= 500 || ((int)status >= 400 && !body.Contains("OperationOutcome", StringComparison.Ordinal)))
                {
                    failures.Add($"{path[..Math.Min(120, path.Length)]}: {(int)status} {body[..Math.Min(200, body.Length)]}");
                }
            }
        }

        var (lookup, record, lookupResponse) = await LedgerCalls.GetAsync(plain, $"/coverage-assertions/{assertionId}", token);
        lookupResponse.Dispose();

        // Assert
        Assert.Empty(failures);
        Assert.Equal(HttpStatusCode.OK, lookup);
        Assert.Equal(assertionId, JsonNode.Parse(record)!["assertionId"]!.GetValue<string>());
    }

    private static (string Kind, byte[] Body, string MediaType) MutateBytes(byte[] valid, Random random)
    {
        var body = valid.ToList();
        var mediaType = random.Next(5) == 0 ? MediaTypes[random.Next(MediaTypes.Length)] : "application/json";
        switch (random.Next(6))
        {
            case 0:
                // Poison bytes or escapes at a random place inside a string value.
                var quote = IndexOfQuote(valid, random);
                body.InsertRange(quote + 1, Poison[random.Next(Poison.Length)]);
                return ("poison", [.. body], mediaType);
            case 1:
                for (var j = random.Next(1, 8); j > 0; j--)
                {
                    body[random.Next(body.Count)] = (byte)random.Next(256);
                }

                return ("flipped bytes", [.. body], mediaType);
            case 2:
                // A duplicate of a top-level or nested key.
                string[] keys = ["\"hook\":", "\"hookInstance\":", "\"context\":", "\"patientId\":", "\"resourceType\":", "\"id\":"];
                var key = Encoding.UTF8.GetBytes(keys[random.Next(keys.Length)]);
                var at = IndexOf(valid, key) is var found and >= 0 ? found : 1;
                body.InsertRange(at, [.. key, .. "\"dup\","u8]);
                return ("duplicate key", [.. body], mediaType);
            case 3:
                // A lone surrogate escape as a whole string value.
                var text = Encoding.UTF8.GetString(valid);
                string[] fields = ["\"patientId\":\"", "\"userId\":\"", "\"hookInstance\":\"", "\"display\":\""];
                var field = fields[random.Next(fields.Length)];
                return ("lone surrogate", Encoding.UTF8.GetBytes(text.Replace(field, field + (random.Next(2) == 0 ? "\\udbff" : "\\udc00x"), StringComparison.Ordinal)), mediaType);
            case 4:
                return ("truncated", [.. body.Take(random.Next(1, body.Count))], mediaType);
            default:
                return ("media type", valid, MediaTypes[random.Next(MediaTypes.Length)]);
        }
    }

    private static (string Kind, byte[] Body, string MediaType) MutateFeedback(Random random)
    {
        var valid = Encoding.UTF8.GetBytes(ValidFeedback($"card-{random.Next(1000)}"));
        switch (random.Next(7))
        {
            case 0:
                return ("many items", Encoding.UTF8.GetBytes($$"""{"feedback":[{{string.Join(",", Enumerable.Repeat("{\"card\":\"c\",\"outcome\":\"overridden\",\"outcomeTimestamp\":\"2026-11-24T18:20:00Z\"}", random.Next(101, 3000)))}}]}"""), "application/json");
            case 1:
                return ("big item", Encoding.UTF8.GetBytes($$$"""{"feedback":[{"card":"c","outcome":"overridden","outcomeTimestamp":"2026-11-24T18:20:00Z","overrideReason":{"userComment":"{{{new string('x', random.Next(16_000, 200_000))}}}"}}]}"""), "application/json");
            case 2:
                var wrong = new[] { "42", "null", "[]", "{}", "\"\"", "true", "\"2026-99-99\"" }[random.Next(7)];
                var field = new[] { "card", "outcome", "outcomeTimestamp", "acceptedSuggestions", "overrideReason" }[random.Next(5)];
                var node = JsonNode.Parse(valid)!;
                node["feedback"]![0]![field] = JsonNode.Parse(wrong);
                return ($"wrong {field}", Encoding.UTF8.GetBytes(node.ToJsonString()), "application/json");
            case 3:
                var (kind, body, mediaType) = MutateBytes(valid, random);
                return ($"bytes: {kind}", body, mediaType);
            case 4:
                return ("not an object", Encoding.UTF8.GetBytes(new[] { "[]", "42", "\"feedback\"", "{\"feedback\":{}}", "{\"feedback\":[1,2]}" }[random.Next(5)]), "application/json");
            case 5:
                return ("deep", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"feedback\":[", random.Next(40, 300))) + "1"), "application/json");
            default:
                return ("valid", valid, "application/json");
        }
    }

    private static string ValidFeedback(string card) =>
        $$"""{"feedback":[{"card":"{{card}}","outcome":"overridden","overrideReason":{"reason":{"code":"x","system":"http://example.org"},"userComment":"n/a"},"outcomeTimestamp":"2026-11-24T18:20:00Z"}]}""";

    // A 2xx is a CDS Hooks response (or feedback accepted); anything else is a 4xx OperationOutcome.
    private static bool IsValidAnswer(HttpStatusCode status, JsonNode? answer, bool cdsResponse)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return cdsResponse ? answer?["cards"] is JsonArray : answer?["accepted"] is not null;
        }

        return code is >= 400 and < 500 && answer?["resourceType"]?.GetValue<string>() == "OperationOutcome" && answer["issue"]?[0]?["diagnostics"] is not null;
    }

    private static string Describe(JsonNode? answer) => answer?.ToJsonString() is { } text ? text[..Math.Min(200, text.Length)] : "(no JSON)";

    private static int IndexOfQuote(byte[] valid, Random random)
    {
        for (var start = random.Next(valid.Length); ; start = (start + 1) % valid.Length)
        {
            if (valid[start] == (byte)'"' && start + 1 < valid.Length && valid[start + 1] is >= (byte)'a' and <= (byte)'z')
            {
                return start;
            }
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, string path, byte[] body, string mediaType)
    {
        using var content = new ByteArrayContent(body);
        if (mediaType.Length > 0)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", mediaType);
        }

        using var response = await client.PostAsync(path, content, TestContext.Current.CancellationToken);
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

    private static (string Kind, string Body) Mutate(JsonObject valid, Random random)
    {
        var copy = valid.DeepClone().AsObject();
        var text = copy.ToJsonString();
        switch (random.Next(8))
        {
            case 0:
                return ("truncated", text[..random.Next(1, text.Length - 1)]);
            case 1:
                var garbage = new char[random.Next(1, 400)];
                for (var j = 0; j < garbage.Length; j++)
                {
                    garbage[j] = (char)random.Next(32, 127);
                }

                return ("garbage", new string(garbage));
            case 2:
                var path = RequiredPaths[random.Next(RequiredPaths.Length)];
                Parent(copy, path).Remove(Leaf(path));
                return ($"missing {path}", copy.ToJsonString());
            case 3:
                var typed = TypedPaths[random.Next(TypedPaths.Length)];
                var value = WrongValues[random.Next(WrongValues.Length)]?.DeepClone();
                if (typed is "context.userId" or "context.encounterId" or "hook" or "hookInstance" && value is JsonValue v && v.TryGetValue<string>(out _))
                {
                    value = 7; // a string is a valid type for these
                }

                if (typed == "context.draftOrders.resourceType" && value is JsonValue)
                {
                    value = "Patient";
                }

                Parent(copy, typed)[Leaf(typed)] = value;
                return ($"wrong type {typed}", copy.ToJsonString());
            case 4:
                var entry = copy["context"]!["draftOrders"]!["entry"]![0]!.AsObject();
                switch (random.Next(3))
                {
                    case 0:
                        entry["resource"]!.AsObject().Remove("id");
                        break;
                    case 1:
                        entry["resource"] = "ServiceRequest/1";
                        break;
                    default:
                        entry["resource"] = new JsonObject { ["resourceType"] = "NotAResource", ["id"] = "x" };
                        break;
                }

                return ("broken draft order", copy.ToJsonString());
            case 5:
                copy["hook"] = random.Next(2) == 0 ? "order-select" : "patient-view";
                return ("wrong hook", copy.ToJsonString());
            case 6:
                var depth = random.Next(70, 400);
                return ("deep", string.Concat(Enumerable.Repeat("{\"context\":[", depth)) + string.Concat(Enumerable.Repeat("]}", depth)));
            default:
                copy["fhirServer"] = random.Next(2) == 0 ? "ftp://ehr.example.org/fhir" : "//no-scheme";
                return ("bad fhirServer", copy.ToJsonString());
        }
    }

    private static JsonObject Parent(JsonObject root, string path)
    {
        var parts = path.Split('.');
        return parts[..^1].Aggregate((JsonNode)root, (node, part) => node[part]!).AsObject();
    }

    private static string Leaf(string path) => path.Split('.')[^1];

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(HttpClient client, string body)
    {
        var (status, node) = (HttpStatusCode.OK, (JsonNode?)null);
        try
        {
            (status, node) = await Hooks.PostRawAsync(client, $"/cds-services/{Hooks.SignService}", body);
        }
        catch (System.Text.Json.JsonException)
        {
            // The answer itself was not JSON: reported as a failure by the caller (no OperationOutcome).
        }

        return (status, node);
    }
}
