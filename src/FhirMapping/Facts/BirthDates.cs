namespace Cds.FhirMapping.Facts;

/// <summary>
/// The patient's birth date as the record's Patient resources give it (every Patient of <c>context.patientId</c>: the
/// prefetch's, one inside another key's Bundle, another version). Dates that agree narrow to the most precise: "1971"
/// beside "1971-06-14" is 14 Jun 1971. Dates that cannot both be true (14 Jun 1971 and 2 Feb 1980) are kept apart, earliest
/// first: a record dated before all of them cannot be true under any reading, one dated before some of them depends on
/// which Patient is right (<see cref="Evaluation.PlausibleDates"/> judges both).
/// </summary>
public sealed class BirthDates
{
    private BirthDates(IReadOnlyList<EffectiveTime> candidates) => Candidates = candidates;

    /// <summary>The birth dates that disagree, earliest first; a single one when the Patients agree.</summary>
    public IReadOnlyList<EffectiveTime> Candidates { get; }

    /// <summary>The earliest birth date on record: a record wholly before it cannot be true whichever Patient is right.</summary>
    public EffectiveTime Earliest => Candidates[0];

    /// <summary>The latest birth date on record (the earliest when they agree).</summary>
    public EffectiveTime Latest => Candidates[^1];

    /// <summary>True when the Patients give birth dates that cannot all be true.</summary>
    public bool Conflict => Candidates.Count > 1;

    /// <summary>The one birth date when the Patients agree; null when they disagree.</summary>
    public EffectiveTime? Agreed => Conflict ? null : Earliest;

    /// <summary>A single birth date (null stays null).</summary>
    public static BirthDates? Of(EffectiveTime? date) => date is null ? null : new BirthDates([date]);

    /// <summary>
    /// The birth dates the Patients give, narrowed: a date that another, more precise one lies wholly within ("1971" and
    /// "1971-06-14") is the more precise one; what remains disagrees. Null when no Patient gave a readable birth date.
    /// </summary>
    public static BirthDates? From(IEnumerable<EffectiveTime> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var dates = read.DistinctBy(d => (d.First, d.Last)).ToList();
        if (dates.Count == 0)
        {
            return null;
        }

        // Keep a date unless a narrower date lies wholly within it (it is that date, said less precisely). Dates of
        // calendar precision nest or are disjoint; two that merely overlap are kept apart, as a conflict.
        var kept = dates.Where(d => !dates.Any(o => !ReferenceEquals(o, d) && o.Within(d.First, d.Last))).ToList();
        return new BirthDates([.. kept.OrderBy(d => d.First).ThenBy(d => d.Last)]);
    }

    /// <summary>"14 Jun 1971", or "14 Jun 1971 and 2 Feb 1980" when they disagree.</summary>
    public override string ToString() => string.Join(" and ", Candidates);
}
