using System.Reflection;
using System.Text.Json.Nodes;
using Cds.Service.Discovery;
using Cds.Service.Sandbox;
using Cds.Service.Security;
using Microsoft.Extensions.Options;

// In the hosting namespace, beside the service's other Map* extensions, so Program.cs needs no extra using.
namespace Cds.Service.Hosting;

/// <summary>
/// The built-in sandbox: a page on <c>GET /</c> that picks a sample patient and a DLI order, sends the hook to this
/// service like an EHR, and renders the cards, the coverage-information extension and the raw exchange. No build step,
/// no framework: three embedded files and a few JSON endpoints under <c>/sandbox/</c>. The page's hook calls go to
/// the real CDS Hooks endpoints, so they need a JWT unless <c>Cds:Security:DevelopmentMode</c> is on.
/// </summary>
internal static partial class SandboxEndpoints
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["sandbox.js"] = "text/javascript; charset=utf-8",
        ["sandbox.css"] = "text/css; charset=utf-8",
        ["dtr.js"] = "text/javascript; charset=utf-8",
    };

    public static WebApplication MapSandbox(this WebApplication app)
    {
        var options = app.Configuration.GetSection(SandboxOptions.SectionName).Get<SandboxOptions>() ?? new SandboxOptions();
        if (!options.IsEnabled(app.Environment))
        {
            return app;
        }

        var assembly = typeof(SandboxEndpoints).Assembly;
        var library = SampleLibrary.Load(assembly);
        var page = ReadAsset(assembly, "index.html");
        var assets = Assets.ToDictionary(a => a.Key, a => (Content: ReadAsset(assembly, a.Key), Type: a.Value), StringComparer.Ordinal);
        var developmentMode = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.DevelopmentMode;
        Log.Enabled(app.Logger, developmentMode ? "accepted without a JWT (development mode)" : "refused without a JWT from a trusted client");

        app.MapGet("/", (HttpContext context) => Page(context, page, "text/html; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();

        var group = app.MapGroup("/sandbox").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/{asset}", (string asset, HttpContext context) =>
            assets.TryGetValue(asset, out var file) ? Page(context, file.Content, file.Type) : Results.NotFound());

        group.MapGet("/api/catalog", (DiscoveryDocument discovery) =>
        {
            var catalog = new JsonObject
            {
                ["developmentMode"] = developmentMode,
                ["patients"] = new JsonArray([.. library.Patients.Select(p => (JsonNode)new JsonObject
                {
                    ["id"] = p.Id,
                    ["name"] = p.Name,
                    ["title"] = p.Title,
                    ["story"] = p.Story,
                    ["file"] = p.File,
                    ["expected"] = p.Expected.DeepClone(),
                })]),
                ["orders"] = new JsonArray([.. library.Orders.Select(o => (JsonNode)new JsonObject { ["id"] = o.Id, ["label"] = o.Label })]),
                ["requests"] = new JsonArray([.. library.Requests.Keys.Select(k => (JsonNode)JsonValue.Create(k))]),
                ["services"] = new JsonArray([.. discovery.Services.Select(s => (JsonNode)new JsonObject { ["id"] = s.Id, ["hook"] = s.Hook })]),
            };
            return Json(catalog.ToJsonString(), "application/json");
        });

        // A hook request for a sample patient and order; the page shows it, lets it be edited, and posts it.
        group.MapGet("/api/requests", (string? patient, string? order, string? hook, string? fhirServer, DiscoveryDocument discovery, TimeProvider time) =>
        {
            if (library.Patient(patient ?? string.Empty) is not { } samplePatient)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"There is no sample patient '{patient}'.");
            }

            if (library.Order(order ?? string.Empty) is not { } sampleOrder)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"There is no sample order '{order}'.");
            }

            var name = string.IsNullOrEmpty(hook) ? "order-sign" : hook;
            if (discovery.Services.FirstOrDefault(s => s.Hook == name) is not { } service)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No service of this CDS service answers the '{name}' hook.");
            }

            Uri? server = null;
            if (!string.IsNullOrWhiteSpace(fhirServer)
                && (!Uri.TryCreate(fhirServer, UriKind.Absolute, out server) || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp)))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "fhirServer must be an absolute http(s) URL.");
            }

            var request = SampleLibrary.BuildRequest(samplePatient, sampleOrder, service, time.GetUtcNow(), server);
            return Json(request.ToJsonString(), "application/json");
        });

        group.MapGet("/api/requests/{file}", (string file) =>
            library.Requests.TryGetValue(file, out var json) ? Json(json, "application/json") : Results.NotFound());

        // The transaction Bundle, to load the patient into a FHIR server.
        group.MapGet("/api/patients/{id}", (string id) =>
            library.Patient(id) is { } p ? Json(p.BundleJson, "application/fhir+json") : Results.NotFound());

        return app;
    }

    private static IResult Page(HttpContext context, string content, string type)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return Results.Content(content, type);
    }

    private static IResult Json(string json, string type) => Results.Content(json, type);

    private static string ReadAsset(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream("sandbox/" + name)
            ?? throw new InvalidOperationException($"The sandbox file '{name}' is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Sandbox page served on / with the sample patients; its hook calls are {Mode}")]
        public static partial void Enabled(ILogger logger, string mode);
    }
}
