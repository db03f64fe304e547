using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

// Measures the hook deadlines against a running service (bench/deadline-load.sh starts one):
//   slow-clients: 8 clients send the first bytes of a body and then 1 byte every 500 ms, while valid calls (prefetch
//                 complete) are made 4 at a time for --slow-seconds; every valid call must be answered within the
//                 budget + 10 %, and the slow ones are cut off by the server (408 or a closed connection).
//   slow-ehr:     an in-process EHR FHIR server answers every search after 1 s; 32 calls at once must each query it.
//                 Each call is answered (200) or refused fast (503 Retry-After) within the budget + 10 %.
//   Cds.DeadlineLoad --service http://127.0.0.1:5191 --ehr-port 5192 --sample samples/order-sign-meets-criteria.json
//                    [--budget-ms 5000] [--slow-seconds 8] [--rounds 3]
var options = Args(args);
var service = new Uri(options.GetValueOrDefault("service") ?? throw new ArgumentException("--service URL is required"));
var sample = JsonNode.Parse(File.ReadAllText(options.GetValueOrDefault("sample") ?? throw new ArgumentException("--sample FILE is required")))!.AsObject();
var ehrPort = int.Parse(options.GetValueOrDefault("ehr-port") ?? "5192", CultureInfo.InvariantCulture);
var budget = TimeSpan.FromMilliseconds(int.Parse(options.GetValueOrDefault("budget-ms") ?? "5000", CultureInfo.InvariantCulture));
var slowFor = TimeSpan.FromSeconds(int.Parse(options.GetValueOrDefault("slow-seconds") ?? "8", CultureInfo.InvariantCulture));
var rounds = int.Parse(options.GetValueOrDefault("rounds") ?? "3", CultureInfo.InvariantCulture);
var limit = budget * 1.1;
var hookUrl = new Uri(service, "cds-services/dli-coverage-order-sign");

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(60) };
var passed = true;

// Warm-up: the first call pays for JIT and the policy load.
await PostAsync(http, hookUrl, Request(sample, null));

// --- slow-clients -------------------------------------------------------------------------------------------
using (var stop = new CancellationTokenSource())
{
    var slowBody = Encoding.UTF8.GetBytes(Request(sample, null).ToJsonString());
    var slow = Enumerable.Range(0, 8).Select(_ => SlowClientAsync(http, hookUrl, slowBody, stop.Token)).ToList();
    await Task.Delay(500);
    var results = new List<(HttpStatusCode Status, TimeSpan Elapsed)>();
    var until = Stopwatch.GetTimestamp() + (long)(slowFor.TotalSeconds * Stopwatch.Frequency);
    await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
    {
        while (Stopwatch.GetTimestamp() < until)
        {
            var result = await PostAsync(http, hookUrl, Request(sample, null));
            lock (results)
            {
                results.Add(result);
            }
        }
    }));
    await stop.CancelAsync();
    var slowResults = await Task.WhenAll(slow);
    passed &= Report($"slow-clients: 8 slow bodies + valid calls (4 at a time for {slowFor.TotalSeconds:0} s)", results, limit, budget);
    Console.WriteLine($"  slow clients ended: {string.Join(", ", slowResults.GroupBy(r => r).Select(g => $"{g.Key} x{g.Count()}"))}");
}

// --- slow-ehr -----------------------------------------------------------------------------------------------
var ehr = SlowEhr.Start(ehrPort, sample, TimeSpan.FromSeconds(1));
try
{
    var fhirServer = $"http://127.0.0.1:{ehrPort}/fhir";
    var all = new List<(HttpStatusCode Status, TimeSpan Elapsed)>();
    for (var round = 0; round < rounds; round++)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => PostAsync(http, hookUrl, Request(sample, fhirServer))));
        all.AddRange(answers);
        await Task.Delay(1500); // let Retry-After pass between rounds
    }

    passed &= Report($"slow-ehr: EHR answers in 1 s, 32 concurrent calls x {rounds} rounds", all, limit, budget);
    Console.WriteLine($"  EHR searches served: {ehr.Served}");
}
finally
{
    await ehr.App.StopAsync();
    await ehr.App.DisposeAsync();
}

Console.WriteLine(passed ? "PASS: no call past budget + 10 %" : "FAIL: a call took longer than budget + 10 %");
return passed ? 0 : 1;

