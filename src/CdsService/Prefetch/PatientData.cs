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

/// <summary>A resource or Bundle and the prefetch key it came in (from prefetch or the query).</summary>
internal sealed record KeyedItem(string Key, JsonElement Item);

/// <summary>The patient's data for one hook call: resources and Bundles by key, and where each key's data came from.</summary>
internal sealed record PatientData(
    IReadOnlyList<KeyedItem> Keyed,
    IReadOnlyDictionary<string, DataSource> Sources,
    IReadOnlyList<DataFailure> Failures)
{
    /// <summary>The resources and Bundles, whatever their key.</summary>
    public IEnumerable<JsonElement> Items => Keyed.Select(k => k.Item);

    /// <summary>
    /// Where the Coverage selection reads the patient's Coverages and payors: the few resources <see cref="PatientDataIndex"/>
    /// set apart, once the data is indexed; until then every item.
    /// </summary>
    public IEnumerable<JsonElement> CoverageItems => Coverage ?? Items;

    /// <summary>The Coverages and Organizations among the items, once indexed (<see cref="PatientDataIndex.Coverage"/>).</summary>
    public IReadOnlyList<JsonElement>? Coverage { get; init; }
}
