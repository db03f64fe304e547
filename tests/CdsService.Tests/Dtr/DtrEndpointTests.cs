using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Cds.Service.Ledger;
using Cds.Service.Tests.Browser;
using Cds.Service.Tests.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace Cds.Service.Tests.Dtr;

/// <summary>
/// DTR over HTTP: the questionnaire, $questionnaire-package, the pointer from CRD (coverage-information and the
/// missing-data card), and answers that decide (in prefetch, or posted to /cds-services/{id}/questionnaire-response),
/// with the ledger linking the new assertion to the earlier one.
/// </summary>
public sealed class DtrEndpointTests(SandboxServiceFixture fixture) : IClassFixture<SandboxServiceFixture>
{
    private const string MissingData = "dli4503-missing-data";
    private const string Canonical = "http://localhost/fhir/Questionnaire/dli-45.03";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly CdsServiceFactory _factory = fixture.Factory;

    private async Task<JsonObject> SampleRequestAsync(string patientId)
    {
        using var sandbox = _factory.CreateClient();
        return (await sandbox.GetFromJsonAsync<JsonObject>($"/sandbox/api/requests?patient={patientId}&order=dli", Cancel))!;
    }

    private static JsonObject Answers(string patientId, string status = "completed", params (string LinkId, JsonObject Answer)[] items) => new()
    {
        ["resourceType"] = "QuestionnaireResponse",
        ["id"] = "qr-dtr-1",
        ["questionnaire"] = $"{Canonical}|2024-12-01",
        ["status"] = status,
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
        ["authored"] = "2026-11-24T09:30:00-08:00",
        ["author"] = new JsonObject { ["reference"] = "Practitioner/dli4503-practitioner-raman" },
        ["item"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject { ["linkId"] = i.LinkId, ["answer"] = new JsonArray(i.Answer) })]),
    };

    private static JsonObject Coded(string code) => new() { ["valueCoding"] = new JsonObject { ["system"] = "urn:cds-policy:dli-45.03:answers", ["code"] = code } };

    private static JsonObject CompletingAnswers(string status = "completed") => Answers(MissingData, status,
        ("I.B.conditioning", Coded("reduced-intensity")),
        ("I.C.tested", new JsonObject { ["valueBoolean"] = true }),
        ("I.C.T-cell.percent", new JsonObject { ["valueDecimal"] = 70 }),
        ("I.C.T-cell.date", new JsonObject { ["valueDate"] = "2026-11-02" }));

    private static async Task<(HttpStatusCode Status, JsonNode? Body, string? MediaType)> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null, string contentType = "application/fhir+json")
    {
        using var message = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            message.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        using var response = await client.SendAsync(message, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Content.Headers.ContentType?.MediaType);
    }

    private static JsonObject CoverageInformation(JsonNode answer) => Hooks.Extension(answer["systemActions"]![0]!);

    [Fact]
    public async Task The_questionnaire_is_served_as_FHIR_under_the_services_fhir_base()
    {
        using var client = _factory.CreateSignedClient();
        var (status, body, mediaType) = await SendAsync(client, HttpMethod.Get, "/fhir/Questionnaire/dli-45.03");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/fhir+json", mediaType);
        Assert.Equal("Questionnaire", body!["resourceType"]!.GetValue<string>());
        Assert.Equal(Canonical, body["url"]!.GetValue<string>());
        Assert.Equal("http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-std-questionnaire", body["meta"]!["profile"]![0]!.GetValue<string>());

        var (missing, outcome, _) = await SendAsync(client, HttpMethod.Get, "/fhir/Questionnaire/home-oxygen");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("OperationOutcome", outcome!["resourceType"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_DTR_endpoints_need_the_same_JWT_as_the_hooks()
    {
        using var anonymous = _factory.CreateClient();
        var (get, _, _) = await SendAsync(anonymous, HttpMethod.Get, "/fhir/Questionnaire/dli-45.03");
        var (package, _, _) = await SendAsync(anonymous, HttpMethod.Post, "/fhir/Questionnaire/$questionnaire-package", "{}");
        var (submit, _, _) = await SendAsync(anonymous, HttpMethod.Post, "/cds-services/dli-coverage-order-sign/questionnaire-response", "{}", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, get);
        Assert.Equal(HttpStatusCode.Unauthorized, package);
        Assert.Equal(HttpStatusCode.Unauthorized, submit);
    }

    [Fact]
    public async Task The_package_holds_the_questionnaire_first_and_its_answer_value_set()
    {
        var request = await SampleRequestAsync(MissingData);
        var coverage = request["prefetch"]!["coverage"]!["entry"]![0]!["resource"]!.DeepClone();
        var order = request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!.DeepClone();
        var input = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(
                new JsonObject { ["name"] = "coverage", ["resource"] = coverage },
                new JsonObject { ["name"] = "order", ["resource"] = order }),
        };
        using var client = _factory.CreateSignedClient();
        var (status, body, mediaType) = await SendAsync(client, HttpMethod.Post, "/fhir/Questionnaire/$questionnaire-package", input.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/fhir+json", mediaType);
        Assert.Equal("Parameters", body!["resourceType"]!.GetValue<string>());
        var parameter = Assert.Single(body["parameter"]!.AsArray());
        Assert.Equal("PackageBundle", parameter!["name"]!.GetValue<string>());
        var entries = parameter["resource"]!["entry"]!.AsArray();
        Assert.Equal(["Questionnaire", "ValueSet"], entries.Select(e => e!["resource"]!["resourceType"]!.GetValue<string>()));
        Assert.Equal(Canonical, entries[0]!["resource"]!["url"]!.GetValue<string>());
    }

    public static TheoryData<string, string, HttpStatusCode> BadPackageRequests() => new()
    {
        { """{"resourceType":"Bundle"}""", "application/fhir+json", HttpStatusCode.BadRequest },
        { """{"resourceType":"Parameters","parameter":[{"name":"order","resource":{"resourceType":"ServiceRequest","id":"x","status":"draft","intent":"order","subject":{"reference":"Patient/p"}}}]}""", "application/fhir+json", HttpStatusCode.BadRequest },
        { """{"resourceType":"Parameters","parameter":[{"name":"coverage","resource":{"resourceType":"Coverage","id":"c","status":"active","beneficiary":{"reference":"Patient/p"},"payor":[{"display":"Regence"}]}},{"name":"order","resource":{"resourceType":"ServiceRequest","id":"bx","status":"draft","intent":"order","code":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"38221"}]},"subject":{"reference":"Patient/p"}}}]}""", "application/fhir+json", HttpStatusCode.UnprocessableEntity },
        { """{"resourceType":"Parameters","parameter":[{"name":"coverage","resource":{"resourceType":"Coverage","id":"c","status":"active","beneficiary":{"reference":"Patient/p"},"payor":[{"display":"Regence"}]}},{"name":"order","resource":{"resourceType":"ServiceRequest","id":"dli","status":"draft","intent":"order","code":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"38242"}]},"subject":{"reference":"Patient/someone-else"}}}]}""", "application/fhir+json", HttpStatusCode.BadRequest },
        { """{"resourceType":"Parameters","parameter":[{"name":"coverage","valueString":"Coverage/c"}]}""", "application/fhir+json", HttpStatusCode.BadRequest },
        { """{"resourceType":"Parameters",""", "application/fhir+json", HttpStatusCode.BadRequest },
        { """{"resourceType":"Parameters"}""", "text/plain", HttpStatusCode.UnsupportedMediaType },
    };

    [Theory]
    [MemberData(nameof(BadPackageRequests))]
    public async Task A_bad_package_request_is_a_clear_error_with_an_OperationOutcome(string body, string contentType, HttpStatusCode expected)
    {
        using var client = _factory.CreateSignedClient();
        var (status, outcome, _) = await SendAsync(client, HttpMethod.Post, "/fhir/Questionnaire/$questionnaire-package", body, contentType);
        Assert.Equal(expected, status);
        Assert.Equal("OperationOutcome", outcome!["resourceType"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(outcome["issue"]![0]!["diagnostics"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_missing_data_answer_points_to_the_questionnaire_on_the_coverage_information_and_the_card()
    {
        var request = await SampleRequestAsync(MissingData);
        using var client = _factory.CreateSignedClient();
        var (status, answer) = await Hooks.PostAsync(client, Hooks.SignService, request);

        Assert.Equal(HttpStatusCode.OK, status);
        var info = CoverageInformation(answer!);
        Assert.Equal("conditional", Hooks.Code(info, "covered"));
        Assert.Equal(Canonical, Assert.Single(Hooks.Parts(info, "questionnaire"))["valueCanonical"]!.GetValue<string>());
        // Without a DTR app the missing-data card (CRD Instructions: text only) names the questionnaire; no link.
        var details = string.Join("\n", answer!["cards"]!.AsArray().Select(c => c!["detail"]?.GetValue<string>()));
        Assert.Contains(Canonical, details, StringComparison.Ordinal);
        Assert.DoesNotContain(answer["cards"]!.AsArray().SelectMany(c => c!["links"]?.AsArray() ?? []), l => l!["url"]!.GetValue<string>() == Canonical);
    }

    [Fact]
    public async Task A_covered_answer_without_documentation_needs_carries_no_questionnaire()
    {
        var request = await SampleRequestAsync("dli4503-met");
        using var client = _factory.CreateSignedClient();
        var (_, answer) = await Hooks.PostAsync(client, Hooks.SignService, request);
        var info = CoverageInformation(answer!);
        Assert.Equal("covered", Hooks.Code(info, "covered"));
        Assert.Null(Hooks.Code(info, "doc-needed"));
        Assert.Empty(Hooks.Parts(info, "questionnaire"));
    }

    [Fact]
    public async Task Submitted_answers_decide_and_the_ledger_links_the_new_assertion_to_the_earlier_one()
    {
        using var client = _factory.CreateSignedClient();
        var first = await SampleRequestAsync(MissingData);
        var (_, before) = await Hooks.PostAsync(client, Hooks.SignService, first);
        var earlier = Hooks.Parts(CoverageInformation(before!), "coverage-assertion-id").Single()["valueString"]!.GetValue<string>();

        // The EHR applied the update action (the order now carries the earlier coverage-information) and sends the answers.
        var second = await SampleRequestAsync(MissingData);
        second["context"]!["draftOrders"]!["entry"]![0]!["resource"] = before!["systemActions"]![0]!["resource"]!.DeepClone();
        second["prefetch"]![Cds.Service.Dtr.DtrAnswers.PrefetchKey] = CompletingAnswers();
        var (status, after) = await Hooks.PostRawAsync(client, "/cds-services/dli-coverage-order-sign/questionnaire-response", second.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        var info = CoverageInformation(after!);
        Assert.Equal("covered", Hooks.Code(info, "covered"));
        var newer = Hooks.Parts(info, "coverage-assertion-id").Single()["valueString"]!.GetValue<string>();
        Assert.NotEqual(earlier, newer);

        var store = _factory.Services.GetRequiredService<ILedgerStore>();
        LedgerAssertion? found = null;
        Assert.True(await LedgerCalls.EventuallyAsync(async () => (found = await store.FindAssertionAsync(newer, Cancel)) is not null));
        Assert.Equal(earlier, found!.Decision.Detail.Supersedes);
        Assert.Equal(["QuestionnaireResponse/qr-dtr-1"], found.Decision.Detail.Answers);
        Assert.Equal("meets-criteria", found.Decision.Outcome);
    }

    [Fact]
    public async Task Answers_in_the_next_order_sign_prefetch_decide_the_same_way()
    {
        var request = await SampleRequestAsync(MissingData);
        request["prefetch"]![Cds.Service.Dtr.DtrAnswers.PrefetchKey] = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "searchset",
            ["entry"] = new JsonArray(new JsonObject { ["resource"] = CompletingAnswers() }),
        };
        using var client = _factory.CreateSignedClient();
        var (status, answer) = await Hooks.PostAsync(client, Hooks.SignService, request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(CoverageInformation(answer!), "covered"));
    }

    [Fact]
    public async Task Answers_that_contradict_a_coded_record_are_a_conflict_and_the_answer_stays_conditional()
    {
        // The chart codes remission (C92.01); the clinician answers "relapsed".
        var request = await SampleRequestAsync("dli4503-not-met-ia");
        request["prefetch"]![Cds.Service.Dtr.DtrAnswers.PrefetchKey] = Answers("dli4503-not-met-ia", "completed",
            ("I.A.malignancy", new JsonObject { ["valueBoolean"] = true }),
            ("I.A.status", Coded("relapsed")),
            ("I.A.date", new JsonObject { ["valueDate"] = "2026-11-01" }));
        using var client = _factory.CreateSignedClient();
        var (status, answer) = await Hooks.PostRawAsync(client, "/cds-services/dli-coverage-order-sign/questionnaire-response", request.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("conditional", Hooks.Code(CoverageInformation(answer!), "covered"));
        Assert.Contains("Conflicting records", answer!["cards"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("in-progress")]
    [InlineData(null)]
    public async Task A_submission_without_completed_answers_is_refused(string? status)
    {
        var request = await SampleRequestAsync(MissingData);
        if (status is not null)
        {
            request["prefetch"]![Cds.Service.Dtr.DtrAnswers.PrefetchKey] = CompletingAnswers(status);
        }

        using var client = _factory.CreateSignedClient();
        var (code, outcome) = await Hooks.PostRawAsync(client, "/cds-services/dli-coverage-order-sign/questionnaire-response", request.ToJsonString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("OperationOutcome", outcome!["resourceType"]!.GetValue<string>());
    }

    public static TheoryData<string> MalformedAnswers() => new()
    {
        """{"resourceType":"QuestionnaireResponse","id":"qr-bad","questionnaire":"http://localhost/fhir/Questionnaire/dli-45.03","status":"completed","subject":{"reference":"Patient/dli4503-missing-data"},"item":[{"linkId":"I.C.T-cell.percent","answer":[{"valueDecimal":"seventy"}]}]}""",
        """{"resourceType":"QuestionnaireResponse","id":"qr-bad","questionnaire":"http://localhost/fhir/Questionnaire/dli-45.03","status":"completed","subject":{"reference":"Patient/dli4503-missing-data"},"item":"everything"}""",
        """{"resourceType":"QuestionnaireResponse","id":"qr-bad","questionnaire":"http://localhost/fhir/Questionnaire/dli-45.03","status":"completed","subject":{"reference":"Patient/dli4503-missing-data"},"item":[{"linkId":"I.B.conditioning","answer":[{"valueCoding":{"system":"urn:cds-policy:dli-45.03:answers","code":"reduced-intensity"}}]},{"linkId":"I.B.conditioning","answer":[{"valueCoding":{"system":"urn:cds-policy:dli-45.03:answers","code":"myeloablative"}}]}]}""",
        """{"resourceType":"QuestionnaireResponse","id":"qr-bad","questionnaire":"http://localhost/fhir/Questionnaire/dli-45.03","status":"completed","subject":{"reference":"Patient/dli4503-missing-data"},"item":[{"linkId":"I.C.T-cell.percent","answer":[{"valueDecimal":250}]}]}""",
    };

    [Theory]
    [MemberData(nameof(MalformedAnswers))]
    public async Task Malformed_or_ambiguous_answers_never_decide_and_never_fail_the_call(string response)
    {
        var request = await SampleRequestAsync(MissingData);
        request["prefetch"]![Cds.Service.Dtr.DtrAnswers.PrefetchKey] = JsonNode.Parse(response);
        using var client = _factory.CreateSignedClient();
        var (status, answer) = await Hooks.PostRawAsync(client, "/cds-services/dli-coverage-order-sign/questionnaire-response", request.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("conditional", Hooks.Code(CoverageInformation(answer!), "covered"));
    }
}
