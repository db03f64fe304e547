using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Cds.Service.Hooks;

/// <summary>CDS Hooks response body: <c>cards</c> is always present, <c>systemActions</c> only when there are some.</summary>
internal sealed record CdsResponse(
    IReadOnlyList<Card> Cards,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CdsAction>? SystemActions = null)
{
    public static readonly CdsResponse Empty = new([]);
}

internal sealed record Card(
    string Uuid,
    string Summary,
    string Indicator,
    CardSource Source,
    string? Detail = null,
    IReadOnlyList<CardLink>? Links = null,
    CardExtension? Extension = null);

internal sealed record CardSource(string Label, CardCoding Topic, string? Url = null);

internal sealed record CardCoding(string System, string Code, string? Display = null);

internal sealed record CardLink(string Label, string Url, string Type)
{
    /// <summary>SMART links only: the context the launched app receives (DTR: questionnaire, order, coverage).</summary>
    public string? AppContext { get; init; }
}

internal sealed record CardExtension(
    [property: JsonPropertyName("davinci-crd.associated-resource")] IReadOnlyList<ResourceReference> AssociatedResource);

internal sealed record ResourceReference(string Reference);

internal sealed record CdsAction(string Type, string Description, JsonObject? Resource = null);

/// <summary>A FHIR OperationOutcome written without the FHIR SDK (which stays in FhirMapping).</summary>
internal sealed record OperationOutcome(IReadOnlyList<OperationOutcomeIssue> Issue)
{
    [JsonPropertyOrder(-1)]
    public string ResourceType { get; } = "OperationOutcome";

    public static OperationOutcome Error(string code, string diagnostics) => new([new OperationOutcomeIssue("error", code, diagnostics)]);
}

internal sealed record OperationOutcomeIssue(string Severity, string Code, string Diagnostics);

internal sealed record FeedbackAccepted(int Accepted);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CdsResponse))]
[JsonSerializable(typeof(OperationOutcome))]
[JsonSerializable(typeof(FeedbackAccepted))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class CdsJsonContext : JsonSerializerContext;

internal static class CdsJson
{
    /// <summary>Limits for reading request bodies: deep nesting is refused before it costs anything.</summary>
    public static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };
}
