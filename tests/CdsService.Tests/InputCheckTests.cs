using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests;

/// <summary>
/// Every input bounded and checked (issue 12): the body's media type and encoding, duplicate keys, lone surrogates,
/// hookInstance, wrongly typed FHIR values in prefetch and from the EHR, and feedback limits. Each bad input gets a
/// 4xx with an OperationOutcome (or, for data, a 200 naming what could not be read), never a 500.
/// </summary>
public sealed class InputCheckTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    private static readonly string HookPath = $"/cds-services/{Hooks.SignService}";
    private static readonly string FeedbackPath = $"/cds-services/{Hooks.SignService}/feedback";

    [Theory]
    [InlineData("text/plain", null)]
    [InlineData("application/xml", null)]
    [InlineData("application/x-www-form-urlencoded", null)]
    [InlineData("application/json", "iso-8859-1")]
    [InlineData("application/json", "utf-16")]
    [InlineData(null, null)]
    public async Task GivenABodyThatIsNotUtf8Json_WhenPostedToAHookOrFeedback_ThenItIs415WithAnOperationOutcome(string? mediaType, string? charset)
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var body = Encoding.UTF8.GetBytes(Repository.Sample("order-sign-meets-criteria.json").ToJsonString());

        // Act
        var hook = await SendAsync(client, HookPath, body, mediaType, charset);
        var feedback = await SendAsync(client, FeedbackPath, Encoding.UTF8.GetBytes("""{"feedback":[]}"""), mediaType, charset);

        // Assert
        foreach (var (status, outcome) in new[] { hook, feedback })
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
            AssertIssue(outcome, "not-supported", "Content-Type: application/json");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("utf-8")]
    [InlineData("UTF-8")]
    public async Task GivenJsonWithOrWithoutTheUtf8Charset_WhenPosted_ThenItIsAnswered(string? charset)
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var body = Encoding.UTF8.GetBytes(Repository.Sample("order-sign-meets-criteria.json").ToJsonString());

        // Act
        var (status, answer) = await SendAsync(client, HookPath, body, "application/json", charset);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(answer!["systemActions"]![0]!), "covered"));
    }

    public static TheoryData<string, string, string> BadBytes() => new()
    {
        // A valid request with one byte sequence that is not UTF-8 inside a string (0xC3 0x28: a broken 2-byte sequence).
        { "invalid UTF-8", "\"context\"", "not valid UTF-8" },
        // An encoded surrogate (ED A0 80 = U+D800 as "UTF-8"), which UTF-8 forbids.
        { "encoded surrogate", "\"hook\"", "not valid UTF-8" },
        { "lone high surrogate escape", "\"patientId\"", "lone UTF-16 surrogate" },
        { "lone low surrogate escape", "\"userId\"", "lone UTF-16 surrogate" },
        { "duplicate key", "\"hook\"", "Duplicate" },
    };

    [Theory]
    [MemberData(nameof(BadBytes))]
    public async Task GivenABodyWithBadBytesOrDuplicateKeys_WhenPostedToAHookOrFeedback_ThenItIs400WithAnOperationOutcome(string kind, string near, string diagnostics)
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var hook = Corrupt(Repository.Sample("order-sign-meets-criteria.json").ToJsonString(), kind, near);
        var feedback = Corrupt("""{"feedback":[{"card":"c1","outcome":"overridden","outcomeTimestamp":"2026-11-24T18:20:00Z","hook":"x","context":"y","patientId":"p","userId":"u"}]}""", kind, near);

        // Act
        var answers = new[] { await SendAsync(client, HookPath, hook, "application/json", "utf-8"), await SendAsync(client, FeedbackPath, feedback, "application/json", "utf-8") };

        // Assert
        foreach (var (status, outcome) in answers)
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            AssertIssue(outcome, "invalid", diagnostics);
        }
    }

    [Fact]
    public async Task GivenJsonWithAByteOrderMarkOrAQuotedCharset_WhenPosted_ThenItIsAnswered()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Repository.Sample("order-sign-meets-criteria.json").ToJsonString())];

        // Act
        var (status, _) = await SendAsync(client, HookPath, body, "application/json", "\"utf-8\"");

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task GivenAProperSurrogatePairEscape_WhenPosted_ThenItIsAccepted()
    {
        // Arrange: an emoji as an escaped pair in the user id is well-formed JSON text.
        using var client = factory.CreateSignedClient();
        var text = Repository.Sample("order-sign-meets-criteria.json").ToJsonString().Replace("\"userId\":\"", "\"userId\":\"\\ud83d\\ude00", StringComparison.Ordinal);

        // Act
        var (status, _) = await SendAsync(client, HookPath, Encoding.UTF8.GetBytes(text), "application/json", null);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("d1577c69dfbe44ad-ba6d-3e05e953b2ea")]
    [InlineData("{d1577c69-dfbe-44ad-ba6d-3e05e953b2ea}")]
    [InlineData("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\n")]
    public async Task GivenAHookInstanceThatIsNotAUuid_WhenPosted_ThenItIs400(string hookInstance)
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request["hookInstance"] = hookInstance;

        // Act
        var (status, outcome) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertIssue(outcome, "invalid", "'hookInstance' must be a UUID");
    }

    [Fact]
    public async Task GivenAHugeHookInstance_WhenPosted_ThenItIs400AndNeitherLoggedNorEchoed()
    {
        // Arrange: 200 000 characters with newlines, under the body limit.
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var huge = string.Concat(Enumerable.Repeat("forged\nINFO line ", 12_000));
        request["hookInstance"] = huge;

        // Act
        var (status, outcome) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertIssue(outcome, "invalid", "'hookInstance' must be a UUID");
        Assert.DoesNotContain("forged", outcome!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("forged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenAnUnknownServiceIdWithNewlines_WhenPosted_ThenThe404SaysSoInOneBoundedEscapedLine()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var id = Uri.EscapeDataString("nope\r\nforged: yes" + new string('x', 1000));

        // Act
        var (status, outcome) = await Hooks.PostRawAsync(client, $"/cds-services/{id}", Repository.Sample("order-sign-meets-criteria.json").ToJsonString());

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, status);
        var diagnostics = outcome!["issue"]![0]!["diagnostics"]!.GetValue<string>();
        Assert.DoesNotContain('\n', diagnostics);
        Assert.DoesNotContain('\r', diagnostics);
        Assert.Contains("nope\\u000d\\u000aforged", diagnostics, StringComparison.Ordinal);
        Assert.True(diagnostics.Length < 300, $"{diagnostics.Length} characters");
    }

    public static TheoryData<string, string> WrongTypes() => new()
    {
        { "code", "[1]" },
        { "clinicalStatus", "\"active\"" },
        { "onsetDateTime", "42" },
        { "id", "true" },
        { "code.coding", "\"text\"" },
        { "code.coding.0.code", "{\"x\":1}" },

        // A JSON null inside an array of elements: Ostrich mode keeps it as a null item, which made the readers throw (a 500).
        { "stage", "[null]" },
        { "code.coding", "[null]" },
        { "note", "[{\"text\":\"relapse\"},null]" },
    };

    // Dates at the calendar's edges: a month that ends the calendar, and a transplant so early that the policy's window
    // before it would begin before year 1. Each made the service answer 500.
    public static TheoryData<string, int, string, string> EdgeDates() => new()
    {
        { "conditions", 1, "onsetDateTime", "9999-12" },
        { "procedures", 0, "performedDateTime", "9999-12" },
        { "procedures", 0, "performedDateTime", "0001-01-01" },
        { "procedures", 0, "performedDateTime", "0001-01-01T00:00:00+05:00" },
        { "procedures", 0, "performedDateTime", "9999-12-31T23:59:59-05:00" },
        { "observations", 0, "effectiveDateTime", "9999-12" },
        { "coverage", 0, "period", "{\"start\":\"2020-01\",\"end\":\"9999-12\"}" },
    };

    [Theory]
    [MemberData(nameof(EdgeDates))]
    public async Task GivenADateAtTheEdgeOfTheCalendar_WhenPosted_ThenTheHookAnswers200WithADecision(string key, int entry, string path, string value)
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        Set(request["prefetch"]![key]!["entry"]![entry]!["resource"]!, path, value.StartsWith('{') ? JsonNode.Parse(value) : JsonValue.Create(value));

        // Act
        var (status, answer) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert: answered with the order's coverage information, never a 500.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(answer!["systemActions"]!.AsArray(), a => a!.ToJsonString().Contains("coverage-information", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task GivenAWronglyTypedFhirValueInPrefetch_WhenPosted_ThenTheHookAnswers200AndNamesTheUnreadableData(string path, string value)
    {
        // Arrange: the relapse Condition (the evidence for I.A) has a value of the wrong JSON type.
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        Set(request["prefetch"]!["conditions"]!["entry"]![1]!["resource"]!, path, JsonNode.Parse(value));

        // Act
        var (status, answer) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert: answered, and the cards say which data could not be read.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(answer!["cards"]!.AsArray(), c => c!["detail"]!.GetValue<string>().Contains("conditions (1 resource(s) could not be read", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task GivenAWronglyTypedFhirValueFromTheEhr_WhenQueried_ThenTheHookAnswers200WithANamedDataFailure(string path, string value)
    {
        // Arrange: the same, but the conditions come from the EHR's FHIR server.
        factory.Ehr.Reset();
        using var client = factory.CreateSignedClient();
        var sample = Repository.Sample("order-sign-meets-criteria.json");
        Set(sample["prefetch"]!["conditions"]!["entry"]![1]!["resource"]!, path, JsonNode.Parse(value));
        var request = Hooks.MoveToEhr(sample, factory.Ehr, factory.FhirBase, "conditions");

        // Act
        var (status, answer) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(answer!["cards"]!.AsArray(), c => c!["detail"]!.GetValue<string>().Contains("conditions (1 resource(s) could not be read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenAnEhrAnswerWithInvalidUtf8OrALoneSurrogate_WhenQueried_ThenTheHookAnswers200WithANamedDataFailure()
    {
        // Arrange
        factory.Ehr.Reset();
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request["prefetch"]!.AsObject().Remove("conditions");
        request["prefetch"]!.AsObject().Remove("procedures");
        request["fhirServer"] = factory.FhirBase;
        factory.Ehr.Given(WireMock.RequestBuilders.Request.Create().WithPath("/fhir/Condition").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json")
                .WithBody([.. "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":\""u8, 0xC3, 0x28, .. "\"}"u8]));
        factory.Ehr.Given(WireMock.RequestBuilders.Request.Create().WithPath("/fhir/Procedure").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json")
                .WithBody("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"id\":\"\\udc00\"}"));

        // Act
        var (status, answer) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var details = string.Join("\n", answer!["cards"]!.AsArray().Select(c => c!["detail"]!.GetValue<string>()));
        Assert.Contains("conditions (the FHIR server's answer is not valid JSON", details, StringComparison.Ordinal);
        Assert.Contains("procedures (the FHIR server's answer is not valid JSON", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenTooManyFeedbackItems_WhenPosted_ThenItIs422AndNothingIsKept()
    {
        // Arrange: 101 items, one over the default limit.
        using var client = factory.CreateSignedClient();
        var items = string.Join(",", Enumerable.Range(0, 101).Select(i => $$"""{"card":"card-{{i}}","outcome":"overridden","outcomeTimestamp":"2026-11-24T18:20:00Z"}"""));

        // Act
        var (status, outcome) = await Hooks.PostRawAsync(client, FeedbackPath, $$"""{"feedback":[{{items}}]}""");

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        AssertIssue(outcome, "too-costly", "101 feedback items exceed the limit of 100");
    }

    [Fact]
    public async Task GivenAFeedbackItemThatIsTooLargeOrACardIdThatIsTooLong_WhenPosted_ThenItIsRefused()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var bigReason = $$$"""{"feedback":[{"card":"c1","outcome":"overridden","outcomeTimestamp":"2026-11-24T18:20:00Z","overrideReason":{"userComment":"{{{new string('x', 20_000)}}}"}}]}""";
        var longCard = $$"""{"feedback":[{"card":"{{new string('c', 500)}}","outcome":"overridden","outcomeTimestamp":"2026-11-24T18:20:00Z"}]}""";

        // Act
        var (bigStatus, bigOutcome) = await Hooks.PostRawAsync(client, FeedbackPath, bigReason);
        var (longStatus, longOutcome) = await Hooks.PostRawAsync(client, FeedbackPath, longCard);

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bigStatus);
        AssertIssue(bigOutcome, "too-costly", "'feedback[0]' is larger than 16384 bytes");
        Assert.Equal(HttpStatusCode.BadRequest, longStatus);
        AssertIssue(longOutcome, "invalid", "at most 128 characters");
    }

    [Fact]
    public async Task GivenAFeedbackBodyOverItsLimit_WhenPosted_ThenItIs413()
    {
        // Arrange: just over 1 MB, under the hook body limit of the test service.
        using var client = factory.CreateSignedClient();
        var body = $$"""{"feedback":[],"padding":"{{new string('x', 1024 * 1024)}}"}""";

        // Act
        var (status, outcome) = await Hooks.PostRawAsync(client, FeedbackPath, body);

        // Assert
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        AssertIssue(outcome, "too-costly", "larger than");
    }

    internal static void AssertIssue(JsonNode? outcome, string code, string diagnostics)
    {
        Assert.Equal("OperationOutcome", outcome?["resourceType"]?.GetValue<string>());
        var issue = outcome!["issue"]![0]!;
        Assert.Equal("error", issue["severity"]!.GetValue<string>());
        Assert.Equal(code, issue["code"]!.GetValue<string>());
        Assert.Contains(diagnostics, issue["diagnostics"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    internal static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, string path, byte[] body, string? mediaType, string? charset)
    {
        using var content = new ByteArrayContent(body);
        if (mediaType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = charset };
        }

        using var response = await client.PostAsync(path, content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static byte[] Corrupt(string json, string kind, string near)
    {
        var at = json.IndexOf(near, StringComparison.Ordinal);
        Assert.True(at >= 0, $"{near} not in the body");
        var before = Encoding.UTF8.GetBytes(json[..at]);
        var after = Encoding.UTF8.GetBytes(json[at..]);
        return kind switch
        {
            "invalid UTF-8" => [.. before, .. "\"x\":\""u8, 0xC3, 0x28, .. "\","u8, .. after],
            "encoded surrogate" => [.. before, .. "\"x\":\""u8, 0xED, 0xA0, 0x80, .. "\","u8, .. after],
            "lone high surrogate escape" => [.. before, .. "\"x\":\"a\\ud800b\","u8, .. after],
            "lone low surrogate escape" => [.. before, .. "\"x\":\"\\\\\\udc00\","u8, .. after],
            "duplicate key" => [.. before, .. Encoding.UTF8.GetBytes(near), .. ":\"dup\","u8, .. after],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static void Set(JsonNode resource, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(resource, (node, part) => int.TryParse(part, out var i) ? node[i]! : node[part]!);
        if (int.TryParse(parts[^1], out var index))
        {
            parent[index] = value;
        }
        else
        {
            parent[parts[^1]] = value;
        }
    }
}
