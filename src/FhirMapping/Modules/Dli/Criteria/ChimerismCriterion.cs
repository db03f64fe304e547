using System.Globalization;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation.Criteria;

/// <summary>
/// I.C: mixed donor chimerism, read per (specimen, lineage) series. The latest result of each series after the
/// allogeneic HCT decides; mixed in any series counts as mixed. Ties (the same day without times) decide only when they
/// agree; an unsorted result is superseded by newer lineage results of the same specimen. A result dated on the day of
/// the transplant, a comparator that straddles the threshold, or a full-donor result stated only in a note is for review.
/// </summary>
internal sealed class ChimerismCriterion(CriterionWriter writer, ThresholdsDocument thresholds)
{
    private const string Id = CriterionIds.MixedChimerism;
    private const string Unsorted = "Unsorted";

    public CriterionResult Evaluate(ClinicalFacts facts, EffectiveTime? transplant)
    {
        var threshold = thresholds.FullDonorChimerismPercent;
        var after = new List<ChimerismFact>();
        var unplaced = new List<ChimerismFact>();
        var tentative = new List<ChimerismFact>();
        foreach (var result in facts.Chimerism)
        {
            var position = transplant is null ? TimePosition.After : Chronology.Relative(result.Evidence.When, transplant);
            if (position is null or TimePosition.Unknown)
            {
                unplaced.Add(result);
            }
            else if (position == TimePosition.After)
            {
                (result.Evidence.Certainty == Certainty.Confirmed ? after : tentative).Add(result);
            }
        }

        var series = after
            .GroupBy(c => (c.Specimen, c.Lineage))
            .Select(g => (g.Key.Specimen, g.Key.Lineage, Latest: Chronology.Latest(g.ToList(), c => c.Evidence.When)))
            .ToList();

        // An unsorted (whole sample) result is superseded by a newer lineage result from the same specimen.
        series.RemoveAll(s => s.Lineage == Unsorted && series.Any(o => o.Specimen == s.Specimen && o.Lineage != Unsorted
            && o.Latest.Any(r => s.Latest.All(u => Chronology.Relative(r.Evidence.When, u.Evidence.When) == TimePosition.After))));
        series.Sort((a, b) => string.CompareOrdinal($"{a.Specimen}/{a.Lineage}", $"{b.Specimen}/{b.Lineage}"));

        var mixed = new List<ChimerismFact>();
        var full = new List<ChimerismFact>();
        var reviews = new List<ReviewItem>();
        foreach (var (specimen, lineage, latest) in series)
        {
            var readings = latest.Select(r => r.Read(threshold)).Distinct().ToList();
            var name = specimen == "Unspecified" ? lineage : $"{lineage} ({specimen.ToLowerInvariant()})";
            if (readings.Count > 1)
            {
                reviews.Add(CriterionWriter.Item(Id, $"Conflicting results in the {name} series", latest.Select(r => r.Evidence)));
            }
            else if (readings[0] == ChimerismReading.Mixed)
            {
                mixed.AddRange(latest);
            }
            else if (readings[0] == ChimerismReading.Indeterminate)
            {
                reviews.Add(CriterionWriter.Item(Id, $"Result does not say whether donor chimerism is at least {Format(threshold)}%", latest.Select(r => r.Evidence)));
            }
            else
            {
                full.AddRange(latest);
            }
        }

        // A newer preliminary result in a mixed series may say full donor: the older mixed result does not decide alone.
        var newerPreliminary = tentative
            .Where(t => mixed.Any(m => m.Specimen == t.Specimen && m.Lineage == t.Lineage && Chronology.Relative(t.Evidence.When, m.Evidence.When) == TimePosition.After)
                && t.Read(threshold) != ChimerismReading.Mixed)
            .ToList();
        if (newerPreliminary.Count > 0)
        {
            return writer.Review(Id, "Mixed chimerism on record, but a newer preliminary result may say otherwise", [.. mixed.Select(c => c.Evidence), .. newerPreliminary.Select(c => c.Evidence)],
                CriterionWriter.Item(Id, "Preliminary result newer than the mixed one", newerPreliminary.Select(c => c.Evidence), "wait for the final result"));
        }

        if (mixed.Count > 0)
        {
            var lineages = string.Join(", ", mixed.Select(c => $"{c.Lineage} {Format(c.DonorPercent)}%").Distinct(StringComparer.Ordinal));
            return writer.Result(Id, CriterionStatus.Met, $"Mixed donor chimerism (< {Format(threshold)}% donor): {lineages}", [.. mixed.Select(c => c.Evidence)]);
        }

        var textOnly = full.Where(c => c.Evidence.IsTextOnly).ToList();
        if (textOnly.Count > 0)
        {
            reviews.Add(CriterionWriter.Item(Id, "Stated only in a note", textOnly.Select(c => c.Evidence), "confirm with the laboratory report"));
        }

        if (reviews.Count == 0 && full.Count > 0)
        {
            return writer.Result(Id, CriterionStatus.NotMet, $"{writer.Summary(Id, CriterionStatus.NotMet)} (≥ {Format(threshold)}% donor)", [.. full.Select(c => c.Evidence)]);
        }

        if (tentative.Count > 0)
        {
            reviews.Add(CriterionWriter.Item(Id, "Preliminary result", tentative.Select(c => c.Evidence), "wait for the final result"));
        }

        if (unplaced.Count > 0 && full.Count + reviews.Count > 0)
        {
            reviews.Add(CriterionWriter.Item(Id, "Dated so that it cannot be placed after the transplant", unplaced.Select(c => c.Evidence)));
        }

        var evidence = after.Concat(unplaced).Concat(tentative).Select(c => c.Evidence).ToList();
        if (reviews.Count > 0)
        {
            return writer.Review(Id, "Chimerism results need review", evidence, [.. reviews]);
        }

        var note = unplaced.Count > 0 ? "Chimerism results on record are undated or dated the day of the transplant"
            : facts.Chimerism.Count > 0 ? "Chimerism results on record are all from before the transplant"
            : "No chimerism result on record";
        return writer.Result(Id, CriterionStatus.Unknown, note, [.. facts.Chimerism.Select(c => c.Evidence)]);
    }

    private static string Format(decimal value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
