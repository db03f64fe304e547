using System.Net;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests;

/// <summary>Many malformed hook requests: every answer is a 4xx OperationOutcome, and the service keeps working.</summary>
public sealed class FuzzTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
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
