using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation;

/// <summary>Ordering records in time without guessing: only a clear gap orders two records.</summary>
internal static class Chronology
{
    /// <summary>
    /// The records that may be the latest: each one that no other record is clearly after. Undated records count only
    /// when none is dated. Several results mean a tie (the same day without times, overlapping partial dates): the
    /// caller decides them only when they agree, and reports a conflict otherwise. Bundle order never matters.
    /// </summary>
    public static IReadOnlyList<T> Latest<T>(IReadOnlyCollection<T> items, Func<T, EffectiveTime?> time)
    {
        var dated = items.Where(i => time(i) is not null).ToList();
        if (dated.Count == 0)
        {
            return [.. items];
        }

        return [.. dated.Where(i => !dated.Any(other => time(other)!.Compare(time(i)!) == TimePosition.After))];
    }

    /// <summary>Where a record lies relative to the transplant (an undated record or an unknown transplant: null).</summary>
    public static TimePosition? Relative(EffectiveTime? record, EffectiveTime? transplant) =>
        record is null || transplant is null ? null : record.Compare(transplant);
}
