using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Dtr;
using Cds.Service.Hooks;
using Cds.Service.Ledger;
using Cds.Service.Policy;
using Cds.Service.Security;
using Microsoft.Extensions.Options;

namespace Cds.Service.Dtr;

/// <summary>
/// The DTR surface (Da Vinci DTR 2.0.1, payer side): <c>GET /fhir/Questionnaire/{id}</c>,
/// <c>POST /fhir/Questionnaire/$questionnaire-package</c>, and <c>POST /cds-services/{id}/questionnaire-response</c>
/// (the hook request again, with the completed answers: it returns a new coverage assertion that the ledger links to
/// the earlier one). The same trust as the hooks: a JWT of a trusted CDS client (<see cref="CdsSecurityExtensions.ClientPolicy"/>)
/// and the same CORS policy.
/// </summary>
internal static class DtrEndpoints
{
    private const string FhirJson = "application/fhir+json";

    public static WebApplicationBuilder AddDtr(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DtrOptions>().BindConfiguration(DtrOptions.SectionName);
        return builder;
    }

    public static IEndpointRouteBuilder MapDtr(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir")
            .WithTags("DTR")
            .RequireAuthorization(CdsSecurityExtensions.ClientPolicy)
            .RequireCors(CdsSecurityExtensions.CorsPolicy);
        fhir.MapGet("/Questionnaire/{id}", GetQuestionnaire);
        fhir.MapPost("/Questionnaire/$questionnaire-package", PostPackageAsync);
        app.MapGroup("/cds-services")
            .WithTags("DTR")
            .RequireAuthorization(CdsSecurityExtensions.ClientPolicy)
            .RequireCors(CdsSecurityExtensions.CorsPolicy)
            .MapPost("/{id}/questionnaire-response", PostAnswersAsync);
        return app;
    }

    private static IResult GetQuestionnaire(string id, HttpRequest request, CoverageEngine engine) =>
        id == DtrItems.QuestionnaireId(engine.Policy.Id)
            ? Fhir(QuestionnaireGenerator.Generate(engine.Policy, FhirBase(request)))
            : Problem(StatusCodes.Status404NotFound, "not-found", $"There is no Questionnaire '{id}'; this service has '{DtrItems.QuestionnaireId(engine.Policy.Id)}'.");

    private static async Task<IResult> PostPackageAsync(HttpRequest request, CoverageEngine engine, IOptions<SecurityOptions> security, CancellationToken cancellationToken)
    {
        var (document, problem) = await ReadAsync(request, security.Value.MaxRequestBodyBytes, cancellationToken);
        if (document is null)
        {
            return problem!;
        }

        using (document)
        {
            if (QuestionnairePackage.Parse(document.RootElement, out var error) is not { } input)
            {
                return Problem(StatusCodes.Status400BadRequest, "invalid", error!);
            }

            return QuestionnairePackage.Answer(engine.Policy, engine.Extractor, FhirBase(request), input) is { } output
                ? Fhir(output)
                : Problem(StatusCodes.Status422UnprocessableEntity, "not-found", $"No questionnaire of this service applies: none of the orders is a {engine.ServiceLabel} order, and no questionnaire of this service was named.");
        }
    }

    private static async Task<IResult> PostAnswersAsync(string id, HttpRequest request, HookHandler handler, LedgerRecorder ledger, HookGate gate, CoverageEngine engine, IOptions<SecurityOptions> security, CancellationToken cancellationToken)
    {
        var (document, problem) = await ReadAsync(request, security.Value.MaxRequestBodyBytes, cancellationToken);
        if (document is null)
        {
            return problem!;
        }

        using (document)
        {
            if (!DtrAnswers.HasCompletedAnswers(document.RootElement, DtrItems.QuestionnaireId(engine.Policy.Id)))
            {
                return Problem(StatusCodes.Status422UnprocessableEntity, "required", $"prefetch.{DtrAnswers.PrefetchKey} must hold a completed QuestionnaireResponse to Questionnaire/{DtrItems.QuestionnaireId(engine.Policy.Id)} (or a Bundle with one).");
            }

            // Answered like the hook itself, and on record in the ledger like it.
            using var slot = await gate.EnterAsync(cancellationToken);
            var entry = ledger.Begin(id, request.HttpContext.User);
            IResult result;
            try
            {
                entry.Stage("read");
                result = await handler.HandleAsync(id, document.RootElement, new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/"), request.HttpContext.User, entry, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                await ledger.RecordFailureAsync(entry, e);
                throw;
            }

            return await ledger.RecordAsync(entry, result, cancellationToken);
        }
    }

    private static async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (mediaType is not ("application/json" or FhirJson))
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "not-supported", "The body must be JSON (Content-Type application/fhir+json or application/json)."));
        }

        if (request.ContentLength > limit)
        {
            return (null, Problem(StatusCodes.Status413PayloadTooLarge, "too-costly", $"The request body is larger than {limit} bytes."));
        }

        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return (null, Problem(StatusCodes.Status413PayloadTooLarge, "too-costly", $"The request body is larger than {limit} bytes."));
                }

                buffer.Write(chunk, 0, read);
            }

            return (JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), CdsJson.ReadOptions), null);
        }
        catch (JsonException e)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "invalid", $"The request body is not valid JSON: {e.Message}"));
        }
        catch (BadHttpRequestException e)
        {
            return (null, Problem(e.StatusCode, "too-costly", "The request body could not be read."));
        }
    }

    // The service's FHIR base, as the client called it: the questionnaire's canonical is under it.
    private static Uri FhirBase(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/fhir/");

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<JsonObject> Fhir(JsonObject resource) => TypedResults.Json(resource, CdsJsonContext.Default.JsonObject, FhirJson);

    private static IResult Problem(int status, string code, string diagnostics) => HookHandler.Problem(status, code, diagnostics);
}
