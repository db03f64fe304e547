using System.Diagnostics.Metrics;
using Cds.Service.Telemetry;

namespace Cds.Service.Hooks;

/// <summary>
/// Calls answered early because a deadline would be missed: <c>cds.hook.deadline.refused</c> (by <c>cds.reason</c>:
/// <c>no-slot</c> = 503, every hook slot busy past the wait; <c>no-body-budget</c> = 503, the request-body budget
/// (<c>Cds:MaxBodyBytesInFlight</c>) stayed spent past the wait; <c>body-timeout</c> = 408, the body did not arrive in time).
/// </summary>
internal sealed class DeadlineMetrics
{
    public const string NoSlot = "no-slot";
    public const string NoBodyBudget = "no-body-budget";
    public const string BodyTimeout = "body-timeout";

    private readonly Counter<long> _refused;

    public DeadlineMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The factory hands out the one Cds.Service meter (same name and version as CdsMetrics').
        var meter = meterFactory.Create(new MeterOptions(CdsMetrics.Name) { Version = typeof(CdsMetrics).Assembly.GetName().Version?.ToString() });
        _refused = meter.CreateCounter<long>("cds.hook.deadline.refused", "{call}", "Hook calls answered early (503 or 408) because they could not be answered within their deadline.");
    }

    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("cds.reason", reason));
}
