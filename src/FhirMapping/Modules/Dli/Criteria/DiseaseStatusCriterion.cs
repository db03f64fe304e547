using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation.Criteria;

/// <summary>
/// I.A: a hematologic malignancy that has relapsed or is refractory. The latest confirmed status after the transplant
/// decides, per disease (a status applies to the disease it names; an unnamed one to the malignancy on record).
/// Statuses from before the transplant are stale; one whose date cannot be placed against it, or tentative, does not
/// decide; two latest statuses that disagree are a conflict for review, never settled by the order they arrived in.
/// </summary>
internal sealed class DiseaseStatusCriterion(CriterionWriter writer)
{
    private const string Id = CriterionIds.RelapsedOrRefractory;

    /// <param name="facts">The patient's facts.</param>
    /// <param name="transplant">When the latest allogeneic HCT was (null: unknown).</param>
    /// <param name="undatedTransplant">True when an allogeneic HCT is on record (or implied) but its date is not.</param>
    public CriterionResult Evaluate(ClinicalFacts facts, EffectiveTime? transplant, bool undatedTransplant)
    {
        var heme = facts.Malignancies.Where(m => m.Kind == MalignancyKind.Hematologic && m.Evidence.Certainty == Certainty.Confirmed).ToList();
        if (heme.Count == 0)
        {
            return WithoutHematologicMalignancy(facts);
        }

        // Without the transplant's date no status can be told current or stale: the relapse that led to the transplant
        // and a relapse after it look alike. The record is for review, whichever way it points.
        if (undatedTransplant)
        {
            var dated = facts.DiseaseStatus.Where(s => s.Evidence.Certainty == Certainty.Confirmed).Select(s => s.Evidence).ToList();
            if (dated.Count > 0)
            {
                return writer.Review(Id, "Disease status on record, but the transplant's date is not, so it cannot be told current", dated,
                    CriterionWriter.Item(Id, "Transplant date unknown", dated, "record the date of the allogeneic HCT"));
            }
        }

        var diseases = heme.Select(m => m.Disease).Distinct(StringComparer.Ordinal).ToList();
        var applicable = facts.DiseaseStatus.Where(s => s.Disease is null || diseases.Contains(s.Disease, StringComparer.Ordinal)).ToList();
        var current = new List<DiseaseStatusFact>();
        var unplaced = new List<DiseaseStatusFact>();
        var tentative = new List<DiseaseStatusFact>();
        var unstated = new List<DiseaseStatusFact>();
        foreach (var status in applicable)
        {
            var position = Chronology.Relative(status.Evidence.When, transplant);
            var isCurrent = status.OnlyIfAfterTransplant
                ? position == TimePosition.After
                : position is null or TimePosition.After;
            if (position == TimePosition.Unknown)
            {
                unplaced.Add(status);
            }
            else if (!isCurrent)
            {
                continue;
            }
            else if (status.Status == DiseaseStatus.Unstated)
            {
                unstated.Add(status);
            }
            else if (status.Evidence.Certainty != Certainty.Confirmed)
            {
                tentative.Add(status);
            }
            else
            {
                current.Add(status);
            }
        }

        var relapsed = new List<DiseaseStatusFact>();
        var conflicts = new List<DiseaseStatusFact>();
        var remission = new List<DiseaseStatusFact>();
        var undecided = 0;
        foreach (var disease in diseases)
        {
            var pool = current.Where(s => s.Disease is null || s.Disease == disease).ToList();
            if (pool.Count == 0)
            {
                undecided++;
                continue;
            }

            var latest = Chronology.Latest(pool, s => s.Evidence.When);
            var relapse = latest.Where(s => s.Status is DiseaseStatus.Relapsed or DiseaseStatus.Refractory).ToList();
            if (relapse.Count == latest.Count)
            {
                relapsed.AddRange(relapse);
            }
            else if (relapse.Count > 0)
            {
                conflicts.AddRange(latest);
            }
            else
            {
                remission.AddRange(latest);
            }
        }

        // A newer remission that is only tentative does not let an older relapse decide, nor does it decide itself.
        var newerTentativeRemission = tentative
            .Where(t => t.Status == DiseaseStatus.Remission && relapsed.Count > 0
                && relapsed.All(r => Chronology.Relative(t.Evidence.When, r.Evidence.When) == TimePosition.After))
            .ToList();
        if (newerTentativeRemission.Count > 0)
        {
            List<Evidence> evidence = [.. relapsed.Select(r => r.Evidence), .. newerTentativeRemission.Select(t => t.Evidence)];
            return writer.Review(Id, "A relapse is on record, but a newer record of remission is only tentative", evidence,
                CriterionWriter.Item(Id, "Tentative record newer than the relapse", newerTentativeRemission.Select(t => t.Evidence), "confirm the current disease status"));
        }

        // A disease-status record as new as the records that would decide, whose status the policy's codes do not name
        // ("CR, MRD negative" in words after a coded relapse): the current status is for a reviewer to read.
        List<DiseaseStatusFact> deciding = relapsed.Count > 0 ? relapsed : conflicts.Count > 0 ? [] : remission;
        var newerUnstated = unstated
            .Where(u => deciding.Count > 0 && deciding.All(d => Chronology.Relative(u.Evidence.When, d.Evidence.When) is TimePosition.After or TimePosition.Unknown))
            .ToList();
        if (newerUnstated.Count > 0)
        {
            List<Evidence> evidence = [.. deciding.Select(d => d.Evidence), .. newerUnstated.Select(u => u.Evidence)];
            return writer.Review(Id, "A newer disease-status record states a status the policy's codes do not name", evidence,
                CriterionWriter.Item(Id, "Disease status not coded", newerUnstated.Select(u => u.Evidence), "read the status; record it as relapse, refractory or remission"));
        }

        if (relapsed.Count > 0)
        {
            var words = relapsed.Any(r => r.Status == DiseaseStatus.Relapsed) ? "relapsed" : "refractory";

            // Cite the diagnosis only when the status came from elsewhere (a disease-status Observation).
            var fromDiagnosis = relapsed.Any(r => heme.Any(m => m.Evidence.Reference == r.Evidence.Reference) || r.Evidence.ResourceType == "ServiceRequest");
            IEnumerable<Evidence> cited = fromDiagnosis ? relapsed.Select(r => r.Evidence) : heme.Take(1).Select(m => m.Evidence).Concat(relapsed.Select(r => r.Evidence));
            return writer.Result(Id, CriterionStatus.Met, $"Hematologic malignancy {words}", [.. cited.Distinct()]);
        }

        if (conflicts.Count > 0)
        {
            var evidence = conflicts.Select(c => c.Evidence).ToList();
            return writer.Review(Id, "The latest disease status records disagree", evidence, CriterionWriter.Item(Id, "Conflicting records", evidence));
        }

        var reviews = new List<ReviewItem>();
        if (tentative.Any(t => t.Status is DiseaseStatus.Relapsed or DiseaseStatus.Refractory))
        {
            reviews.Add(CriterionWriter.Item(Id, "Tentative record", tentative.Select(t => t.Evidence), "provisional, differential, unconfirmed, preliminary, or a relapse recorded as abated"));
        }

        if (unplaced.Count > 0)
        {
            reviews.Add(CriterionWriter.Item(Id, "Dated so that it cannot be placed before or after the transplant", unplaced.Select(t => t.Evidence)));
        }

        if (remission.Count > 0 && undecided == 0)
        {
            var evidence = remission.Select(r => r.Evidence).ToList();
            return reviews.Count > 0
                ? writer.Review(Id, "Latest confirmed status is remission, but other records need review", [.. evidence, .. tentative.Select(t => t.Evidence), .. unplaced.Select(t => t.Evidence)], [.. reviews])
                : writer.Result(Id, CriterionStatus.NotMet, writer.Summary(Id, CriterionStatus.NotMet), evidence);
        }

        if (reviews.Count > 0)
        {
            return writer.Review(Id, "No confirmed current status of the hematologic malignancy", [.. tentative.Select(t => t.Evidence), .. unplaced.Select(t => t.Evidence)], [.. reviews]);
        }

        var stale = facts.DiseaseStatus.Count > 0 ? " (only records from before the transplant)" : string.Empty;
        return writer.Result(Id, CriterionStatus.Unknown, $"Hematologic malignancy on record without a current relapse, refractory or remission status{stale}", [.. heme.Select(m => m.Evidence), .. remission.Select(r => r.Evidence)]);
    }

