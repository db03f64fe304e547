using System.Runtime.CompilerServices;
using Cds.FhirMapping.Dtr;
using Cds.Service.Contract;
using Cds.Service.Policy;

namespace Cds.Service.Hooks;

/// <summary>
/// What every card and action of a policy shares that depends only on the loaded policy revision and the service's
/// base URL (the policy link, the documentation link, the questionnaire canonical, the override reasons): built once
/// per (<see cref="CoverageEngine"/>, base URL) and kept with the engine, so a reload (a new engine) starts afresh.
/// </summary>
internal sealed class PolicyTexts
{
    private static readonly ConditionalWeakTable<CoverageEngine, PolicyTexts> Latest = [];

    private readonly Uri? _published;

    private PolicyTexts(string baseUrl, Uri? published, Uri policyUrl, Uri documentationUrl, string questionnaire, IReadOnlyList<CardCoding> overrideReasons)
    {
        BaseUrl = baseUrl;
        _published = published;
        PolicyUrl = policyUrl;
        DocumentationUrl = documentationUrl;
        Questionnaire = questionnaire;
        OverrideReasons = overrideReasons;
    }

    /// <summary>The base URL these were built for (its text as given).</summary>
    public string BaseUrl { get; }

    /// <summary>The published policy (<c>Cds:PolicyUrl</c>), else this service's page of the revision.</summary>
    public Uri PolicyUrl { get; }

    /// <summary>The policy page's list of what to attach.</summary>
    public Uri DocumentationUrl { get; }

    /// <summary>The canonical URL of the policy's DTR questionnaire.</summary>
    public string Questionnaire { get; }

    /// <summary>The policy file's override reasons as CDS Hooks codings.</summary>
    public IReadOnlyList<CardCoding> OverrideReasons { get; }

    /// <summary>The texts of <paramref name="engine"/> under <paramref name="baseUrl"/>: the kept ones when the base URL is the same.</summary>
    public static PolicyTexts For(CoverageEngine engine, Uri baseUrl, Uri? publishedPolicyUrl)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (Latest.TryGetValue(engine, out var kept) && string.Equals(kept.BaseUrl, baseUrl.OriginalString, StringComparison.Ordinal) && ReferenceEquals(kept._published, publishedPolicyUrl))
        {
            return kept;
        }

        var built = new PolicyTexts(
            baseUrl.OriginalString,
            publishedPolicyUrl,
            publishedPolicyUrl ?? new Uri(baseUrl, $"policies/{Uri.EscapeDataString(engine.Policy.Id)}?version={Uri.EscapeDataString(engine.Revision.Version)}"),
            new Uri(baseUrl, $"policies/{engine.Policy.Id}#documentation"),
            QuestionnaireGenerator.Canonical(engine.Policy, new Uri(baseUrl, "fhir/")),
            [.. engine.Guidance.OverrideReasons.Select(r => new CardCoding(r.System, r.Code, r.Display))]);
        Latest.AddOrUpdate(engine, built);
        return built;
    }
}
