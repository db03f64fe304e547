using System.Text.Json;

namespace Cds.Service.Prefetch;

/// <summary>Where one prefetch key's data came from.</summary>
internal enum DataSource
{
    Prefetch,
    PrefetchNull,
    Query,
    Failed,
    NotAvailable,
}

/// <summary>A prefetch key whose data could not be had, and why (no patient data in the reason).</summary>
internal sealed record DataFailure(string Key, string Reason);

/// <summary>The patient's data for one hook call: resources and Bundles, and where each key's data came from.</summary>
internal sealed record PatientData(
    IReadOnlyList<JsonElement> Items,
    IReadOnlyDictionary<string, DataSource> Sources,
    IReadOnlyList<DataFailure> Failures);
