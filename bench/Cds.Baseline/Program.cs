// The end-to-end benchmarks' baseline: what this machine can do at all for one hook-sized exchange over loopback.
// Kestrel with the service's hosting defaults (Web SDK: server GC), no middleware: POST /{name} reads the whole body
// and answers the bytes of {responses}/{name}.json, the service's own answer to that request, captured beforehand.
//   Cds.Baseline --urls http://127.0.0.1:5182 --responses DIR
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var directory = app.Configuration["responses"] ?? throw new InvalidOperationException("--responses DIR is required");
var responses = Directory.GetFiles(directory, "*.json")
    .ToDictionary(f => Path.GetFileNameWithoutExtension(f), File.ReadAllBytes, StringComparer.Ordinal);

app.MapPost("/{name}", async (string name, HttpContext context) =>
{
    if (!responses.TryGetValue(name, out var response))
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return;
    }

    // Read every byte of the body, as the service does before it parses it.
    var buffer = new byte[16 * 1024];
    while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
    {
    }

    context.Response.ContentType = "application/json; charset=utf-8";
    context.Response.ContentLength = response.Length;
    await context.Response.Body.WriteAsync(response, context.RequestAborted);
});

app.Run();
