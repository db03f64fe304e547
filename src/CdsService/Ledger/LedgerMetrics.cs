using System.Diagnostics.Metrics;

namespace Cds.Service.Ledger;

/// <summary>
/// The ledger's instruments, on the service's meter <c>Cds.Service</c> (so they are exported with the others):
/// <c>cds.ledger.records.written</c>, <c>cds.ledger.write.duration</c> (s, one batch), <c>cds.ledger.write.retries</c>,
/// <c>cds.ledger.records.deferred</c> (the answer went out before its record was written),
/// <c>cds.ledger.records.spooled</c> (kept in a local file until the store takes them), <c>cds.ledger.records.lost</c>
/// (neither the store nor the spool took them: alert on any), <c>cds.ledger.hook.wait</c> (s) and the gauges
/// <c>cds.ledger.queue.length</c> and <c>cds.ledger.spool.files</c>.
/// </summary>
internal sealed class LedgerMetrics : IDisposable
{
    public const string MeterName = "Cds.Service";

    private readonly Meter _meter;
    private readonly Counter<long> _written;
    private readonly Histogram<double> _writeDuration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _deferred;
    private readonly Counter<long> _spooled;
    private readonly Counter<long> _lost;
    private readonly Histogram<double> _hookWait;
    private Func<int> _queueLength = () => 0;
    private Func<int> _spoolFiles = () => 0;

    public LedgerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(new MeterOptions(MeterName) { Tags = [new("cds.component", "ledger")] });
        _written = _meter.CreateCounter<long>("cds.ledger.records.written", "{record}", "Hook call records written to the ledger store.");
        _writeDuration = _meter.CreateHistogram<double>(
            "cds.ledger.write.duration", "s", "Time to write one batch of records to the ledger store.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5] });
        _retries = _meter.CreateCounter<long>("cds.ledger.write.retries", "{attempt}", "Failed attempts to write to the ledger store that were retried.");
        _deferred = _meter.CreateCounter<long>("cds.ledger.records.deferred", "{record}", "Hook answers sent before their record was written (it is written in the background).");
        _spooled = _meter.CreateCounter<long>("cds.ledger.records.spooled", "{record}", "Records kept in the local spool because the store did not take them.");
        _lost = _meter.CreateCounter<long>("cds.ledger.records.lost", "{record}", "Records that neither the store nor the spool took. Alert on any.");
        _hookWait = _meter.CreateHistogram<double>(
            "cds.ledger.hook.wait", "s", "Time a hook answer waited for its ledger record.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1] });
        _meter.CreateObservableGauge("cds.ledger.queue.length", () => _queueLength(), "{record}", "Records waiting to be written.");
        _meter.CreateObservableGauge("cds.ledger.spool.files", () => _spoolFiles(), "{record}", "Records waiting in the local spool.");
    }

    public void Observe(Func<int> queueLength, Func<int> spoolFiles)
    {
        _queueLength = queueLength;
        _spoolFiles = spoolFiles;
    }

    public void Written(int records, TimeSpan elapsed)
    {
        _written.Add(records);
        _writeDuration.Record(elapsed.TotalSeconds);
    }

    public void Retried() => _retries.Add(1);

    public void Deferred() => _deferred.Add(1);

    public void Spooled(int records) => _spooled.Add(records);

    public void Lost(int records) => _lost.Add(records);

    public void HookWaited(TimeSpan elapsed) => _hookWait.Record(elapsed.TotalSeconds);

    public void Dispose() => _meter.Dispose();
}
