using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Cds.Service.Contract;

namespace Cds.Service.Ledger;

/// <summary>
/// The ledger for the payer's claims and prior-authorization staff: an assertion by its id (as quoted on a claim), its
/// answer byte for byte, and a patient's assertions in a date range. Only with a token of the payer's identity provider
/// (scheme <c>payer</c>); a CDS client's token is not accepted here, nor a payer token on the CDS Hooks endpoints.
/// </summary>
internal static partial class LedgerEndpoints
{
    public const string BasePath = "/coverage-assertions";
    public const int DefaultCount = 100;
    public const int MaxCount = 1000;

    public static IEndpointRouteBuilder MapLedgerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(BasePath)
            .WithTags("Coverage assertion ledger")
            .RequireAuthorization(LedgerAuthentication.ReaderPolicy);
        group.MapGet("/{id}", GetAsync);
        group.MapGet("/{id}/response", GetResponseAsync);
        group.MapGet(string.Empty, SearchAsync);
        return app;
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, LedgerLookup store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        NoStore(context);
        var found = await store.FindAssertionAsync(id, cancellationToken);
        Log.Read(Logger(loggers), LogText.Safe(Reader(context.User), 200), LogText.Safe(id, 100), found is not null);
        return found is null
            ? Problem.Result(StatusCodes.Status404NotFound, "not-found", $"No coverage assertion '{LogText.Safe(id, 100)}' is on record.")
            : TypedResults.Json(View(found), LedgerJsonContext.Default.AssertionView);
    }

    private static async Task<IResult> GetResponseAsync(string id, HttpContext context, LedgerLookup store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        NoStore(context);
        var found = await store.FindAssertionAsync(id, cancellationToken);
        Log.Read(Logger(loggers), LogText.Safe(Reader(context.User), 200), LogText.Safe(id, 100), found?.Call.Response is not null);
        if (found?.Call is { Response: null, Outcome: LedgerCompactRecord.NoPolicyOrder, ResponseSha256: { } sha })
        {
            // A compact record keeps the answer's hash, not its body: a copy the EHR kept can still be proven against it.
            context.Response.Headers["X-Response-SHA256"] = sha;
            return Problem.Result(StatusCodes.Status404NotFound, "not-found", $"Coverage assertion '{LogText.Safe(id, 100)}' was issued in a call with no policy order, kept as a compact record: its answer body is not kept, its SHA-256 is {sha} (header X-Response-SHA256).");
        }

        if (found?.Call.Response is not { } response)
        {
            return Problem.Result(StatusCodes.Status404NotFound, "not-found", $"No answer carrying coverage assertion '{LogText.Safe(id, 100)}' is on record.");
        }

        context.Response.Headers["X-Response-SHA256"] = found.Call.ResponseSha256;
        return TypedResults.Bytes(Encoding.UTF8.GetBytes(response), "application/json");
    }

    private static async Task<IResult> SearchAsync(HttpContext context, ILedgerStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        NoStore(context);
        var query = context.Request.Query;
        var patient = query["patient"].ToString();
        if (string.IsNullOrWhiteSpace(patient))
        {
            return Problem.Result(StatusCodes.Status400BadRequest, "required", "'patient' (the patient id as sent by the EHR) is required.");
        }

        if (!TryParseBound(query["from"].ToString(), endOfDay: false, out var from) || !TryParseBound(query["to"].ToString(), endOfDay: true, out var to))
        {
            return Problem.Result(StatusCodes.Status400BadRequest, "invalid", "'from' and 'to' must be dates (2026-11-24) or ISO 8601 times with an offset (2026-11-24T18:00:00Z).");
        }

        var count = DefaultCount;
        if (query["_count"].ToString() is { Length: > 0 } countText
            && (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxCount))
        {
            return Problem.Result(StatusCodes.Status400BadRequest, "invalid", $"'_count' must be a number from 1 to {MaxCount}.");
        }

        var rows = await store.SearchAsync(patient, from ?? DateTimeOffset.UnixEpoch, to ?? DateTimeOffset.MaxValue.AddYears(-1), count + 1, cancellationToken);
        var page = rows.Take(count).Select(r => new AssertionSummaryView(
            r.AssertionId, $"{BasePath}/{Uri.EscapeDataString(r.AssertionId)}", r.RecordedAt, r.OrderReference, r.Covered, r.PaNeeded, r.Outcome, r.ServiceId, r.Hook, r.HookInstance, r.CallId)).ToList();
        Log.Searched(Logger(loggers), LogText.Safe(Reader(context.User), 200), page.Count);
        return TypedResults.Json(new AssertionSearchResult(patient, from, to, page.Count, rows.Count > count, page), LedgerJsonContext.Default.AssertionSearchResult);
    }

    /// <summary>A date means the start of that day (UTC) for <c>from</c>, and its end for <c>to</c>; a time is taken as is.</summary>
    internal static bool TryParseBound(string text, bool endOfDay, out DateTimeOffset? value)
    {
        value = null;
        if (text.Length == 0)
        {
            return true;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            value = endOfDay ? start.AddDays(1) : start;
            return true;
        }

        if (text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            value = time;
            return true;
        }

        return false;
    }

    private static AssertionView View(LedgerAssertion found)
    {
        var (decision, call) = (found.Decision, found.Call);
        var cardOrders = call.Cards.ToDictionary(c => c.Uuid, c => c.OrderReference, StringComparer.Ordinal);
        return new AssertionView(
            decision.AssertionId,
            call.ReceivedAt,
            decision.OrderReference,
            new DecisionView(
                decision.Outcome,
                decision.DecidingCriterion,
                decision.Reason,
                decision.Covered,
                decision.PaNeeded,
                decision.DocNeeded,
                decision.Detail.DocPurpose,
                decision.Detail.InfoNeeded,
                decision.CoverageReference,
                decision.AssertionDate,
                decision.Detail.Criteria,
                decision.Detail.Missing,
                decision.Detail.Documentation,
                [.. call.Cards.Where(c => c.OrderReference == decision.OrderReference).Select(c => c.Uuid)])
            {
                Policy = decision.Policy,
            },
            new CallView(
                call.Id,
                call.ReceivedAt,
                call.ServiceId,
                call.Hook,
                call.HookInstance,
                call.Issuer,
                call.PatientId,
                call.UserId,
                call.EncounterId,
                call.FhirServer,
                call.Status,
                call.Orders,
                [.. call.Decisions.Select(d => new AssertionReference(d.AssertionId, d.OrderReference, d.Covered))],
                call.Cards,
                call.DataSources,
                call.DataFailures,
                call.Timings,
                call.ResponseSha256,
                call.Response is null ? null : ParseJson(call.Response),
                call.Error)
            {
                Outcome = call.Outcome,
                OrderCodes = call.OrderCodes,
            },
            [.. found.Feedback.Select(f => new FeedbackView(
                f.CardUuid,
                cardOrders.GetValueOrDefault(f.CardUuid),
                f.Outcome,
                f.OutcomeTimestamp,
                f.ReceivedAt,
                f.Issuer,
                ParseJson(f.Body)))]);
    }

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static void NoStore(HttpContext context) => context.Response.Headers.CacheControl = "no-store";

    private static string Reader(ClaimsPrincipal user) =>
        LogText.Safe(user.FindFirst("sub")?.Value ?? user.FindFirst("client_id")?.Value ?? user.FindFirst("azp")?.Value ?? "unknown");

    private static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger("Cds.Service.Ledger.Access");

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Ledger read by {Reader}: coverage assertion {AssertionId} (found: {Found})")]
        public static partial void Read(ILogger logger, string reader, string assertionId, bool found);

        [LoggerMessage(2, LogLevel.Information, "Ledger search by {Reader}: {Count} assertion(s) returned")]
        public static partial void Searched(ILogger logger, string reader, int count);
    }
}

