namespace Cds.Service.Policy;

/// <summary>Service-wide settings (section <c>Cds</c>).</summary>
internal sealed class CdsOptions
{
    public const string SectionName = "Cds";

    /// <summary>A policy file to use instead of the embedded Medical Policy 45.03 (for a revision without a rebuild).</summary>
    public string? PolicyFile { get; set; }

    /// <summary>The insurer name on cards (<c>source.label</c>); the policy file's insurer when empty.</summary>
    public string? Insurer { get; set; }

    /// <summary>Absolute URL of the published policy; when empty, the service's own <c>/policies/{id}</c> page.</summary>
    public Uri? PolicyUrl { get; set; }

    /// <summary>CRD <c>pa-needed</c> for a covered or conditional DLI; the policy file's value when empty.</summary>
    public string? PriorAuthorization { get; set; }

    /// <summary>Path of <c>cds-services.json</c>; next to the binary when empty.</summary>
    public string? DiscoveryFile { get; set; }

    /// <summary>Where the coverage assertion ledger (SQLite, unless ConnectionStrings:Ledger names PostgreSQL) and its spool are kept.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Hook calls in progress at once (more wait, unread, until one finishes). Each holds its request and the patient's
    /// record in memory; 8 keeps a 2-core machine busy while waiting on slow FHIR servers (measured: BENCHMARKS.md).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int MaxConcurrentHooks { get; set; } = 8;
}
