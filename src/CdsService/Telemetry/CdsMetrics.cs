using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cds.FhirMapping.Evaluation;
using Cds.Service.Contract;

namespace Cds.Service.Telemetry;

/// <summary>
/// The service's own telemetry: meter and activity source <c>Cds.Service</c>. Every tag value comes from a small fixed
/// set (hook names, outcomes, prefetch keys of cds-services.json): never patient data, never a token.
/// </summary>
/// <remarks>
/// Instruments: <c>cds.hook.duration</c> (s, by <c>cds.hook</c> and <c>cds.outcome</c>), <c>cds.decisions</c> (by
/// <c>cds.hook</c> and <c>cds.outcome</c>), <c>cds.fhir.query.duration</c> (s, by <c>cds.prefetch.key</c> and
/// <c>cds.fhir.result</c>), <c>cds.fhir.query.failures</c> (by <c>cds.prefetch.key</c>) and <c>cds.prefetch.keys</c>
/// (by <c>cds.prefetch.key</c> and <c>cds.prefetch.result</c> = hit or miss: the prefetch hit rate).
/// </remarks>
internal sealed class CdsMetrics : IDisposable
{
    public const string Name = "Cds.Service";

    /// <summary>Hook outcomes other than a policy decision.</summary>
    public const string Rejected = "rejected";
    public const string NoDliOrder = "no-dli-order";
    public const string CoverageUnavailable = "coverage-unavailable";
    public const string Mixed = "mixed";

    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10];

    private static readonly Func<ILogger, string, IDisposable?> HookInstanceScope =
        LoggerMessage.DefineScope<string>("HookInstance:{HookInstance}");

    private readonly Meter _meter;
    private readonly Histogram<double> _hookDuration;
    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _fhirQueryDuration;
    private readonly Counter<long> _fhirQueryFailures;
    private readonly Counter<long> _prefetchKeys;

    public CdsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var version = typeof(CdsMetrics).Assembly.GetName().Version?.ToString();
        _meter = meterFactory.Create(new MeterOptions(Name) { Version = version });
        Source = new ActivitySource(Name, version);
        _hookDuration = _meter.CreateHistogram<double>(
            "cds.hook.duration", "s", "Time to answer one CDS Hooks call, by hook and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _decisions = _meter.CreateCounter<long>("cds.decisions", "{decision}", "Policy decisions made, one per DLI order, by outcome.");
        _fhirQueryDuration = _meter.CreateHistogram<double>(
            "cds.fhir.query.duration", "s", "Time to read one prefetch key from the EHR's FHIR server (all pages).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _fhirQueryFailures = _meter.CreateCounter<long>("cds.fhir.query.failures", "{query}", "FHIR queries that failed (timeout, HTTP error, invalid answer).");
        _prefetchKeys = _meter.CreateCounter<long>("cds.prefetch.keys", "{key}", "Prefetch keys of hook calls: hit when the EHR sent the data, miss when it had to be queried.");
    }

    /// <summary>Spans of the service: <c>cds.hook</c> and <c>cds.fhir.query</c>.</summary>
    public ActivitySource Source { get; }

    /// <summary>Starts measuring one hook call; dispose it when the answer is ready.</summary>
    public HookMeasurement StartHook() => new(this, Source.StartActivity("cds.hook"));

    /// <summary>Starts measuring the FHIR query of one prefetch key.</summary>
    public FhirQueryMeasurement StartFhirQuery(string key)
    {
        var activity = Source.StartActivity("cds.fhir.query");
        activity?.SetTag("cds.prefetch.key", key);
        return new FhirQueryMeasurement(this, key, activity);
    }

    /// <summary>Counts one prefetch key of a hook call: a hit when the EHR sent it, a miss otherwise.</summary>
    public void Prefetch(string key, bool hit) =>
        _prefetchKeys.Add(1, new KeyValuePair<string, object?>("cds.prefetch.key", key), new KeyValuePair<string, object?>("cds.prefetch.result", hit ? "hit" : "miss"));

    /// <summary>
    /// A logging scope that puts the hook instance (the EHR's correlation id, a UUID) on every log record of the call.
    /// </summary>
    public static IDisposable? BeginHookScope(ILogger logger, string hookInstance) => HookInstanceScope(logger, Bounded(hookInstance));

    /// <summary>The outcome tag of a policy decision: <c>meets-criteria</c>, <c>not-medically-necessary</c>, …</summary>
    public static string OutcomeTag(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.MeetsCriteria => "meets-criteria",
        DecisionOutcome.NotMedicallyNecessary => "not-medically-necessary",
        DecisionOutcome.Investigational => "investigational",
        DecisionOutcome.CannotBeDetermined => "cannot-be-determined",
        _ => "other",
    };

    public void Dispose()
    {
        Source.Dispose();
        _meter.Dispose();
    }

    // The hook instance comes from the caller: a UUID by the specification, cut short if it is anything longer.
    internal static string Bounded(string value) => LogText.Safe(value, 64); // control characters escaped too

    private void RecordHook(string hook, string outcome, double seconds) =>
        _hookDuration.Record(seconds, new KeyValuePair<string, object?>("cds.hook", hook), new KeyValuePair<string, object?>("cds.outcome", outcome));

    private void RecordDecision(string hook, string outcome) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("cds.hook", hook), new KeyValuePair<string, object?>("cds.outcome", outcome));

    private void RecordFhirQuery(string key, bool failed, double seconds)
    {
        _fhirQueryDuration.Record(seconds, new KeyValuePair<string, object?>("cds.prefetch.key", key), new KeyValuePair<string, object?>("cds.fhir.result", failed ? "failure" : "success"));
        if (failed)
        {
            _fhirQueryFailures.Add(1, new KeyValuePair<string, object?>("cds.prefetch.key", key));
        }
    }

    /// <summary>One hook call: its duration, hook, outcome and the <c>cds.hook</c> span.</summary>
    internal sealed class HookMeasurement : IDisposable
    {
        private readonly CdsMetrics _metrics;
        private readonly Activity? _activity;
        private readonly long _started = Stopwatch.GetTimestamp();
        private string _hook = "unknown";
        private string? _outcome;
        private bool _disposed;

        internal HookMeasurement(CdsMetrics metrics, Activity? activity)
        {
            _metrics = metrics;
            _activity = activity;
        }

        /// <summary>The hook of the service called (from cds-services.json, so a bounded set).</summary>
        public string Hook
        {
            get => _hook;
            set
            {
                _hook = value;
                _activity?.SetTag("cds.hook", value);
            }
        }

        /// <summary>Tags the span with the hook instance, the correlation id shared with the EHR.</summary>
        public void SetHookInstance(string hookInstance) => _activity?.SetTag("cds.hook_instance", Bounded(hookInstance));

        /// <summary>The call had no DLI order in scope (or coverage information was switched off).</summary>
        public void NoDliOrder() => _outcome = CdsMetrics.NoDliOrder;

        /// <summary>The patient's coverage could not be read: a problem card, no decision.</summary>
        public void CoverageUnavailable() => _outcome = CdsMetrics.CoverageUnavailable;

        /// <summary>Counts one decision; the hook's outcome is the decisions' outcome, or <c>mixed</c>.</summary>
        public void Decided(DecisionOutcome outcome)
        {
            var tag = OutcomeTag(outcome);
            _metrics.RecordDecision(_hook, tag);
            _outcome = _outcome is null || _outcome == tag ? tag : Mixed;
        }

        /// <summary>Records the duration with the outcome; a call that ended otherwise is <c>rejected</c>.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            var outcome = _outcome ?? Rejected;
            _metrics.RecordHook(_hook, outcome, Stopwatch.GetElapsedTime(_started).TotalSeconds);
            if (_activity is not null)
            {
                _activity.SetTag("cds.outcome", outcome);
                if (_outcome is null)
                {
                    _activity.SetStatus(ActivityStatusCode.Error);
                }

                _activity.Dispose();
            }
        }
    }

    /// <summary>One prefetch key read from the FHIR server: its duration, result and the <c>cds.fhir.query</c> span.</summary>
    internal sealed class FhirQueryMeasurement : IDisposable
    {
        private readonly CdsMetrics _metrics;
        private readonly string _key;
        private readonly Activity? _activity;
        private readonly long _started = Stopwatch.GetTimestamp();
        private bool _recorded;

        internal FhirQueryMeasurement(CdsMetrics metrics, string key, Activity? activity)
        {
            _metrics = metrics;
            _key = key;
            _activity = activity;
        }

        /// <summary>The data was read.</summary>
        public void Succeeded() => Record(failed: false);

        /// <summary>The query failed, or returned only part of the data.</summary>
        public void Failed() => Record(failed: true);

        public void Dispose() => _activity?.Dispose();

        private void Record(bool failed)
        {
            if (_recorded)
            {
                return;
            }

            _recorded = true;
            _metrics.RecordFhirQuery(_key, failed, Stopwatch.GetElapsedTime(_started).TotalSeconds);
            _activity?.SetTag("cds.fhir.result", failed ? "failure" : "success");
            if (failed)
            {
                _activity?.SetStatus(ActivityStatusCode.Error);
            }
        }
    }
}
