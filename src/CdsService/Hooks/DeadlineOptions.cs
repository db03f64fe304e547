using System.ComponentModel.DataAnnotations;

namespace Cds.Service.Hooks;

/// <summary>
/// Time limits of a call (section <c>Cds:Deadlines</c>): how long a body may take to arrive, how long a hook may wait
/// for a slot, and the budget a hook call is answered within once its body is in.
/// </summary>
internal sealed class DeadlineOptions
{
    public const string SectionName = "Cds:Deadlines";

    /// <summary>
    /// A hook call's whole budget, from its body being read to its answer; within it, FHIR queries get at most
    /// <c>Cds:Fhir:HookBudget</c> and never more than what remains less <see cref="AnswerReserve"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:00:30")]
    public TimeSpan HookBudget { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time kept back from the FHIR queries for reading the record, deciding and writing the answer.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan AnswerReserve { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Longest wait for a hook slot (<c>Cds:MaxConcurrentHooks</c>); past it the answer is 503 with Retry-After. Half the
    /// budget by default: a call that waited that long still has 2 s for its FHIR queries (measured: bench/deadline-load.sh).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan SlotWait { get; set; } = TimeSpan.FromSeconds(2.5);

    /// <summary>Most hook calls waiting for a slot at once; one more is answered 503 at once.</summary>
    [Range(0, 100_000)]
    public int MaxQueuedHooks { get; set; } = 64;

    /// <summary>The Retry-After of a 503.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest time for a request body to arrive in full (408 past it); read before a hook slot is taken.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan BodyRead { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Slowest accepted request body (Kestrel's minimum data rate), in bytes per second after a 2 s grace period (Kestrel requires more than 1 s).</summary>
    [Range(0, 100_000_000)]
    public double MinBodyBytesPerSecond { get; set; } = 4096;

    /// <summary>Longest time for the request headers to arrive (Kestrel).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestHeaders { get; set; } = TimeSpan.FromSeconds(10);
}