    private CriterionResult WithoutHematologicMalignancy(ClinicalFacts facts)
    {
        var review = facts.Malignancies.Where(m => m.Kind == MalignancyKind.HematologicReview).ToList();
        if (review.Count > 0)
        {
            return writer.Result(Id, CriterionStatus.Unknown, "Lymphoid/hematopoietic neoplasm outside the diseases the policy discusses: needs manual review", [.. review.Select(m => m.Evidence)]);
        }

        var tentative = facts.Malignancies.Where(m => m.Kind == MalignancyKind.Hematologic).ToList();
        if (tentative.Count > 0)
        {
            var evidence = tentative.Select(m => m.Evidence).ToList();
            return writer.Review(Id, "Hematologic malignancy recorded only tentatively", evidence, CriterionWriter.Item(Id, "Tentative record", evidence, "provisional, differential or unconfirmed diagnosis"));
        }

        var solid = facts.Malignancies.Where(m => m.Kind == MalignancyKind.Solid && m.Evidence.Certainty == Certainty.Confirmed).ToList();
        return solid.Count > 0
            ? writer.Result(Id, CriterionStatus.NotMet, "The only malignancy on record is non-hematologic (solid)", [.. solid.Select(m => m.Evidence)])
            : writer.Result(Id, CriterionStatus.Unknown, "No hematologic malignancy on record", []);
    }
}
