using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cds.Service.Tests.Crd;

/// <summary>
/// The answer as a client sees it, byte for byte: each request's response (status and body, card uuids and
/// coverage-assertion ids normalised) equals the checked-in file under <c>tests/CdsService.Tests/Golden/answers/</c>,
/// written from the service before the answer path was tuned for speed. A change of wording, of order, of a code, of a
/// JSON property or of its escaping fails here. To accept an intended change, rerun with <c>CDS_GOLDEN_WRITE=1</c> and
/// review the diff of the golden files like any other change.
/// </summary>
public sealed partial class AnswerGoldenTests(AnswerGoldenTests.Service service) : IClassFixture<AnswerGoldenTests.Service>
{
    private static readonly string Directory = Repository.Path("tests", "CdsService.Tests", "Golden", "answers");

    public static TheoryData<string> Cases() =>
    [
        .. new[]
        {
            "order-sign-meets-criteria", "order-sign-not-medically-necessary", "order-sign-investigational",
            "order-sign-missing-data", "order-sign-not-dli",
        }.SelectMany(s => new[] { s, s + "+all-cards", s + "+crd-2.2" }),
        "order-select-meets-criteria",
        "order-sign-meets-criteria+select",
        "order-sign-meets-criteria+two-orders",
        "order-sign-missing-data+two-orders+all-cards",
        "order-sign-missing-data+max-cards-2",
        .. new[] { "dli4503-met", "dli4503-not-met-ia", "dli4503-not-met-ib", "dli4503-not-met-ic", "dli4503-investigational", "dli4503-missing-data" }
            .SelectMany(p => new[] { $"patient:{p}:dli+all-cards", $"patient:{p}:dli-genetically-modified", $"patient:{p}:bone-marrow-biopsy" }),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GivenARequest_WhenAnswered_ThenTheResponseIsByteForByteTheGoldenOne(string name)
    {
        // Arrange
        using var client = service.Factory.CreateClient();
        var (serviceId, request) = await RequestAsync(client, name);

        // Act
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/cds-services/{serviceId}", content, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var actual = $"{(int)response.StatusCode}\n{UuidPattern().Replace(body, "<uuid>")}";

        // Assert
        var path = Path.Combine(Directory, FileName(name));
        if (Environment.GetEnvironmentVariable("CDS_GOLDEN_WRITE") == "1")
        {
            System.IO.Directory.CreateDirectory(Directory);
            await File.WriteAllTextAsync(path, actual, TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(path), $"No golden answer {path}: run with CDS_GOLDEN_WRITE=1 on the reference build to write it.");
        Assert.Equal(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken), actual);
    }

    /// <summary>
    /// One service for all cases (unsigned calls, the sandbox on for the sample patients' requests), with deadlines
    /// that a test run on a loaded machine cannot hit: a 503 here would say nothing about the answer.
    /// </summary>
    public sealed class Service : IDisposable
    {
        public CdsServiceFactory Factory { get; } = new CdsServiceFactory()
            .With("Cds:Security:DevelopmentMode", "true")
            .With("Cds:Sandbox:Enabled", "true")
            .With("Cds:Deadlines:HookBudget", "00:00:30")
            .With("Cds:Deadlines:SlotWait", "00:00:30");

        public void Dispose() => Factory.Dispose();
    }

    private static string FileName(string name) => name.Replace(':', '_').Replace('+', '.') + ".txt";

    // The request a case names: a sample (samples/NAME.json) or a sample patient with a catalogue order (patient:ID:ORDER,
    // built by the sandbox as the page does, on the test clock), with variants after '+'.
    private static async Task<(string Service, JsonObject Request)> RequestAsync(HttpClient client, string name)
    {
        var parts = name.Split('+');
        JsonObject request;
        if (parts[0].StartsWith("patient:", StringComparison.Ordinal))
        {
            var (patient, order) = (parts[0].Split(':')[1], parts[0].Split(':')[2]);
            var text = await client.GetStringAsync(new Uri($"/sandbox/api/requests?patient={patient}&order={order}", UriKind.Relative), TestContext.Current.CancellationToken);
            request = JsonNode.Parse(text)!.AsObject();
        }
        else
        {
            request = Repository.Sample(parts[0] + ".json");
        }

        var service = request["hook"]!.GetValue<string>() == "order-select" ? Hooks.SelectService : Hooks.SignService;
        foreach (var variant in parts.Skip(1))
        {
            switch (variant)
            {
                case "all-cards":
                    Configure(request, new JsonObject { ["guideline"] = true, ["clinical-reminder"] = true });
                    break;
                case "max-cards-2":
                    Configure(request, new JsonObject { ["guideline"] = true, ["clinical-reminder"] = true, ["max-cards"] = 2 });
                    break;
                case "crd-2.2":
                    Extension(request)["davinci-crd.requestedVersion"] = "2.2";
                    break;
                case "select":
                    var first = request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!;
                    request["hook"] = "order-select";
                    request["context"]!["selections"] = new JsonArray($"{first["resourceType"]}/{first["id"]}");
                    service = Hooks.SelectService;
                    break;
                case "two-orders":
                    // A second DLI order on another date: each card names its order in words.
                    var entries = request["context"]!["draftOrders"]!["entry"]!.AsArray();
                    var copy = entries[0]!.DeepClone();
                    copy["resource"]!["id"] = "sr-dli-second";
                    copy["resource"]!["authoredOn"] = "2026-11-20";
                    entries.Add(copy);
                    break;
                default:
                    throw new ArgumentException($"unknown variant {variant}", nameof(name));
            }
        }

        return (service, request);
    }

    private static JsonObject Extension(JsonObject request) =>
        request["extension"] as JsonObject ?? (JsonObject)(request["extension"] = new JsonObject());

    private static void Configure(JsonObject request, JsonObject configuration) => Extension(request)["davinci-crd.configuration"] = configuration;

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex UuidPattern();
}
