using System.Text.Json.Serialization;
using Cds.FhirMapping.Text;

namespace Cds.FhirMapping.Policy;

/// <summary>
/// The policy file as written by a clinical reviewer (see <c>Policies/*.json</c>). It is plain data: criteria texts,
/// the combinator of criterion I, thresholds, value sets and text patterns. <see cref="PolicyDefinition"/> compiles it.
/// </summary>
public sealed record PolicyDocument
{
    /// <summary>The JSON Schema the file declares (<c>policy.schema.json</c> beside it); informative only.</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string PolicyNumber { get; init; }

    public string? Section { get; init; }
    public required string Insurer { get; init; }
    public required string Effective { get; init; }

    // Revision keys (the host records them on every decision): the revision's name, and when the policy is next due
    // for review ("yyyy-MM" or "yyyy-MM-dd"; past it, the service warns at start-up).
    public required string Version { get; init; }
    public string? NextReview { get; init; }

    public required ServiceDocument Service { get; init; }
    public string PriorAuthorization { get; init; } = "auth-needed";

    /// <summary>DLI module: the chimerism and transplant-window thresholds (required by <c>"module": "dli"</c>).</summary>
    public ThresholdsDocument? Thresholds { get; init; }
    public required IReadOnlyList<CriterionDocument> Criteria { get; init; }
    public required IReadOnlyList<DocumentationDocument> Documentation { get; init; }
    public required IReadOnlyDictionary<string, ValueSetDocument> ValueSets { get; init; }

    /// <summary>Named text patterns a module's readers look up (the DLI module requires exactly <see cref="PolicyNames.Patterns"/>).</summary>
    public IReadOnlyDictionary<string, string>? TextPatterns { get; init; }

    /// <summary>DLI module: cell lineages of chimerism results, recognised by a pattern.</summary>
    public IReadOnlyList<LineageDocument>? Lineages { get; init; }

    /// <summary>DLI module: specimen kinds of chimerism results (each its own series), recognised by a pattern on the specimen's words.</summary>
    public IReadOnlyList<LineageDocument>? Specimens { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Systems { get; init; }

    /// <summary>The lexicon of the context-aware text reader (<see cref="Text.TextEvidence"/>); required by the DLI module, whose readers read text.</summary>
    public TextContextDocument? TextContext { get; init; }

    /// <summary>Orders a card may suggest when a criterion is unknown (e.g. chimerism testing for I.C).</summary>
    public IReadOnlyList<OrderSuggestionDocument> OrderSuggestions { get; init; } = [];

    /// <summary>CDS Hooks 2.0 <c>overrideReasons</c> offered on cards a clinician may proceed past.</summary>
    public OverrideReasonsDocument? OverrideReasons { get; init; }

    /// <summary>DLI module: conditioning intensity from doses and radiation, and graft manipulation (criterion I.B).</summary>
    public ConditioningDocument? Conditioning { get; init; }

    // ---- Policy seam (issue 15): the module that reads the file, and the declared decision (DecisionDocument.cs). ----

    /// <summary>Which module reads and decides the file: <c>dli</c> (Modules/Dli) or <c>generic</c> (no C# of its own).</summary>
    public required string Module { get; init; }

    /// <summary>The criteria tree, its combinators and the ordered outcome rules, evaluated generically.</summary>
    public required DecisionDocument Decision { get; init; }
}

public sealed record ServiceDocument
{
    public required string Display { get; init; }
    public required IReadOnlyList<IncludeDocument> Codes { get; init; }

    /// <summary>How cards and logs name the service in a few words (e.g. "DLI"); the display when absent.</summary>
    public string? ShortName { get; init; }
}

/// <summary>Every threshold is required: a deleted one must stop the service, never fall back to a default or 0.</summary>
public sealed record ThresholdsDocument
{
    /// <summary>Donor percentage at or above which a lineage is full donor chimerism.</summary>
    public required decimal FullDonorChimerismPercent { get; init; }

    /// <summary>How long before the transplant a conditioning or graft-processing record still belongs to it.</summary>
    public required int ConditioningWindowDaysBeforeHct { get; init; }

    /// <summary>How long after the transplant a graft-processing record still belongs to it.</summary>
    public required int GraftWindowDaysAfterHct { get; init; }

    /// <summary>A record dated wholly before 1 January of this year cannot be true (<see cref="Evaluation.PlausibleDates"/>).</summary>
    public required int EarliestPlausibleYear { get; init; }

    /// <summary>A record dated more than this many days after the evaluation day cannot be true (<see cref="Evaluation.PlausibleDates"/>).</summary>
    public required int FutureToleranceDays { get; init; }
}

public sealed record CriterionDocument
{
    public required string Id { get; init; }
    public required string Label { get; init; }
    public required string Text { get; init; }
    public required string Met { get; init; }
    public required string NotMet { get; init; }
    public MissingDocument? Missing { get; init; }

    /// <summary>The FHIR resource types this criterion reads: a gap in any of them keeps it from being decided against the patient.</summary>
    public IReadOnlyList<string> Reads { get; init; } = [];

    /// <summary>Policy seam: the summary of a combinator criterion that is neither met nor not met (e.g. "Depends on criterion I").</summary>
    public string? Undecided { get; init; }
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

    /// <summary>Policy seam: the documentation check that finds it on record (see <c>DocumentationChecks</c>).</summary>
    public required string SatisfiedBy { get; init; }
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

// Strict: an unknown or duplicated key, a missing required key or a null where the type has none stops loading.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(PolicyDocument))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
