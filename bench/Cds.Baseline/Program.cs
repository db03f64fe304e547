using System.Text.Json;
using System.Text.Unicode;

// The end-to-end benchmarks' baseline: what this machine can do at all for one hook-sized exchange over loopback.
// Kestrel with the service's hosting defaults (Web SDK: server GC), no middleware: POST /{name} reads the whole body
// and answers the bytes of {responses}/{name}.json, the service's own answer to that request, captured beforehand.
// With --parse true it also reads the request once the way the service must before it can answer anything: the body
// into one buffer, checked as UTF-8 and parsed as strict JSON (JsonDocument, depth 64, duplicate keys refused), which
// is the floor of the "nothing should cost more than reading the request once".
//   Cds.Baseline --urls http://127.0.0.1:5182 --responses DIR [--parse true]
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var directory = app.Configuration["responses"] ?? throw new InvalidOperationException("--responses DIR is required");
var parse = app.Configuration.GetValue<bool>("parse");
var responses = Directory.GetFiles(directory, "*.json")
    .ToDictionary(f => Path.GetFileNameWithoutExtension(f), File.ReadAllBytes, StringComparer.Ordinal);
var strict = new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false };

app.MapPost("/{name}", async (string name, HttpContext context) =>
{
    if (!responses.TryGetValue(name, out var response))
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return;
    }

    if (parse)
    {
        // One buffer sized by Content-Length (as the service reads it), then the checks the service makes.
        var body = new byte[context.Request.ContentLength ?? 0];
        var read = 0;
        int n;
        while (read < body.Length && (n = await context.Request.Body.ReadAsync(body.AsMemory(read), context.RequestAborted)) > 0)
        {
            read += n;
        }

        if (read != body.Length || !Utf8.IsValid(body))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var document = JsonDocument.Parse(body, strict);
    }
    else
    {
        // Read every byte of the body, as the service does before it parses it.
        var buffer = new byte[16 * 1024];
        while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
        {
        }
    }

    context.Response.ContentType = "application/json; charset=utf-8";
    context.Response.ContentLength = response.Length;
    await context.Response.Body.WriteAsync(response, context.RequestAborted);
});

app.Run();
