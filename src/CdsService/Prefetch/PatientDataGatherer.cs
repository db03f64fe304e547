using Cds.FhirMapping.Facts;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Cds.Service.Contract;
using Cds.Service.Discovery;
using Cds.Service.Telemetry;
using Microsoft.Extensions.Options;

namespace Cds.Service.Prefetch;

/// <summary>
/// Gets the data of each prefetch key: from the hook's prefetch when present, otherwise by querying the EHR's FHIR
/// server with the hook's access token. Queries run concurrently inside the hook's time budget; a failing query is
/// reported, never thrown.
/// </summary>
internal sealed partial class PatientDataGatherer(
    IHttpClientFactory httpClientFactory,
    IOptions<FhirOptions> options,
    CdsMetrics metrics,
    ILogger<PatientDataGatherer> logger)
{
    public const string HttpClientName = "fhir";

    /// <summary>
    /// The patient's Patient (<c>Patient/{{context.patientId}}</c>): only its birth date is used, to set aside records
    /// dated before it. Read when absent and a fhirServer is given (in parallel with the searches, as they are), but never
    /// a reason for 412; a failed read is no gap of any criterion and no evidence: the birth-date check does not apply,
    /// and the cards say so where they name what could not be retrieved.
    /// </summary>
    public const string PatientKey = "patient";

    /// <summary>
    /// Keys that refine a decision (conditioning doses and the body measures that normalise them, criterion I.B): queried
    /// when absent and a fhirServer is given, but without a fhirServer their absence is no reason for 412. Without them
    /// I.B cannot be "not met" (only doses make it so), and a stated intensity is read as before.
    /// </summary>
    private static readonly HashSet<string> SupplementaryKeys = new(StringComparer.Ordinal) { "medicationAdministrations", "medicationRequests", "bodyMeasures" };

    /// <summary>
    /// The data failures as gaps by resource type (the type the key's prefetch template searches), for the policy: a
    /// criterion that reads a type with a gap is not decided against the patient. The Coverage is handled apart; the
    /// Patient is no criterion's evidence (without it, only the birth-date check does not apply).
    /// </summary>
    public static IEnumerable<DataGap> Gaps(ServiceDefinition service, PatientData data) =>
        data.Failures
            .Select(f => (Failure: f, Template: service.Prefetch.FirstOrDefault(p => p.Key == f.Key).Value))
            .Where(f => f.Template is not null)
            .Select(f => new DataGap(f.Template.Split('?', '/')[0], $"{f.Failure.Key}: {f.Failure.Reason}"))
            .Where(g => g.ResourceType is not ("Coverage" or "Patient"));

    /// <summary>The prefetch keys that are missing (absent or an OperationOutcome) and would have to be queried.</summary>
    public static IReadOnlyList<string> KeysToQuery(ServiceDefinition service, HookRequest request) =>
        service.Prefetch
            .Select(p => p.Key)
            .Where(key => request.FhirServer is not null || !(SupplementaryKeys.Contains(key) || key == PatientKey))
            .Where(key => !request.Prefetch.TryGetValue(key, out var value) || IsOperationOutcome(value))
            .ToList();

    /// <summary>
    /// Gathers every key's data; queries stop at <paramref name="budget"/> or <see cref="FhirOptions.HookBudget"/>,
    /// whichever is shorter (the call's own deadline).
    /// </summary>
    public async Task<PatientData> GatherAsync(ServiceDefinition service, HookRequest request, TimeSpan budget, CancellationToken cancellationToken)
    {
        var items = new List<KeyedItem>();
        var sources = new Dictionary<string, DataSource>(StringComparer.Ordinal);
        var failures = new List<DataFailure>();
        var toQuery = KeysToQuery(service, request);
        foreach (var (key, _) in service.Prefetch)
        {
            metrics.Prefetch(key, hit: request.Prefetch.TryGetValue(key, out var provided) && !IsOperationOutcome(provided));
            if (toQuery.Contains(key))
            {
                continue;
            }

            if (request.Prefetch.TryGetValue(key, out var value))
            {
                // null: the EHR has no data for this key.
                sources[key] = value.ValueKind == JsonValueKind.Null ? DataSource.PrefetchNull : DataSource.Prefetch;
                if (value.ValueKind != JsonValueKind.Null)
                {
                    items.Add(new KeyedItem(key, value));
                }
            }
            else
            {
                sources[key] = DataSource.NotAvailable;
            }
        }

        if (toQuery.Count == 0 || request.FhirServer is null)
        {
            return new PatientData(items, sources, failures);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget < options.Value.HookBudget ? (budget > TimeSpan.Zero ? budget : TimeSpan.FromMilliseconds(1)) : options.Value.HookBudget);
        var templates = service.Prefetch.Where(p => toQuery.Contains(p.Key)).ToList();
        var results = await Task.WhenAll(templates.Select(t => QueryAsync(t.Key, t.Value, request, deadline.Token, cancellationToken)));
        foreach (var result in results)
        {
            sources[result.Key] = result.Source;
            items.AddRange(result.Items.Select(i => new KeyedItem(result.Key, i)));
            if (result.Failure is { } failure)
            {
                failures.Add(failure.Key == PatientKey ? failure with { Reason = $"{failure.Reason}; dates were not checked against the patient's birth date" } : failure);
            }
        }

        return new PatientData(items, sources, failures);
    }

    /// <summary>
    /// Reads one resource (<c>Organization/{id}</c>) from the hook's fhirServer with its access token; null when it
    /// cannot be had (the caller treats it as unresolved). The caller has checked that fhirServer may be used.
    /// </summary>
    public async Task<JsonElement?> ReadResourceAsync(HookRequest request, string relativeReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.FhirServer is not { } baseUri)
        {
            return null;
        }

        var client = httpClientFactory.CreateClient(HttpClientName);
        try
        {
            return await GetJsonAsync(client, new Uri(WithTrailingSlash(baseUri), relativeReference), request.AccessToken, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or ResponseTooLargeException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.ReadFailed(logger, relativeReference.Split('/')[0], e.GetType().Name);
            return null;
        }
    }

    private async Task<QueryResult> QueryAsync(string key, string template, HookRequest request, CancellationToken budget, CancellationToken caller)
    {
        if (PrefetchTemplate.Render(template, request) is not { } relative)
        {
            return new QueryResult(key, DataSource.NotAvailable, [], null);
        }

        var baseUri = request.FhirServer!;
        var url = new Uri(WithTrailingSlash(baseUri), relative);
        var items = new List<JsonElement>();
        var started = Stopwatch.GetTimestamp();
        using var measurement = metrics.StartFhirQuery(key);
        var client = httpClientFactory.CreateClient(HttpClientName);
        try
        {
            for (var page = 0; url is not null; page++)
            {
                if (page >= options.Value.MaxPages)
                {
                    // What was read is kept, and the cut is a named data failure: no criterion it could affect is decided against the patient.
                    Log.PageLimit(logger, key, options.Value.MaxPages);
                    measurement.Succeeded();
                    return new QueryResult(key, DataSource.Query, items, new DataFailure(key, $"the search was cut off after {options.Value.MaxPages} pages"));
                }

                var root = await GetJsonAsync(client, url, request.AccessToken, budget);
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String)
                {
                    return Failed(key, "the FHIR server's answer is not a FHIR resource");
                }

                if (type.GetString() == "OperationOutcome")
                {
                    return Failed(key, "the FHIR server answered with an OperationOutcome");
                }

                items.Add(root);
                // A next link to another server is not followed: the access token goes to fhirServer only.
                url = null;
                if (NextLink(root) is { } next)
                {
                    if (Uri.TryCreate(baseUri, next, out var nextUrl) && SameServer(nextUrl, baseUri))
                    {
                        url = nextUrl;
                        continue;
                    }

                    measurement.Failed();
                    return new QueryResult(key, DataSource.Query, items, new DataFailure(key, "a search page link pointed off the FHIR server and was not followed"));
                }
            }

            Log.Queried(logger, key, items.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            measurement.Succeeded();
            return new QueryResult(key, DataSource.Query, items, null);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            return Failed(key, "the FHIR server did not answer in time");
        }
        catch (HttpRequestException e)
        {
            return Failed(key, e.StatusCode is { } status ? $"the FHIR server answered HTTP {(int)status}" : "the FHIR server could not be reached");
        }
        catch (JsonException)
        {
            return Failed(key, "the FHIR server's answer is not valid JSON");
        }
        catch (ResponseTooLargeException)
        {
            return Failed(key, $"the FHIR server's answer is larger than {options.Value.MaxResponseBytes} bytes");
        }

        QueryResult Failed(string k, string reason)
        {
            Log.QueryFailed(logger, k, reason);
            measurement.Failed();
            return new QueryResult(k, DataSource.Failed, [], new DataFailure(k, reason));
        }
    }

    private async Task<JsonElement> GetJsonAsync(HttpClient client, Uri url, string? accessToken, CancellationToken budget)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(budget);
        timeout.CancelAfter(options.Value.RequestTimeout);
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        if (accessToken is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(null, null, response.StatusCode);
        }

        return await FhirAnswerReader.ReadAsync(response.Content, options.Value.MaxResponseBytes, timeout.Token);
    }

    private static string? NextLink(JsonElement bundle)
    {
        if (!bundle.TryGetProperty("link", out var links) || links.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var link in links.EnumerateArray())
        {
            if (link.ValueKind == JsonValueKind.Object
                && link.TryGetProperty("relation", out var relation) && relation.ValueKind == JsonValueKind.String && relation.GetString() == "next"
                && link.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String)
            {
                return url.GetString();
            }
        }

        return null;
    }

    // Paging links must stay on the FHIR server the EHR named: same scheme, host, port and base path.
    private static bool SameServer(Uri url, Uri baseUri) =>
        url.Scheme == baseUri.Scheme
        && string.Equals(url.Host, baseUri.Host, StringComparison.OrdinalIgnoreCase)
        && url.Port == baseUri.Port
        && url.AbsolutePath.StartsWith(WithTrailingSlash(baseUri).AbsolutePath, StringComparison.Ordinal);

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private static bool IsOperationOutcome(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object
        && value.TryGetProperty("resourceType", out var type)
        && type.ValueKind == JsonValueKind.String
        && type.GetString() == "OperationOutcome";

    private sealed record QueryResult(string Key, DataSource Source, List<JsonElement> Items, DataFailure? Failure);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Queried prefetch key {Key}: {Pages} page(s) in {ElapsedMs:0.0} ms")]
        public static partial void Queried(ILogger logger, string key, int pages, double elapsedMs);

        [LoggerMessage(2, LogLevel.Warning, "Query for prefetch key {Key} failed: {Reason}")]
        public static partial void QueryFailed(ILogger logger, string key, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Query for prefetch key {Key} stopped at the page limit of {MaxPages}")]
        public static partial void PageLimit(ILogger logger, string key, int maxPages);

        [LoggerMessage(4, LogLevel.Warning, "Read of a {ResourceType} from the FHIR server failed: {Error}")]
        public static partial void ReadFailed(ILogger logger, string resourceType, string error);
    }
}
