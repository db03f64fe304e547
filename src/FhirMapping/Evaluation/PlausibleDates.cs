using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation;

/// <summary>
/// The one judge of whether a record's date can be true. A date is implausible when the record is dated wholly before
/// the patient's birth date, wholly before 1 January of <c>thresholds.earliestPlausibleYear</c>, or wholly after the
/// day of the decision by more than <c>thresholds.futureToleranceDays</c>. "Wholly" reads partial dates as the ranges
/// they are: a record of "1980" is not before a birth date of 1980-05-02, nor a record of 1980-03 before a birth year of
/// 1980. Records about someone else (family history) are not judged, and planned or tentative ones may lie in the future.
/// When the patient's Patient resources give birth dates that disagree (<see cref="BirthDates.Conflict"/>), a record
/// wholly before the earliest of them cannot be true whichever is right; one before a later one but not the earliest is
/// uncertain, not implausible: <see cref="BirthDateConflict"/> names it, and a criterion it would change is for review.
/// </summary>
public sealed class PlausibleDates
{
    private readonly DateOnly _floor;
    private readonly int _futureToleranceDays;

    public PlausibleDates(int earliestPlausibleYear, int futureToleranceDays)
    {
        _floor = new DateOnly(earliestPlausibleYear, 1, 1);
        _futureToleranceDays = futureToleranceDays;
    }

    /// <summary>The rule of a policy file with thresholds; null for a file without them (a generic policy: no rule).</summary>
    public static PlausibleDates? For(PolicyDefinition policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Document.Thresholds is { } t ? new PlausibleDates(t.EarliestPlausibleYear, t.FutureToleranceDays) : null;
    }

    /// <summary>
    /// Why the record's date cannot be true ("dated 1 Mar 1890, before the patient's birth date 2 May 1961"), or null
    /// when it can (or the record is undated). Dates are written as the cards write them.
    /// </summary>
    public string? Implausible(EffectiveTime? when, Certainty certainty, BirthDates? birthDate, DateOnly today)
    {
        if (when is null || certainty == Certainty.Family)
        {
            return null;
        }

        if (birthDate is not null && when.Last < birthDate.Earliest.First)
        {
            return birthDate.Conflict
                ? $"dated {when}, before every birth date the patient's records give ({birthDate})"
                : $"dated {when}, before the patient's birth date {birthDate}";
        }

        if (when.Last < _floor)
        {
            return $"dated {when}, before {_floor.Year}, the earliest year the policy accepts";
        }

        var latest = DateOnly.FromDayNumber((int)Math.Min((long)today.DayNumber + _futureToleranceDays, DateOnly.MaxValue.DayNumber));
        if (when.First > latest && certainty is not (Certainty.Tentative or Certainty.Hypothetical))
        {
            return $"dated {when}, after the day of this decision ({EffectiveTime.Day(today)})";
        }

        return null;
    }

    /// <summary>
    /// Why the record's date is in doubt when the patient's birth dates disagree: it lies wholly before a later birth date
    /// but not before the earliest ("dated May 1975, before the birth date 2 Feb 1980 but not before 14 Jun 1971: the
    /// patient's records disagree"). Null when they agree, or the record is undated, family history, or implausible anyway
    /// (<see cref="Implausible"/> is asked first).
    /// </summary>
    public static string? BirthDateConflict(EffectiveTime? when, Certainty certainty, BirthDates? birthDate)
    {
        if (when is null || certainty == Certainty.Family || birthDate is not { Conflict: true } || when.Last < birthDate.Earliest.First)
        {
            return null;
        }

        var later = birthDate.Candidates.Where(b => when.Last < b.First).ToList();
        if (later.Count == 0)
        {
            return null;
        }

        var possible = birthDate.Candidates.Where(b => when.Last >= b.First);
        return $"dated {when}, before the birth date {string.Join(" and ", later)} but not before {string.Join(" and ", possible)}: the patient's Patient records give different birth dates";
    }
}
