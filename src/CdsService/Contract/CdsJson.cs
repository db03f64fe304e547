using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Cds.Service.Contract;

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
    CardExtension? Extension = null,
    IReadOnlyList<Suggestion>? Suggestions = null,
    string? SelectionBehavior = null,
    IReadOnlyList<CardCoding>? OverrideReasons = null)
{
    /// <summary>A summary as CDS Hooks allows it: under 140 characters, cut with an ellipsis when longer.</summary>
    public static string FitSummary(string text) => text.Length < 140 ? text : string.Concat(text.AsSpan(0, 138), "…");
}

/// <summary>A CDS Hooks suggestion: a labelled set of actions the clinician can accept with one click.</summary>
internal sealed record Suggestion(string Label, string Uuid, IReadOnlyList<CdsAction> Actions, bool? IsRecommended = null);

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

internal sealed record FeedbackAccepted(int Accepted);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CdsResponse))]
[JsonSerializable(typeof(FeedbackAccepted))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class CdsJsonContext : JsonSerializerContext;
