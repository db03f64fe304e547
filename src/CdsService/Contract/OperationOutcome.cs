using System.Text.Json.Serialization;

namespace Cds.Service.Contract;

/// <summary>A FHIR OperationOutcome written without the FHIR SDK (which stays in FhirMapping).</summary>
internal sealed record OperationOutcome(IReadOnlyList<OperationOutcomeIssue> Issue)
{
    [JsonPropertyOrder(-1)]
    public string ResourceType { get; } = "OperationOutcome";

    public static OperationOutcome Error(string code, string diagnostics) => new([new OperationOutcomeIssue("error", code, diagnostics)]);
}

internal sealed record OperationOutcomeIssue(string Severity, string Code, string Diagnostics);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OperationOutcome))]
internal sealed partial class ContractJsonContext : JsonSerializerContext;
