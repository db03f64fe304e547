namespace Cds.Service.Contract;

/// <summary>
/// An error answer: a FHIR OperationOutcome (<c>application/fhir+json</c>) with the status. Every non-2xx answer of
/// the service is written here, so its shape is decided in one place.
/// </summary>
internal static class Problem
{
    public const string ContentType = "application/fhir+json";

    public static IResult Result(int status, string code, string diagnostics) =>
        TypedResults.Json(OperationOutcome.Error(code, diagnostics), ContractJsonContext.Default.OperationOutcome, ContentType, status);
}
