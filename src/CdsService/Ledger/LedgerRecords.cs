using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cds.Service.Ledger;

/// <summary>
/// One hook call as the ledger keeps it: who asked what about whom, what was decided for each order and why, the
/// answer exactly as sent, where the data came from and how long each stage took. Never a token or a JWT.
/// </summary>
internal sealed record HookCallRecord
{
    /// <summary>The ledger's id of the call (a UUID v7, so ids sort by time).</summary>
    public required string Id { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required string ServiceId { get; init; }

    public string? Hook { get; init; }

    public string? HookInstance { get; init; }

    /// <summary>The calling CDS client (the JWT's <c>iss</c>); null in development mode without a token.</summary>
    public string? Issuer { get; init; }

    public string? PatientId { get; init; }

    public string? UserId { get; init; }

    public string? EncounterId { get; init; }

    public string? FhirServer { get; init; }

    /// <summary>The HTTP status of the answer.</summary>
    public required int Status { get; init; }

    /// <summary>Every draft order of the request (<c>ServiceRequest/123</c>), in scope of the policy or not.</summary>
    public IReadOnlyList<string> Orders { get; init; } = [];

    /// <summary>One decision per policy order, each with the coverage assertion id issued for it.</summary>
    public IReadOnlyList<OrderDecisionRecord> Decisions { get; init; } = [];

    /// <summary>The cards of the answer (their uuids are what feedback refers to).</summary>
    public IReadOnlyList<CardRecord> Cards { get; init; } = [];

    /// <summary>For each prefetch key, where its data came from: prefetch, prefetch-null, query, failed, not-available.</summary>
    public IReadOnlyDictionary<string, string> DataSources { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<DataFailureRecord> DataFailures { get; init; } = [];

    /// <summary>Time spent in each stage, in order.</summary>
    public IReadOnlyList<StageTiming> Timings { get; init; } = [];

    /// <summary>The response body exactly as sent (UTF-8 JSON); null when the call ended in an unexpected error.</summary>
    public string? Response { get; init; }

    /// <summary>Hex SHA-256 of the response bytes, for proving later that a quoted answer is the one sent.</summary>
    public string? ResponseSha256 { get; init; }

    /// <summary>Why the call failed unexpectedly (an exception type), if it did.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// <c>no-policy-order</c> on a compact record (<see cref="LedgerCompactRecord"/>): a call with nothing to say, kept
    /// without its answer body; null on a full record.
    /// </summary>
    public string? Outcome { get; init; }

    /// <summary>Compact records: the code of each draft order (<c>system|code</c>), in the order of <see cref="Orders"/>.</summary>
    public IReadOnlyList<string>? OrderCodes { get; init; }

    /// <summary>The assertion ids issued by the call.</summary>
    [JsonIgnore]
    public IEnumerable<string> AssertionIds => Decisions.Select(d => d.AssertionId);
}

/// <summary>The decision for one order and the CRD coverage assertion issued for it.</summary>
internal sealed record OrderDecisionRecord(
    string OrderReference,
    string AssertionId,
    string CoverageReference,
    string Outcome,
    string DecidingCriterion,
    string Reason,
    string Covered,
    string? PaNeeded,
    string? DocNeeded,
    DateOnly AssertionDate,
    DecisionDetail Detail)
{
    /// <summary>The policy revision that made the decision; null for an order no policy governs.</summary>
    public PolicyRevisionRecord? Policy { get; init; }
}

/// <summary>A policy revision as the ledger keeps it: id, version, effective date (yyyy-MM-dd) and SHA-256 of the file.</summary>
internal sealed record PolicyRevisionRecord(string Id, string Version, string Effective, string Sha256);

/// <summary>The parts of a decision kept as one JSON document: the criteria with their evidence, and what was asked for.</summary>
internal sealed record DecisionDetail(
    IReadOnlyList<CriterionRecord> Criteria,
    IReadOnlyList<MissingRecord> Missing,
    IReadOnlyList<MissingRecord> Documentation,
    IReadOnlyList<string> InfoNeeded,
    IReadOnlyList<string> DocPurpose)
{
    /// <summary>What a reviewer must check (conflicts, text-only or tentative evidence, unreadable data).</summary>
    public IReadOnlyList<MissingRecord> Review { get; init; } = [];

    /// <summary>The assertion this one replaces: the coverage-assertion-id the order already carried (DTR: the answer before the questionnaire).</summary>
    public string? Supersedes { get; init; }

    /// <summary>The QuestionnaireResponses (clinician-attested answers) the decision rests on, by reference.</summary>
    public IReadOnlyList<string>? Answers { get; init; }
}

/// <summary>One criterion: met, not-met or unknown, and the references of the resources it rests on.</summary>
internal sealed record CriterionRecord(string Id, string Label, string Status, string Summary, IReadOnlyList<string> Evidence);

internal sealed record MissingRecord(string Criterion, string What);

internal sealed record CardRecord(string Uuid, string? OrderReference);

internal sealed record DataFailureRecord(string Key, string Reason);

internal sealed record StageTiming(string Stage, double Milliseconds);

/// <summary>One feedback item posted by the EHR about a card, kept as posted.</summary>
internal sealed record FeedbackRecord(
    string Id,
    string CardUuid,
    string ServiceId,
    string? Issuer,
    string Outcome,
    DateTimeOffset? OutcomeTimestamp,
    DateTimeOffset ReceivedAt,
    string Body);

/// <summary>An assertion as read back: the decision, the whole call it was issued in, and the feedback on its call's cards.</summary>
internal sealed record LedgerAssertion(OrderDecisionRecord Decision, HookCallRecord Call, IReadOnlyList<FeedbackRecord> Feedback);

/// <summary>One line of a search result.</summary>
internal sealed record AssertionSummary(
    string AssertionId,
    DateTimeOffset RecordedAt,
    string CallId,
    string ServiceId,
    string? Hook,
    string? HookInstance,
    string OrderReference,
    string Outcome,
    string Covered,
    string? PaNeeded);

/// <summary>What a purge removed.</summary>
internal sealed record LedgerPurgeResult(int HookCalls, int Feedback, int JwtIds);

/// <summary>How many rows each table holds (for health and tests).</summary>
internal sealed record LedgerCounts(long HookCalls, long Assertions, long Cards, long Feedback, long JwtIds);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HookCallRecord))]
[JsonSerializable(typeof(DecisionDetail))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyList<DataFailureRecord>))]
[JsonSerializable(typeof(IReadOnlyList<StageTiming>))]
[JsonSerializable(typeof(AssertionView))]
[JsonSerializable(typeof(AssertionSearchResult))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;

/// <summary>The JSON the ledger's columns and spool files hold.</summary>
internal static class LedgerJson
{
    public static string Serialize<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) => JsonSerializer.Serialize(value, info);

    public static T Deserialize<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) =>
        JsonSerializer.Deserialize(json, info) ?? throw new JsonException($"The ledger holds null where a {typeof(T).Name} was expected.");
}
