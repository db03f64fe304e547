using Cds.FhirMapping.Evaluation.Criteria;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation;

/// <summary>
/// A record whose date cannot be true (<see cref="PlausibleDates"/>), or is in doubt because the patient's birth dates
/// disagree (<see cref="BirthDateConflict"/> true), and why.
/// </summary>
public sealed record ImplausibleRecord(Evidence Evidence, string Why, bool BirthDateConflict = false);

/// <summary>
/// Evidence whose date cannot be true is uncertain: it is set aside before the criteria are read, and a criterion it
/// would have decided is for review. The policy is read twice when a record holds such evidence: without it (what the
/// plausible records decide) and with it at face value. A criterion the two readings decide alike stands on the
/// plausible records; one they decide differently is unknown, with a review item naming each implausible record.
/// A record dated before one of the patient's disagreeing birth dates but not before another is set aside the same way
/// (it may be true, it may not): a criterion it would change is for review as "Conflicting birth dates", naming them.
/// </summary>
internal static class ImplausibleEvidence
{
    private const string Reason = "Implausible date";
    private const string ConflictReason = "Conflicting birth dates";

    /// <summary>The facts without the implausible evidence, and that evidence; the same facts when there is none.</summary>
    public static (ClinicalFacts Plausible, IReadOnlyList<ImplausibleRecord> Records) Screen(ClinicalFacts facts, PlausibleDates dates, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var screen = new Screening(dates, facts.BirthDate, today);
        var transplants = screen.Keep(facts.Transplants, t => t.Evidence, t => t.When ?? t.Evidence.When);
        var statuses = screen.Keep(facts.DiseaseStatus, s => s.Evidence);
        var malignancies = screen.Keep(facts.Malignancies, m => m.Evidence);
        var signals = screen.Keep(facts.AllogeneicSignals, e => e);
        var relapseRisk = screen.Keep(facts.RelapseRisk, r => r.Evidence);
        var chimerism = screen.Keep(facts.Chimerism, c => c.Evidence);
        var doses = screen.Keep(facts.Conditioning.Doses, d => d.Evidence);
        var unreadableDoses = screen.Keep(facts.Conditioning.UnreadableDoses, d => d.Evidence);
        var radiation = screen.Keep(facts.Conditioning.Radiation, r => r.Evidence);
        var bodyMeasures = screen.Keep(facts.Conditioning.BodyMeasures, b => b.Evidence);
        var nonMalignant = screen.Keep(facts.NonMalignantIndications, e => e);
        var notes = screen.Keep(facts.Notes, n => n.Evidence);
        var findings = screen.Keep(facts.Findings, f => f.Evidence);
        if (screen.Found is null)
        {
            return (facts, []);
        }

        var plausible = facts with
        {
            Transplants = transplants,
            DiseaseStatus = statuses,
            Malignancies = malignancies,
            AllogeneicSignals = signals,
            RelapseRisk = relapseRisk,
            Chimerism = chimerism,
            Conditioning = facts.Conditioning with { Doses = doses, UnreadableDoses = unreadableDoses, Radiation = radiation, BodyMeasures = bodyMeasures },
            NonMalignantIndications = nonMalignant,
            Notes = notes,
            Findings = findings,
        };

        // One record may give several facts (an HCT Procedure is also its graft's record): each is named once.
        return (plausible, [.. screen.Found.DistinctBy(r => (r.Evidence.Reference, r.Why))]);
    }

    /// <summary>
    /// One criterion's answer from the plausible records, kept when the implausible ones read at face value decide it
    /// alike; otherwise unknown, for review. An unknown criterion also names the implausible records it reads or cites.
    /// </summary>
    public static CriterionResult Decide(CriterionWriter writer, CriterionResult plausible, CriterionResult atFaceValue, IReadOnlyList<ImplausibleRecord> records, IReadOnlyList<string> reads)
    {
        if (plausible.Status != atFaceValue.Status)
        {
            var cited = records.Where(r => Cites(atFaceValue, r.Evidence)).ToList();
            var named = cited.Count > 0 ? cited : records;
            var why = named.All(r => r.BirthDateConflict)
                ? "a record dated before one of the patient's birth dates (the Patient records disagree) would decide it otherwise"
                : "a record whose date cannot be true would decide it otherwise";
            return writer.Review(plausible.Id, $"{plausible.Summary}; {why}", plausible.Evidence, [.. plausible.Review, .. Items(plausible.Id, named)]);
        }

        if (plausible.Status == CriterionStatus.Unknown)
        {
            var named = records.Where(r => Cites(atFaceValue, r.Evidence) || reads.Contains(r.Evidence.ResourceType, StringComparer.Ordinal)).ToList();
            if (named.Count > 0)
            {
                return plausible with { Review = [.. plausible.Review, .. Items(plausible.Id, named)] };
            }
        }

        return plausible;
    }

    private static IEnumerable<ReviewItem> Items(string id, IEnumerable<ImplausibleRecord> records) =>
        records.Select(r => r.BirthDateConflict
            ? CriterionWriter.Item(id, ConflictReason, [r.Evidence], $"{r.Why}; not counted until the birth date is confirmed")
            : CriterionWriter.Item(id, Reason, [r.Evidence], $"{r.Why}; not counted until the date is confirmed"));

    private static bool Cites(CriterionResult result, Evidence evidence) =>
        result.Evidence.Contains(evidence) || result.Review.Any(i => i.Evidence.Contains(evidence));

    // Judges each fact once; the lists are copied only from the first implausible one on.
    private sealed class Screening(PlausibleDates dates, BirthDates? birthDate, DateOnly today)
    {
        public List<ImplausibleRecord>? Found { get; private set; }

        public IReadOnlyList<T> Keep<T>(IReadOnlyList<T> items, Func<T, Evidence> evidence, Func<T, EffectiveTime?>? when = null)
        {
            List<T>? kept = null;
            for (var i = 0; i < items.Count; i++)
            {
                var e = evidence(items[i]);
                var dated = when is null ? e.When : when(items[i]);
                var found = dates.Implausible(dated, e.Certainty, birthDate, today) is { } why ? new ImplausibleRecord(e, why)
                    : PlausibleDates.BirthDateConflict(dated, e.Certainty, birthDate) is { } doubt ? new ImplausibleRecord(e, doubt, BirthDateConflict: true)
                    : null;
                if (found is not null)
                {
                    kept ??= [.. items.Take(i)];
                    (Found ??= []).Add(found);
                }
                else
                {
                    kept?.Add(items[i]);
                }
            }

            return kept ?? items;
        }
    }
}
