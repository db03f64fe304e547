using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Text;

namespace Cds.FhirMapping.Policy;

/// <summary>
/// A policy file compiled for evaluation: value sets, text patterns and criteria texts, looked up by name.
/// Load it once (it is immutable and thread-safe) and share it.
/// </summary>
public sealed class PolicyDefinition
{
    /// <summary>The embedded Medical Policy 45.03 file.</summary>
    public const string DefaultPolicyResource = "Policies.dli-45.03.json";

    private readonly FrozenDictionary<string, ValueSet> _valueSets;
    private readonly FrozenDictionary<string, Regex> _patterns;
    private readonly FrozenDictionary<string, CriterionDocument> _criteria;
    private readonly ConditioningTerms? _conditioning;
    private readonly TextEvidence? _text;

    // Only a validated document is compiled (Engine.PolicyFiles: a policy file with a typo fails at start-up, not on the
    // first patient).
    private PolicyDefinition(PolicyDocument document)
    {
        Document = document;
        var systems = new CodeSystems(document.Systems);
        _valueSets = document.ValueSets.ToFrozenDictionary(kv => kv.Key, kv => new ValueSet(kv.Key, kv.Value, systems), StringComparer.Ordinal);
        _patterns = (document.TextPatterns ?? new Dictionary<string, string>()).ToFrozenDictionary(kv => kv.Key, kv => CompilePattern(kv.Value), StringComparer.Ordinal);
        _criteria = document.Criteria.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
        Service = new ValueSet("service", new ValueSetDocument { Description = document.Service.Display, Include = document.Service.Codes }, systems);
        Lineages = (document.Lineages ?? []).Select(l => (l.Id, CompilePattern(l.Pattern))).ToArray();
        Specimens = (document.Specimens ?? []).Select(l => (l.Id, CompilePattern(l.Pattern))).ToArray();
        BillingCodes = document.Service.Codes
            .SelectMany(include => (include.Codes ?? []).Select(code => (systems.CanonicalUri(include.System), code)))
            .ToArray();
        EffectiveDate = DateOnly.Parse(document.Effective, CultureInfo.InvariantCulture);
        ReviewDue = document.NextReview is { } review ? PolicyFileValidator.ReviewDue(review) : null;
        _text = document.TextContext is { } context ? TextEvidence.From(context) : null;
        _conditioning = document.Conditioning is { } conditioning ? new ConditioningTerms(conditioning, systems, CompilePattern) : null;
        Rule = MainRule(document.Decision);
    }

    public PolicyDocument Document { get; }

    public string Id => Document.Id;

    public string Title => Document.Title;

    public string Insurer => Document.Insurer;

    public DateOnly EffectiveDate { get; }

    /// <summary>The revision's name (the file's <c>version</c>).</summary>
    public string Version => Document.Version;

    /// <summary>The last day of the next review (<c>nextReview</c>; a month means its last day); null when none is set.</summary>
    public DateOnly? ReviewDue { get; }

    /// <summary>How cards and logs name the service in a few words (<c>service.shortName</c>, else its display).</summary>
    public string ServiceName => Document.Service.ShortName ?? Document.Service.Display;

    /// <summary>The codes that make a request an order for this policy's service (CPT 38242).</summary>
    public ValueSet Service { get; }

    /// <summary>The service's codes with their canonical system (the first URI of each alias): CRD <c>billingCode</c>.</summary>
    public IReadOnlyList<(string System, string Code)> BillingCodes { get; }

    /// <summary>The module that reads and decides the file (<c>dli</c>, <c>generic</c>).</summary>
    public string Module => Document.Module;

    /// <summary>The DLI module's thresholds (the validator requires them for <c>"module": "dli"</c>).</summary>
    public ThresholdsDocument Thresholds => Document.Thresholds ?? throw new InvalidOperationException($"Policy '{Id}' has no thresholds section.");

    /// <summary>The combinator the meets-criteria outcome decides on (criterion I of 45.03), for display.</summary>
    public RuleDocument Rule { get; }

    internal IReadOnlyList<(string Id, Regex Pattern)> Lineages { get; }

    internal IReadOnlyList<(string Id, Regex Pattern)> Specimens { get; }

    /// <summary>Conditioning agents, routes, body measures and the intensity definition in use (I.B).</summary>
    public ConditioningTerms Conditioning => _conditioning ?? throw new InvalidOperationException($"Policy '{Id}' has no conditioning section.");

    /// <summary>The context-aware text reader, built from the file's <c>textContext</c> lexicon.</summary>
    public TextEvidence Text => _text ?? throw new InvalidOperationException($"Policy '{Id}' has no textContext section.");

    /// <summary>Reads a policy file's JSON, with the defaults of its optional keys; a problem throws <see cref="PolicyFileException"/> naming its key.</summary>
    internal static PolicyDocument Read(Stream json)
    {
        PolicyDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, PolicyJsonContext.Default.PolicyDocument);
        }
        catch (JsonException e)
        {
            throw PolicyJsonProblem.From(e);
        }

        return Defaults(document ?? throw new PolicyFileException("the file is empty (null)"));
    }

    /// <summary>Compiles a document the policy file's validator has passed (its value sets, patterns and lexicon).</summary>
    internal static PolicyDefinition Compile(PolicyDocument validated) => new(validated);

    public ValueSet ValueSet(string name) =>
        _valueSets.TryGetValue(name, out var set) ? set : throw new KeyNotFoundException($"The policy has no value set '{name}'.");

    public Regex Pattern(string name) =>
        _patterns.TryGetValue(name, out var pattern) ? pattern : throw new KeyNotFoundException($"The policy has no text pattern '{name}'.");

    public CriterionDocument Criterion(string id) =>
        _criteria.TryGetValue(id, out var criterion) ? criterion : throw new KeyNotFoundException($"The policy has no criterion '{id}'.");

    // The generated reader runs no initializer of an init-only property it does not find: an optional key left out would
    // be null where the type says it has a default. (An absent criteria[].reads is refused by the validator instead.)
    private static PolicyDocument Defaults(PolicyDocument document) => document with
    {
        OrderSuggestions = document.OrderSuggestions ?? [],
        PriorAuthorization = document.PriorAuthorization ?? "auth-needed",
    };

    // The node the meets-criteria rule names as deciding (else the otherwise rule's), as a combinator with its children.
    private static RuleDocument MainRule(DecisionDocument decision)
    {
        var id = decision.Outcomes.FirstOrDefault(o => o.Outcome == "meets-criteria")?.Deciding ?? decision.Otherwise.Deciding;
        var node = decision.Tree.FirstOrDefault(n => n.Id == id);
        return node switch
        {
            { All: { } all } => new RuleDocument { Id = id, Combinator = "all", Of = all },
            { Any: { } any } => new RuleDocument { Id = id, Combinator = "any", Of = any },
            _ => new RuleDocument { Id = id, Combinator = "all", Of = [id] },
        };
    }

    private static Regex CompilePattern(string pattern) =>
        new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, PatternTimeout.Match);
}
