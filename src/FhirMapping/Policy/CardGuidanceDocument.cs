namespace Cds.FhirMapping.Policy;

/// <summary>
/// An order a card may propose when <see cref="Criterion"/> is unknown: a draft ServiceRequest for
/// <see cref="Code"/> in <see cref="System"/> (a policy file alias such as <c>cpt</c>).
/// </summary>
public sealed record OrderSuggestionDocument
{
    public required string Criterion { get; init; }
    public required string Label { get; init; }
    public required string System { get; init; }
    public required string Code { get; init; }
    public required string Display { get; init; }
    public string? Category { get; init; }
}

/// <summary>The override reasons (CDS Hooks 2.0 <c>Card.overrideReasons</c>): a code system and its codes, each with a display.</summary>
public sealed record OverrideReasonsDocument
{
    public required string System { get; init; }
    public required IReadOnlyList<OverrideReasonDocument> Reasons { get; init; }
}

public sealed record OverrideReasonDocument
{
    public required string Code { get; init; }
    public required string Display { get; init; }
}
