using System.Text.Json.Nodes;
using Cds.FhirMapping.Dtr;
using Cds.Service.Contract;
using Cds.Service.Dtr;
using Cds.Service.Policy;
using Cds.Service.Security;
using Microsoft.Extensions.Options;

namespace Cds.Service.Hooks;

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

    private static IResult GetQuestionnaire(string id, HttpRequest request, PolicyLibrary library)
    {
        var policies = library.Current;
        return policies.Policies.FirstOrDefault(p => id == DtrItems.QuestionnaireId(p.Policy.Id)) is { } engine
            ? Fhir(QuestionnaireGenerator.Generate(engine.Policy, FhirBase(request)))
            : Problem(StatusCodes.Status404NotFound, "not-found", $"There is no Questionnaire '{LogText.Safe(id, 100)}'; this service has {string.Join(", ", policies.Policies.Select(p => $"'{DtrItems.QuestionnaireId(p.Policy.Id)}'"))}.");
    }

    private static async Task<IResult> PostPackageAsync(HttpRequest request, PolicyLibrary library, IOptions<SecurityOptions> security, IOptions<DeadlineOptions> deadlines, CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonBody.ReadAsync(request, security.Value.MaxRequestBodyBytes, deadlines.Value.BodyRead, cancellationToken, fhir: true);
        if (document is null)
        {
            return Problem(problem!.Status, problem.Code, problem.Diagnostics);
        }

        using (document)
        {
            if (QuestionnairePackage.Parse(document.RootElement, out var error) is not { } input)
            {
                return Problem(StatusCodes.Status400BadRequest, "invalid", error!);
            }

            // The first policy whose questionnaire applies (named, or one of the orders is the policy's).
            var policies = library.Current;
            foreach (var engine in policies.Policies)
            {
                if (QuestionnairePackage.Answer(engine.Policy, engine.Extractor, FhirBase(request), input) is { } output)
                {
                    return Fhir(output);
                }
            }

            return Problem(StatusCodes.Status422UnprocessableEntity, "not-found", $"No questionnaire of this service applies: none of the orders is a {string.Join(" or ", policies.Policies.Select(p => p.ServiceLabel))} order, and no questionnaire of this service was named.");
        }
    }

    // The hook request again, with the completed answers in prefetch: answered and put on the ledger exactly like the
    // hook (the same body checks, slot, deadline and outcome mapping), after checking that the answers are there.
    private static Task<IResult> PostAnswersAsync(string id, HttpRequest request, [AsParameters] HookPipeline pipeline, PolicyLibrary library, CancellationToken cancellationToken)
    {
        var policies = library.Current.Policies;
        return CdsHooksEndpoints.AnswerAsync(
            id,
            request,
            body => policies.Any(p => DtrAnswers.HasCompletedAnswers(body, p.Policy.Id))
                ? null
                : new BodyProblem(StatusCodes.Status422UnprocessableEntity, "required", $"prefetch.{DtrAnswers.PrefetchKey} must hold a completed QuestionnaireResponse to {string.Join(" or ", policies.Select(p => $"Questionnaire/{DtrItems.QuestionnaireId(p.Policy.Id)}"))} (or a Bundle with one)."),
            pipeline,
            cancellationToken);
    }

    // The service's FHIR base, as the client called it: the questionnaire's canonical is under it.
    private static Uri FhirBase(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/fhir/");

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<JsonObject> Fhir(JsonObject resource) => TypedResults.Json(resource, CdsJsonContext.Default.JsonObject, FhirJson);

    private static IResult Problem(int status, string code, string diagnostics) => Contract.Problem.Result(status, code, diagnostics);
}
