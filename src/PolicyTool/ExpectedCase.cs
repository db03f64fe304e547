using System.Globalization;
using System.Text.Json;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Policy;

namespace Cds.PolicyTool;

/// <summary>
/// A case's <c>expected.json</c>, validated strictly: an unknown key, outcome, criterion or status is an error (the
/// case is invalid, never skipped). Keys: <c>outcome</c> (required), <c>criteria</c> (criterion id → Met, NotMet or
/// Unknown; the criteria listed are compared), <c>missing</c> and <c>review</c> (the criteria with missing data /
/// review items, compared as sets), <c>order</c> (which order's decision, when several are decided), <c>patient</c>
/// (for a Bundle with several Patients), <c>today</c> (yyyy-MM-dd: decide as of that day) and <c>description</c>.
/// </summary>
internal sealed record ExpectedCase(
    string Outcome,
    IReadOnlyDictionary<string, CriterionStatus> Criteria,
    IReadOnlyList<string>? Missing,
    IReadOnlyList<string>? Review,
    string? Order,
    string? Patient,
    DateOnly? Today)
{
    /// <summary>The service answers with an error instead of a decision.</summary>
    public const string Rejected = "Rejected";

    /// <summary>No order in scope is one this policy governs: no decision.</summary>
    public const string NotGoverned = "NotGoverned";

    private static readonly string[] Keys = ["description", "outcome", "criteria", "missing", "review", "order", "patient", "today"];

    /// <summary>Every outcome an expected file may name: the policy's four, and the two answers that are not a decision.</summary>
    public static readonly IReadOnlyList<string> Outcomes = [.. Enum.GetNames<DecisionOutcome>(), Rejected, NotGoverned];

    public static ExpectedCase Read(string path, PolicyDefinition policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var root = JsonFiles.Read(path, "expected file");
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Problem(path, "must be a JSON object");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!Keys.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Problem(path, $"unknown key '{property.Name}' (allowed: {string.Join(", ", Keys)})");
            }
        }

        var criterionIds = policy.Document.Criteria.Select(c => c.Id).ToList();
        _ = OptionalString(root, "description", path);

        var outcome = OptionalString(root, "outcome", path) ?? throw Problem(path, $"'outcome' is required (one of {string.Join(", ", Outcomes)})");
        if (!Outcomes.Contains(outcome, StringComparer.Ordinal))
        {
            throw Problem(path, $"unknown outcome '{outcome}' (one of {string.Join(", ", Outcomes)})");
        }

        var criteria = ReadCriteria(root, path, criterionIds);
        var missing = CriterionList(root, "missing", path, criterionIds);
        var review = CriterionList(root, "review", path, criterionIds);
        if (outcome is Rejected or NotGoverned && (criteria.Count > 0 || missing is not null || review is not null))
        {
            throw Problem(path, $"outcome '{outcome}' is no decision: it has no criteria, missing or review to expect");
        }

        DateOnly? today = null;
        if (OptionalString(root, "today", path) is { } day)
        {
            today = DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                ? parsed
                : throw Problem(path, $"'today' must be a date yyyy-MM-dd, not '{day}'");
        }

        return new ExpectedCase(outcome, criteria, missing, review, OptionalString(root, "order", path), OptionalString(root, "patient", path), today);
    }

    private static Dictionary<string, CriterionStatus> ReadCriteria(JsonElement root, string path, IReadOnlyList<string> ids)
    {
        var criteria = new Dictionary<string, CriterionStatus>(StringComparer.Ordinal);
        if (!root.TryGetProperty("criteria", out var element))
        {
            return criteria;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Problem(path, "'criteria' must be an object of criterion id → status");
        }

        var statuses = Enum.GetNames<CriterionStatus>();
        foreach (var property in element.EnumerateObject())
        {
            if (!ids.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Problem(path, $"criteria: unknown criterion '{property.Name}' (the policy's criteria: {string.Join(", ", ids)})");
            }

            var status = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            if (status is null || !statuses.Contains(status, StringComparer.Ordinal))
            {
                throw Problem(path, $"criteria.{property.Name}: unknown status {property.Value.GetRawText()} (one of {string.Join(", ", statuses)})");
            }

            criteria[property.Name] = Enum.Parse<CriterionStatus>(status);
        }

        return criteria;
    }

    private static List<string>? CriterionList(JsonElement root, string key, string path, IReadOnlyList<string> ids)
    {
        if (!root.TryGetProperty(key, out var element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw Problem(path, $"'{key}' must be an array of criterion ids");
        }

        var list = element.EnumerateArray().Select(e => e.GetString()!).ToList();
        if (list.FirstOrDefault(id => !ids.Contains(id, StringComparer.Ordinal)) is { } unknown)
        {
            throw Problem(path, $"{key}: unknown criterion '{unknown}' (the policy's criteria: {string.Join(", ", ids)})");
        }

        return list;
    }

    private static string? OptionalString(JsonElement root, string key, string path)
    {
        if (!root.TryGetProperty(key, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : throw Problem(path, $"'{key}' must be a non-empty string");
    }

    private static ToolInputException Problem(string path, string what) => new($"expected file {path}: {what}");
}
