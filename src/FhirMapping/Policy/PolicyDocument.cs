using System.Text.Json.Serialization;

namespace Cds.FhirMapping.Policy;

/// <summary>
/// The policy file as written by a clinical reviewer (see <c>Policies/*.json</c>). It is plain data: criteria texts,
/// the combinator of criterion I, thresholds, value sets and text patterns. <see cref="PolicyDefinition"/> compiles it.
/// </summary>
public sealed record PolicyDocument
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string PolicyNumber { get; init; }

    public string? Section { get; init; }
    public required string Insurer { get; init; }
    public required string Effective { get; init; }
    public required ServiceDocument Service { get; init; }
    public string PriorAuthorization { get; init; } = "auth-needed";
    public required ThresholdsDocument Thresholds { get; init; }
    public required RuleDocument Rule { get; init; }
    public required IReadOnlyList<CriterionDocument> Criteria { get; init; }
    public required IReadOnlyList<DocumentationDocument> Documentation { get; init; }
    public required IReadOnlyDictionary<string, ValueSetDocument> ValueSets { get; init; }
    public required IReadOnlyDictionary<string, string> TextPatterns { get; init; }
    public required IReadOnlyList<LineageDocument> Lineages { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Systems { get; init; }

    /// <summary>Orders a card may suggest when a criterion is unknown (e.g. chimerism testing for I.C).</summary>
    public IReadOnlyList<OrderSuggestionDocument> OrderSuggestions { get; init; } = [];

    /// <summary>CDS Hooks 2.0 <c>overrideReasons</c> offered on cards a clinician may proceed past.</summary>
    public OverrideReasonsDocument? OverrideReasons { get; init; }
}

public sealed record ServiceDocument
{
    public required string Display { get; init; }
    public required IReadOnlyList<IncludeDocument> Codes { get; init; }
}

public sealed record ThresholdsDocument
{
    /// <summary>Donor percentage at or above which a lineage is full donor chimerism.</summary>
    public decimal FullDonorChimerismPercent { get; init; } = 95m;

    /// <summary>How long before the transplant a conditioning or graft-processing record still belongs to it.</summary>
    public int ConditioningWindowDaysBeforeHct { get; init; } = 60;

    /// <summary>How long after the transplant a graft-processing record still belongs to it.</summary>
    public int GraftWindowDaysAfterHct { get; init; } = 7;
}

/// <summary>Criterion I: which sub-criteria, combined how ("all" or "any").</summary>
public sealed record RuleDocument
{
    public required string Id { get; init; }
    public required string Combinator { get; init; }
    public required IReadOnlyList<string> Of { get; init; }
}

public sealed record CriterionDocument
{
    public required string Id { get; init; }
    public required string Label { get; init; }
    public required string Text { get; init; }
    public required string Met { get; init; }
    public required string NotMet { get; init; }
    public MissingDocument? Missing { get; init; }
}

public sealed record MissingDocument
{
    public required string What { get; init; }
    public required string How { get; init; }
}

public sealed record DocumentationDocument
{
    public required string Id { get; init; }
    public required string Label { get; init; }
    public string? ValueSet { get; init; }
    public required string How { get; init; }
}

public sealed record ValueSetDocument
{
    public required string Description { get; init; }
    public required IReadOnlyList<IncludeDocument> Include { get; init; }
    public string? ValidFrom { get; init; }
}

/// <summary>Codes of one system: exact codes, prefixes (ICD-10 categories) or regular expressions.</summary>
public sealed record IncludeDocument
{
    public required string System { get; init; }
    public IReadOnlyList<string>? Codes { get; init; }
    public IReadOnlyList<string>? Prefixes { get; init; }
    public IReadOnlyList<string>? Patterns { get; init; }
}

public sealed record LineageDocument
{
    public required string Id { get; init; }
    public required string Pattern { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(PolicyDocument))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