static bool Report(string name, List<(HttpStatusCode Status, TimeSpan Elapsed)> results, TimeSpan limit, TimeSpan budget)
{
    var ms = results.Select(r => r.Elapsed.TotalMilliseconds).Order().ToList();
    double P(double q) => ms.Count == 0 ? double.NaN : ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
    var byStatus = string.Join(", ", results.GroupBy(r => (int)r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()} (max {g.Max(r => r.Elapsed.TotalMilliseconds):0} ms)"));
    var ok = ms.Count > 0 && ms[^1] <= limit.TotalMilliseconds && results.All(r => r.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable);
    Console.WriteLine($"{name}");
    Console.WriteLine($"  calls {results.Count}: {byStatus}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  latency p50 {P(0.5):0} ms, p99 {P(0.99):0} ms, max {ms.LastOrDefault():0} ms; budget {budget.TotalMilliseconds:0} ms, budget + 10 % = {limit.TotalMilliseconds:0} ms: {(ok ? "within" : "EXCEEDED or unexpected status")}"));
    return ok;
}

static async Task<(HttpStatusCode Status, TimeSpan Elapsed)> PostAsync(HttpClient http, Uri url, JsonObject request)
{
    var started = Stopwatch.GetTimestamp();
    using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
    using var response = await http.PostAsync(url, content);
    await response.Content.ReadAsByteArrayAsync();
    return (response.StatusCode, Stopwatch.GetElapsedTime(started));
}

// Sends 64 bytes, then one byte every 500 ms, until the server gives up on it or the run ends.
static async Task<string> SlowClientAsync(HttpClient http, Uri url, byte[] body, CancellationToken stop)
{
    try
    {
        using var content = new SlowContent(body, stop);
        using var response = await http.PostAsync(url, content, stop);
        return $"HTTP {(int)response.StatusCode}";
    }
    catch (OperationCanceledException)
    {
        return "still sending at the end";
    }
    catch (HttpRequestException e)
    {
        return $"connection closed by the server ({e.HttpRequestError})";
    }
}

static JsonObject Request(JsonObject sample, string? fhirServer)
{
    var request = sample.DeepClone().AsObject();
    request["hookInstance"] = Guid.NewGuid().ToString();
    if (fhirServer is not null)
    {
        // Every key but patient must be queried from the (slow) EHR.
        var prefetch = request["prefetch"]!.AsObject();
        foreach (var key in prefetch.Select(p => p.Key).Where(k => k != "patient").ToList())
        {
            prefetch.Remove(key);
        }

        request["fhirServer"] = fhirServer;
    }
    else
    {
        request.Remove("fhirServer");
        request.Remove("fhirAuthorization");
    }

    return request;
}

static Dictionary<string, string> Args(string[] args)
{
    var map = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        map[args[i].TrimStart('-')] = args[i + 1];
    }

    return map;
}

/// <summary>A body that arrives one byte every 500 ms after its first 64 bytes.</summary>
internal sealed class SlowContent(byte[] body, CancellationToken stop) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(body.AsMemory(0, 64), stop);
        await stream.FlushAsync(stop);
        for (var i = 64; i < body.Length; i++)
        {
            await Task.Delay(500, stop);
            await stream.WriteAsync(body.AsMemory(i, 1), stop);
            await stream.FlushAsync(stop);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }
}

/// <summary>An EHR FHIR server on loopback that answers each search of cds-services.json after a fixed delay.</summary>
internal sealed class SlowEhr
{
    private int _served;

    private SlowEhr(WebApplication app) => App = app;

    public WebApplication App { get; }

    public int Served => _served;

    public static SlowEhr Start(int port, JsonObject sample, TimeSpan delay)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var ehr = new SlowEhr(app);
        var prefetch = sample["prefetch"]!.AsObject();
        var bodies = prefetch.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value!.ToJsonString()), StringComparer.Ordinal);
        app.MapGet("/fhir/{type}", async (string type, HttpContext context) =>
        {
            await Task.Delay(delay, context.RequestAborted);
            Interlocked.Increment(ref ehr._served);
            var key = type switch
            {
                "Coverage" => "coverage",
                "Condition" => "conditions",
                "Procedure" => "procedures",
                "DocumentReference" => "documents",
                "Observation" when context.Request.Query["code"].ToString().Contains("97509-4", StringComparison.Ordinal) => "diseaseStatus",
                "Observation" => "observations",
                _ => null,
            };
            if (key is null || !bodies.TryGetValue(key, out var body))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "application/fhir+json";
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        });
        app.StartAsync().GetAwaiter().GetResult();
        return ehr;
    }
}
