namespace Cds.FhirMapping.Facts;

/// <summary>
/// One piece of evidence: which resource said what. <see cref="Code"/> is the coding that matched (or null when text
/// matched), <see cref="Value"/> a short human-readable value (a status, a percentage, the matched phrase).
/// </summary>
public sealed record Evidence(
    string ResourceType,
    string? Id,
    string? System,
    string? Code,
    string? Display,
    DateOnly? Date,
    string? Value)
{
    /// <summary>A relative reference such as <c>Condition/123</c>.</summary>
    public string Reference => Id is null ? ResourceType : $"{ResourceType}/{Id}";
}
