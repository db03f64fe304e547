namespace Cds.Service.Policy;

/// <summary>Service-wide settings (section <c>Cds</c>).</summary>
internal sealed class CdsOptions
{
    public const string SectionName = "Cds";

    /// <summary>A policy file to use instead of the embedded Medical Policy 45.03 (for a revision without a rebuild).</summary>
    public string? PolicyFile { get; set; }

    /// <summary>
    /// A folder of policy files (every <c>*.json</c> in it but <c>*.schema.json</c>), each governing its own service codes;
    /// instead of <see cref="PolicyFile"/>. With neither, the embedded Medical Policy 45.03 serves.
    /// </summary>
    public string? PolicyFolder { get; set; }

    /// <summary>Whether a change to the policy folder (or file) is loaded without a restart.</summary>
    public bool PolicyReload { get; set; } = true;

    /// <summary>How long after the last change to the policy folder it is read again (an editor writes a file in steps).</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PolicyReloadDebounce { get; set; } = TimeSpan.FromMilliseconds(500);

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

    /// <summary>
    /// Request-body bytes a hook slot stands for: a call takes one of the <see cref="MaxConcurrentHooks"/> slots per this
    /// many bytes of body (at least one, at most all), so a heavy body is decided with fewer others at once. Each call in
    /// progress holds its body, a parse of it about twice its size, and the record read from it. 0: one slot a call.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(long), "0", "68719476736")]
    public long BodyBytesPerHookSlot { get; set; } = 512L * 1024;

    /// <summary>
    /// Request-body bytes of hook calls held at once, reserved before a body is read (more wait, unread, within the
    /// slot wait, then 503): bodies are read before a hook slot is taken, so without it 32 connections of 1.8 MB held 32
    /// bodies at once. 16 MB: <c>Cds:Security:MaxRequestBodyBytes</c>, 9 heavy (2,000-resource) bodies, of which 2 are
    /// decided at once (4 slots each, <see cref="BodyBytesPerHookSlot"/>), about 370 typical ones; 32 MB measured ~30 MB
    /// more peak RSS at heavy c32 (bench/fixes.md); 8 MB with weighted slots no less than 16 MB (bench/fixes.md, third round).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(long), "65536", "68719476736")]
    public long MaxBodyBytesInFlight { get; set; } = 16L * 1024 * 1024;
}
