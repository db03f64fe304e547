using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

// The EHR's FHIR server for the no-prefetch benchmarks. Loads every DIR/NAME.json hook request written by Cds.Corpus
// (their prefetch is the patient's record) and answers the searches of cds-services.json and the Patient read for those patients:
// each answer after a fixed delay, and in pages of --page-size entries linked by Bundle.link "next".
//   Cds.FakeEhr --urls http://127.0.0.1:5183 --corpus DIR [--delay-ms 50] [--page-size 250]
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var corpus = app.Configuration["corpus"] ?? throw new InvalidOperationException("--corpus DIR is required");
var delay = TimeSpan.FromMilliseconds(int.Parse(app.Configuration["delay-ms"] ?? "50", CultureInfo.InvariantCulture));
var pageSize = int.Parse(app.Configuration["page-size"] ?? "250", CultureInfo.InvariantCulture);

// patientId -> prefetch key -> the resources of that search.
var records = new Dictionary<string, Dictionary<string, List<JsonNode>>>(StringComparer.Ordinal);
foreach (var file in Directory.GetFiles(corpus, "*.json").Where(f => !f.EndsWith(".noprefetch.json", StringComparison.Ordinal)))
{
    var request = JsonNode.Parse(File.ReadAllBytes(file))!;
    if (request["context"]?["patientId"]?.GetValue<string>() is not { } patientId || request["prefetch"] is not JsonObject prefetch)
    {
        continue;
    }

    records[patientId] = prefetch.ToDictionary(
        p => p.Key,
        p => p.Value?["resourceType"]?.GetValue<string>() == "Bundle"
            ? p.Value["entry"]!.AsArray().Select(e => e!["resource"]!.DeepClone()).ToList()
            : [p.Value!.DeepClone()],
        StringComparer.Ordinal);
}

// Pages are built once and kept: the delay, not JSON writing, is what this server costs.
var pages = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);

app.MapGet("/fhir/{type}", async (string type, HttpContext context) =>
{
    await Task.Delay(delay, context.RequestAborted);
    var query = context.Request.Query;
    var key = type switch
    {
        "Coverage" => "coverage",
        "Condition" => "conditions",
        "Procedure" => "procedures",
        "Observation" when query["category"] == "vital-signs" => "bodyMeasures",
        "Observation" when query.ContainsKey("code") => "diseaseStatus",
        "Observation" => "observations",
        "DocumentReference" => "documents",
        _ => null,
    };
    var patientId = query["patient"].ToString();
    if (key is null || !records.TryGetValue(patientId, out var record) || !record.TryGetValue(key, out var resources))
    {
        return Results.Json(new { resourceType = "Bundle", type = "searchset", total = 0 }, statusCode: StatusCodes.Status200OK, contentType: "application/fhir+json");
    }

    var offset = int.TryParse(query["_offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
    var self = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}";
    var body = pages.GetOrAdd($"{self}{context.Request.QueryString}", _ => Page(self, query, resources, offset));
    return Results.Bytes(body, "application/fhir+json");
});

// The Patient read (prefetch key "patient", Patient/{id}) after the same delay as a search, as a FHIR server answers
// it: the resource, or 404 with an OperationOutcome.
var patients = records.Where(r => r.Value.ContainsKey("patient"))
    .ToDictionary(r => r.Key, r => JsonSerializer.SerializeToUtf8Bytes(r.Value["patient"][0]), StringComparer.Ordinal);
var unknown = JsonSerializer.Serialize(new { resourceType = "OperationOutcome", issue = new[] { new { severity = "error", code = "not-found", diagnostics = "Patient is not known" } } });
app.MapGet("/fhir/Patient/{id}", async (string id, HttpContext context) =>
{
    await Task.Delay(delay, context.RequestAborted);
    return patients.TryGetValue(id, out var patient)
        ? Results.Bytes(patient, "application/fhir+json")
        : Results.Text(unknown, "application/fhir+json", statusCode: StatusCodes.Status404NotFound);
});

app.Run();

byte[] Page(string self, IQueryCollection query, List<JsonNode> resources, int offset)
{
    string Link(int at)
    {
        var parameters = query.Where(q => q.Key != "_offset").ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.Ordinal);
        if (at > 0)
        {
            parameters["_offset"] = at.ToString(CultureInfo.InvariantCulture);
        }

        return QueryHelpers.AddQueryString(self, parameters);
    }

    var links = new JsonArray { new JsonObject { ["relation"] = "self", ["url"] = Link(offset) } };
    if (offset + pageSize < resources.Count)
    {
        links.Add(new JsonObject { ["relation"] = "next", ["url"] = Link(offset + pageSize) });
    }

    var baseUrl = self[..self.LastIndexOf('/')];
    var bundle = new JsonObject
    {
        ["resourceType"] = "Bundle",
        ["type"] = "searchset",
        ["total"] = resources.Count,
        ["link"] = links,
        ["entry"] = new JsonArray([.. resources.Skip(offset).Take(pageSize).Select(r => (JsonNode)new JsonObject
        {
            ["fullUrl"] = $"{baseUrl}/{r["resourceType"]}/{r["id"]}",
            ["resource"] = r.DeepClone(),
            ["search"] = new JsonObject { ["mode"] = "match" },
        })]),
    };
    return JsonSerializer.SerializeToUtf8Bytes(bundle);
}