/// <summary>A coverage assertion as the ledger shows it.</summary>
internal sealed record AssertionView(
    string AssertionId,
    DateTimeOffset RecordedAt,
    string OrderReference,
    DecisionView Decision,
    CallView Call,
    IReadOnlyList<FeedbackView> Feedback);

internal sealed record DecisionView(
    string Outcome,
    string DecidingCriterion,
    string Reason,
    string Covered,
    string? PaNeeded,
    string? DocNeeded,
    IReadOnlyList<string> DocPurpose,
    IReadOnlyList<string> InfoNeeded,
    string Coverage,
    DateOnly Date,
    IReadOnlyList<CriterionRecord> Criteria,
    IReadOnlyList<MissingRecord> Missing,
    IReadOnlyList<MissingRecord> Documentation,
    IReadOnlyList<string> Cards)
{
    /// <summary>The policy revision that made the decision (id, version, effective date, SHA-256 of the file); null when no policy governs the order.</summary>
    public PolicyRevisionRecord? Policy { get; init; }
}

internal sealed record CallView(
    string Id,
    DateTimeOffset ReceivedAt,
    string ServiceId,
    string? Hook,
    string? HookInstance,
    string? Issuer,
    string? PatientId,
    string? UserId,
    string? EncounterId,
    string? FhirServer,
    int Status,
    IReadOnlyList<string> Orders,
    IReadOnlyList<AssertionReference> Assertions,
    IReadOnlyList<CardRecord> Cards,
    IReadOnlyDictionary<string, string> DataSources,
    IReadOnlyList<DataFailureRecord> DataFailures,
    IReadOnlyList<StageTiming> Timings,
    string? ResponseSha256,
    JsonElement? Response,
    string? Error)
{
    /// <summary><c>no-policy-order</c> for a compact record (no answer body kept); absent on a full record.</summary>
    public string? Outcome { get; init; }

    /// <summary>A compact record's order codes (<c>system|code</c>), in the order of <see cref="Orders"/>.</summary>
    public IReadOnlyList<string>? OrderCodes { get; init; }
}

internal sealed record AssertionReference(string AssertionId, string OrderReference, string Covered);

internal sealed record FeedbackView(
    string Card,
    string? OrderReference,
    string Outcome,
    DateTimeOffset? OutcomeTimestamp,
    DateTimeOffset ReceivedAt,
    string? Issuer,
    JsonElement Feedback);

internal sealed record AssertionSearchResult(
    string Patient,
    DateTimeOffset? From,
    DateTimeOffset? To,
    int Count,
    bool Truncated,
    IReadOnlyList<AssertionSummaryView> Assertions);

internal sealed record AssertionSummaryView(
    string AssertionId,
    string Href,
    DateTimeOffset RecordedAt,
    string OrderReference,
    string Covered,
    string? PaNeeded,
    string Outcome,
    string ServiceId,
    string? Hook,
    string? HookInstance,
    string CallId);
