using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Cds.Service.Tests;


/// <summary>Small helpers shared by the hook tests.</summary>
public static class Hooks
{
    public const string SignService = "dli-coverage-order-sign";
    public const string SelectService = "dli-coverage-order-select";
    public const string PatientId = "pat-dli-001";

    /// <summary>FHIR search path and query for each prefetch key of cds-services.json.</summary>
    public static readonly IReadOnlyDictionary<string, (string Path, string Param, string Value)> Queries = new Dictionary<string, (string, string, string)>
    {
        ["patient"] = ($"/fhir/Patient/{PatientId}", string.Empty, string.Empty),
        ["coverage"] = ("/fhir/Coverage", "status", "active"),
        ["conditions"] = ("/fhir/Condition", "patient", PatientId),
        ["procedures"] = ("/fhir/Procedure", "patient", PatientId),
        ["observations"] = ("/fhir/Observation", "category", "laboratory"),
        ["diseaseStatus"] = ("/fhir/Observation", "code", "http://loinc.org|97509-4"),
        ["documents"] = ("/fhir/DocumentReference", "patient", PatientId),
        ["medicationAdministrations"] = ("/fhir/MedicationAdministration", "patient", PatientId),
        ["medicationRequests"] = ("/fhir/MedicationRequest", "patient", PatientId),
        ["bodyMeasures"] = ("/fhir/Observation", "category", "vital-signs"),
    };

    public static async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(HttpClient client, string serviceId, JsonObject request)
    {
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/cds-services/{serviceId}", content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static async Task<(HttpStatusCode Status, JsonNode? Body)> PostRawAsync(HttpClient client, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Each named chart twice: in prefetch (<c>false</c>), and served by the EHR's FHIR server and queried (<c>true</c>).</summary>
    public static TheoryData<string, bool> BothWays(IEnumerable<string> names)
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in names)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    /// <summary>
    /// Signs the sample that meets criteria with one change, in prefetch or (<paramref name="queried"/>) with
    /// <paramref name="keys"/> moved to the EHR's FHIR server.
    /// </summary>
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SignChartAsync(CdsServiceFactory factory, Action<JsonObject> change, string[] keys, bool queried)
    {
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        change(request);
        if (queried)
        {
            MoveToEhr(request, factory.Ehr, factory.FhirBase, keys);
        }

        return await PostAsync(client, SignService, request);
    }

    /// <summary>Moves prefetch keys of a sample to the EHR: removed from the request, served by WireMock.</summary>
    public static JsonObject MoveToEhr(JsonObject request, WireMockServer ehr, string fhirBase, params string[] keys)
    {
        var prefetch = request["prefetch"]!.AsObject();
        foreach (var key in keys)
        {
            var data = prefetch[key]!.ToJsonString();
            prefetch.Remove(key);
            Serve(ehr, key, data);
        }

        request["fhirServer"] = fhirBase;
        return request;
    }

    public static void Serve(WireMockServer ehr, string key, string body, int status = 200, TimeSpan? delay = null)
    {
        var (path, param, value) = Queries[key];
        var match = Request.Create().WithPath(path).UsingGet();
        if (param.Length > 0)
        {
            match = match.WithParam(param, value);
        }

        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/fhir+json").WithBody(body);
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }

        ehr.Given(match).RespondWith(response);
    }

    /// <summary>
    /// Serves <paramref name="key"/>'s query, but holds each answer until <paramref name="release"/> completes;
    /// <paramref name="reached"/> completes when a query arrives. For a call that must be in progress while the test acts.
    /// </summary>
    public static void ServeHeld(WireMockServer ehr, string key, string body, TaskCompletionSource reached, Task release)
    {
        var (path, param, value) = Queries[key];
        var match = Request.Create().WithPath(path).UsingGet();
        if (param.Length > 0)
        {
            match = match.WithParam(param, value);
        }

        ehr.Given(match).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(async _ =>
        {
            reached.TrySetResult();
            await release;
            return body;
        }));
    }

    public static JsonObject Extension(JsonNode action)
    {
        var extensions = action["resource"]!["extension"]!.AsArray();
        return extensions.Single(e => e!["url"]!.GetValue<string>() == "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information")!.AsObject();
    }

    /// <summary>Every coverage-information repetition on an action's resource (one per Coverage of the payer that applies).</summary>
    public static IReadOnlyList<JsonObject> Extensions(JsonNode action) =>
        [.. action["resource"]!["extension"]!.AsArray().Where(e => e!["url"]!.GetValue<string>() == "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information").Select(e => e!.AsObject())];

    public static IReadOnlyList<JsonNode> Parts(JsonObject extension, string url) =>
        [.. extension["extension"]!.AsArray().Where(p => p!["url"]!.GetValue<string>() == url).Select(p => p!)];

    /// <summary>Every card's detail, one per line: for asserting what a call's cards say, whatever card says it.</summary>
    public static string CardDetails(JsonNode body) =>
        string.Join("\n", body["cards"]!.AsArray().Select(c => c!["detail"]?.GetValue<string>() ?? string.Empty));

    public static string? Code(JsonObject extension, string url) => Parts(extension, url).SingleOrDefault()?["valueCode"]?.GetValue<string>();
}
