using System.ComponentModel.DataAnnotations;

namespace Cds.Service.Ledger;

/// <summary>
/// The coverage assertion ledger (section <c>Cds:Ledger</c>). The store is PostgreSQL when the connection string
/// <c>ConnectionStrings:Ledger</c> is set, otherwise a SQLite file <c>{Cds:DataDirectory}/ledger.db</c>.
/// </summary>
internal sealed class LedgerOptions : IValidatableObject
{
    public const string SectionName = "Cds:Ledger";

    /// <summary>The name of the connection string (<c>ConnectionStrings:Ledger</c>) that selects PostgreSQL.</summary>
    public const string ConnectionStringName = "Ledger";

    /// <summary>How long hook calls, their answers and feedback are kept; older records are purged. Ten years by default.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36525.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(3653);

    /// <summary>How often expired records (and expired JWT ids) are purged.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The longest a hook answer waits for its record to be written; past it the answer goes out and the write finishes
    /// in the background (retried, and spooled to the data directory if it finally fails).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan WriteWait { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// With the SQLite store, the longest a hook answer waits for its commit (at most <see cref="WriteWait"/>): past it
    /// the hook keeps a copy of its record in the spool, written without an fsync, and answers. A SQLite commit at
    /// <c>synchronous=NORMAL</c> is itself only in the OS page cache, so the copy is as durable as the commit it stands
    /// in for (a crash of the process loses neither; a power loss can lose either), and a commit held up by a WAL
    /// restart's fsyncs or a slow disk no longer holds the answer (issue 14: the p99 of the hooks). Not shorter by
    /// default: a copy costs a few hundred µs of CPU (and its removal as much), so a bound that a commit on a busy CPU
    /// overruns would turn an overload into a storm of copies (bench/fixes.md).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan LocalWriteWait { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Records waiting to be written, at most; past it a record is spooled to a local file instead.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Attempts to write a batch before its records are spooled.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait after the first failed attempt; doubled after each further one (at most 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often spooled records are offered to the store again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SpoolRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The payer's identity provider (OpenID Connect issuer) whose tokens may read the ledger.</summary>
    public Uri? Authority { get; set; }

    /// <summary>The <c>aud</c> those tokens must carry (this service's API identifier at the payer's identity provider).</summary>
    public string? Audience { get; set; }

    /// <summary>When set, a token must also carry this scope (<c>scope</c> or <c>scp</c>), e.g. <c>coverage-assertions.read</c>.</summary>
    public string? RequiredScope { get; set; }

    /// <summary>Fetch the identity provider's metadata over https only (turn off for a local test identity provider only).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Authority is not null && string.IsNullOrWhiteSpace(Audience))
        {
            yield return new ValidationResult("Cds:Ledger:Audience is required when Cds:Ledger:Authority is set.", [nameof(Audience)]);
        }

        if (Authority is { } authority && (!authority.IsAbsoluteUri || (RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("Cds:Ledger:Authority must be an absolute https URL (or set Cds:Ledger:RequireHttpsMetadata to false for a local test identity provider).", [nameof(Authority)]);
        }
    }
}
