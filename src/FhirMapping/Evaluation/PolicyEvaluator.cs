using System.Globalization;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation;

/// <summary>
/// Decides Medical Policy 45.03 for one DLI order from <see cref="ClinicalFacts"/>. Pure: no I/O, and the only clock
/// is the injected <see cref="TimeProvider"/> (a transplant dated after today has not been received yet).
/// </summary>
/// <remarks>
/// Absence of evidence is missing data, never an unmet criterion: a criterion is "not met" only on positive evidence
/// against it (remission, full donor chimerism, an unmanipulated graft with myeloablative conditioning, a solid tumour
/// as the only malignancy, an autologous-only transplant).
/// </remarks>
public sealed class PolicyEvaluator(PolicyDefinition policy, TimeProvider timeProvider)
{
    private readonly ValueSet _nonMalignant = policy.ValueSet("non-malignant-indication");

    public PolicyDefinition Policy => policy;

    /// <summary>Evaluates the policy for one order.</summary>
    public CoverageDecision Evaluate(ClinicalFacts record, OrderFacts order)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(order);
        var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        var facts = Merge(record, order.Indication);

        var (hct, transplantDate) = PriorAllogeneicHct(facts, today);
        var subCriteria = new Dictionary<string, CriterionResult>(StringComparer.Ordinal)
        {
            [CriterionIds.RelapsedOrRefractory] = RelapsedOrRefractory(facts, transplantDate),
            [CriterionIds.HighRelapseRisk] = HighRelapseRisk(facts, transplantDate),
            [CriterionIds.MixedChimerism] = MixedChimerism(facts, transplantDate),
        };
        var ruled = policy.Rule.Of.Select(id => subCriteria[id]).ToList();
        var i = Combine(ruled);
        var iii = OtherIndication(facts);
        var iv = GeneticModification(order);
        var iNotMet = hct.Status == CriterionStatus.NotMet || i == CriterionStatus.NotMet;
        var ii = Result(
            CriterionIds.NotMedicallyNecessary,
            iNotMet ? CriterionStatus.Met : i == CriterionStatus.Met && hct.Status == CriterionStatus.Met ? CriterionStatus.NotMet : CriterionStatus.Unknown,
            iNotMet ? $"Criterion {policy.Rule.Id} is not met" : i == CriterionStatus.Met ? $"Criterion {policy.Rule.Id} is met" : $"Depends on criterion {policy.Rule.Id}",
            [.. ruled.Append(hct).Where(c => c.Status == CriterionStatus.NotMet).SelectMany(c => c.Evidence)]);

        var criteria = new List<CriterionResult> { hct };
        criteria.AddRange(ruled);
        criteria.Add(ii);
        criteria.Add(iii);
        criteria.Add(iv);

        var missing = criteria.Where(c => c.Status == CriterionStatus.Unknown && c.Missing is not null).Select(c => c.Missing!).ToList();
        var documentation = Documentation(facts, order);

        var (outcome, deciding, reason) = (iv.Status, iii.Status) switch
        {
            (CriterionStatus.Met, _) => (DecisionOutcome.Investigational, CriterionIds.GeneticModification, $"{Label(CriterionIds.GeneticModification)}: {iv.Summary}"),
            (_, CriterionStatus.Met) => (DecisionOutcome.Investigational, CriterionIds.OtherIndication, $"{Label(CriterionIds.OtherIndication)}: {iii.Summary}"),
            _ when iNotMet => (DecisionOutcome.NotMedicallyNecessary, CriterionIds.NotMedicallyNecessary, NotMetReason(ruled.Append(hct))),
            _ when i == CriterionStatus.Met && hct.Status == CriterionStatus.Met =>
                (DecisionOutcome.MeetsCriteria, policy.Rule.Id, $"Criterion {policy.Rule.Id} met: {string.Join(", ", ruled.Select(c => c.Id))} and a prior allogeneic HCT on record"),
            _ => (DecisionOutcome.CannotBeDetermined, policy.Rule.Id, $"Cannot be determined: missing data for {string.Join(", ", criteria.Where(c => c.Status == CriterionStatus.Unknown && c.Missing is not null).Select(c => c.Id))}"),
        };

        return new CoverageDecision(policy.Id, $"{order.ResourceType}/{order.Id}", outcome, deciding, reason, criteria, missing, documentation);
    }

    // Combines the sub-criteria of criterion I with the policy's combinator ("all" as the text says, or "any").
    private CriterionStatus Combine(IReadOnlyList<CriterionResult> results) => policy.Rule.Combinator switch
    {
        "any" => results.Any(r => r.Status == CriterionStatus.Met) ? CriterionStatus.Met
            : results.All(r => r.Status == CriterionStatus.NotMet) ? CriterionStatus.NotMet
            : CriterionStatus.Unknown,
        _ => results.All(r => r.Status == CriterionStatus.Met) ? CriterionStatus.Met
            : results.Any(r => r.Status == CriterionStatus.NotMet) ? CriterionStatus.NotMet
            : CriterionStatus.Unknown,
    };

    private (CriterionResult Result, DateOnly? TransplantDate) PriorAllogeneicHct(ClinicalFacts facts, DateOnly today)
    {
        var received = facts.Transplants.Where(t => t.Date is null || t.Date <= today).ToList();
        var allogeneic = received.Where(t => t.Donor == DonorType.Allogeneic).ToList();
        var unknownDonor = received.Where(t => t.Donor == DonorType.Unknown).ToList();

        // The transplant whose donor gives the lymphocytes is the latest allogeneic one; chimerism and conditioning
        // are read relative to it.
        var date = allogeneic.Max(t => t.Date) ?? unknownDonor.Max(t => t.Date);
        const string Id = CriterionIds.PriorAllogeneicHct;
        if (allogeneic.Count > 0)
        {
            return (Result(Id, CriterionStatus.Met, Summary(Id, CriterionStatus.Met, date is { } d ? $"latest {Format(d)}" : null), [.. allogeneic.Select(t => t.Evidence)]), date);
        }

        var implied = facts.AllogeneicSignals.Concat(facts.Chimerism.Select(c => c.Evidence)).ToList();
        if (implied.Count > 0)
        {
            return (Result(Id, CriterionStatus.Met, "Allogeneic graft implied by graft-versus-host disease, a prior DLI or chimerism testing", implied), date);
        }

        if (unknownDonor.Count > 0)
        {
            return (Result(Id, CriterionStatus.Unknown, "Transplant on record, but its donor type (allogeneic or autologous) is not stated", [.. unknownDonor.Select(t => t.Evidence)]), date);
        }

        if (received.Any(t => t.Donor == DonorType.Autologous))
        {
            return (Result(Id, CriterionStatus.NotMet, Summary(Id, CriterionStatus.NotMet), [.. received.Select(t => t.Evidence)]), date);
        }

        return (Result(Id, CriterionStatus.Unknown, "No hematopoietic cell transplant on record", []), date);
    }

    private CriterionResult RelapsedOrRefractory(ClinicalFacts facts, DateOnly? transplantDate)
    {
        const string Id = CriterionIds.RelapsedOrRefractory;
        var heme = facts.Malignancies.Where(m => m.Kind == MalignancyKind.Hematologic).ToList();
        if (heme.Count == 0)
        {
            var review = facts.Malignancies.Where(m => m.Kind == MalignancyKind.HematologicReview).ToList();
            if (review.Count > 0)
            {
                return Result(Id, CriterionStatus.Unknown, "Lymphoid/hematopoietic neoplasm outside the diseases the policy discusses: needs manual review", [.. review.Select(m => m.Evidence)]);
            }

            var solid = facts.Malignancies.Where(m => m.Kind == MalignancyKind.Solid).ToList();
            return solid.Count > 0
                ? Result(Id, CriterionStatus.NotMet, "The only malignancy on record is non-hematologic (solid)", [.. solid.Select(m => m.Evidence)])
                : Result(Id, CriterionStatus.Unknown, "No hematologic malignancy on record", []);
        }

        // Status recorded before the transplant is stale: DLI is decided on the disease as it stands after it.
        var current = facts.DiseaseStatus
            .Where(s => s.OnlyIfAfterTransplant
                ? transplantDate is { } t && s.Evidence.Date is { } d && d > t
                : transplantDate is not { } t2 || s.Evidence.Date is not { } d2 || d2 >= t2)
            .ToList();
        if (current.Count == 0)
        {
            var stale = facts.DiseaseStatus.Count > 0 ? " (only records from before the transplant)" : string.Empty;
            return Result(Id, CriterionStatus.Unknown, $"Hematologic malignancy on record without a current relapse, refractory or remission status{stale}", [.. heme.Select(m => m.Evidence)]);
        }

        // The latest dated statement decides; on the same day a relapse outranks remission.
        var dated = current.Where(s => s.Evidence.Date is not null).ToList();
        var deciding = dated.Count > 0
            ? dated.Where(s => s.Evidence.Date == dated.Max(x => x.Evidence.Date)).ToList()
            : current;
        var relapse = deciding.Where(s => s.Status is DiseaseStatus.Relapsed or DiseaseStatus.Refractory).ToList();
        if (relapse.Count > 0)
        {
            var words = relapse.Any(r => r.Status == DiseaseStatus.Relapsed) ? "relapsed" : "refractory";
            // Cite the diagnosis only when the status came from elsewhere (a disease-status Observation).
            var fromDiagnosis = relapse.Any(r => heme.Any(m => m.Evidence.Reference == r.Evidence.Reference) || r.Evidence.ResourceType == "ServiceRequest");
            IEnumerable<Evidence> cited = fromDiagnosis ? relapse.Select(r => r.Evidence) : heme.Take(1).Select(m => m.Evidence).Concat(relapse.Select(r => r.Evidence));
            return Result(Id, CriterionStatus.Met, $"Hematologic malignancy {words}", [.. cited]);
        }

        return Result(Id, CriterionStatus.NotMet, Summary(Id, CriterionStatus.NotMet), [.. deciding.Select(r => r.Evidence)]);
    }

    private CriterionResult HighRelapseRisk(ClinicalFacts facts, DateOnly? transplantDate)
    {
        const string Id = CriterionIds.HighRelapseRisk;
        var before = policy.Thresholds.ConditioningWindowDaysBeforeHct;
        var after = policy.Thresholds.GraftWindowDaysAfterHct;

        // With several transplants, only the graft and conditioning of the latest allogeneic one count.
        var signals = facts.RelapseRisk
            .Where(r => transplantDate is not { } t || r.Evidence.Date is not { } d
                || (d >= t.AddDays(-before) && d <= t.AddDays(after)))
            .ToList();
        var highRisk = signals.Where(s => s.Signal is RelapseRiskSignal.TCellDepletedGraft or RelapseRiskSignal.ReducedIntensityConditioning).ToList();
        if (highRisk.Count > 0)
        {
            var what = string.Join(" and ", highRisk.Select(s => s.Signal).Distinct().Select(s => s == RelapseRiskSignal.TCellDepletedGraft ? "T-cell depleted graft" : "non-myeloablative / reduced-intensity conditioning"));
            return Result(Id, CriterionStatus.Met, $"High-risk setting: {what}", [.. highRisk.Select(s => s.Evidence)]);
        }

        var unmanipulated = signals.Where(s => s.Signal == RelapseRiskSignal.UnmanipulatedGraft).ToList();
        var myeloablative = signals.Where(s => s.Signal == RelapseRiskSignal.MyeloablativeConditioning).ToList();
        if (unmanipulated.Count > 0 && myeloablative.Count > 0)
        {
            return Result(Id, CriterionStatus.NotMet, Summary(Id, CriterionStatus.NotMet), [.. unmanipulated.Concat(myeloablative).Select(s => s.Evidence)]);
        }

        var summary = (unmanipulated.Count > 0, myeloablative.Count > 0) switch
        {
            (true, false) => "Graft not T-cell depleted; conditioning intensity not on record",
            (false, true) => "Myeloablative conditioning; graft processing (T-cell depletion) not on record",
            _ => "Neither graft processing nor conditioning intensity on record",
        };
        return Result(Id, CriterionStatus.Unknown, summary, [.. signals.Select(s => s.Evidence)]);
    }

    private CriterionResult MixedChimerism(ClinicalFacts facts, DateOnly? transplantDate)
    {
        const string Id = CriterionIds.MixedChimerism;
        var threshold = policy.Thresholds.FullDonorChimerismPercent;
        var afterTransplant = facts.Chimerism
            .Where(c => transplantDate is not { } t || (c.Evidence.Date is { } d && d > t))
            .ToList();

        // The latest result in each lineage decides; mixed in any lineage counts as mixed.
        var latest = afterTransplant
            .GroupBy(c => c.Lineage, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(c => c.Evidence.Date ?? DateOnly.MinValue).First())
            .OrderBy(c => c.Lineage, StringComparer.Ordinal)
            .ToList();
        var mixed = latest.Where(c => c.DonorPercent < threshold).ToList();
        if (mixed.Count > 0)
        {
            var lineages = string.Join(", ", mixed.Select(c => $"{c.Lineage} {c.DonorPercent.ToString("0.#", CultureInfo.InvariantCulture)}%"));
            return Result(Id, CriterionStatus.Met, $"Mixed donor chimerism (< {threshold.ToString(CultureInfo.InvariantCulture)}% donor): {lineages}", [.. mixed.Select(c => c.Evidence)]);
        }

        if (latest.Count > 0)
        {
            return Result(Id, CriterionStatus.NotMet, $"{Summary(Id, CriterionStatus.NotMet)} (≥ {threshold.ToString(CultureInfo.InvariantCulture)}% donor)", [.. latest.Select(c => c.Evidence)]);
        }

        var note = facts.Chimerism.Count > 0 ? "Chimerism results on record are all from before the transplant" : "No chimerism result on record";
        return Result(Id, CriterionStatus.Unknown, note, [.. facts.Chimerism.Select(c => c.Evidence)]);
    }

    private CriterionResult OtherIndication(ClinicalFacts facts)
    {
        const string Id = CriterionIds.OtherIndication;
        var investigational = facts.Transplants.Where(t => t.Investigational && t.Donor != DonorType.Autologous).ToList();
        if (investigational.Count > 0)
        {
            return Result(Id, CriterionStatus.Met, "The allogeneic transplant was itself investigational (research protocol / clinical trial)", [.. investigational.Select(t => t.Evidence)]);
        }

        // A non-malignant indication counts only when no malignancy is on record at all.
        if (facts.Malignancies.Count == 0)
        {
            var transplantReasons = facts.Transplants
                .SelectMany(t => t.Indications.Where(c => _nonMalignant.Contains(c.System, c.Code)).Select(c => t.Evidence with { System = c.System, Code = c.Code, Display = c.Display, Value = "transplant indication" }));
            var nonMalignant = facts.NonMalignantIndications.Concat(transplantReasons).ToList();
            if (nonMalignant.Count > 0)
            {
                return Result(Id, CriterionStatus.Met, "Non-malignant indication with no malignancy on record", nonMalignant);
            }
        }

        return Result(Id, CriterionStatus.NotMet, Summary(Id, CriterionStatus.NotMet), []);
    }

    private CriterionResult GeneticModification(OrderFacts order)
    {
        const string Id = CriterionIds.GeneticModification;
        return order.GeneticModification.Count > 0
            ? Result(Id, CriterionStatus.Met, Summary(Id, CriterionStatus.Met), order.GeneticModification)
            : Result(Id, CriterionStatus.NotMet, Summary(Id, CriterionStatus.NotMet), []);
    }

    private List<MissingItem> Documentation(ClinicalFacts facts, OrderFacts order)
    {
        var items = new List<MissingItem>();
        foreach (var doc in policy.Document.Documentation)
        {
            var present = doc.Id switch
            {
                "notes" => facts.Notes.Count > 0,
                "indication" => order.HasIndication || facts.Transplants.Any(t => t.Indications.Count > 0),
                _ => false,
            };
            if (!present)
            {
                items.Add(new MissingItem("Documentation", doc.Label, doc.How));
            }
        }

        return items;
    }

    private string NotMetReason(IEnumerable<CriterionResult> results)
    {
        var notMet = results.Where(r => r.Status == CriterionStatus.NotMet).Select(r => $"{r.Id} not met ({r.Summary})");
        return $"{Label(CriterionIds.NotMedicallyNecessary)}: {string.Join("; ", notMet)}";
    }

    private CriterionResult Result(string id, CriterionStatus status, string summary, IReadOnlyList<Evidence> evidence)
    {
        var criterion = policy.Criterion(id);
        var missing = status == CriterionStatus.Unknown && criterion.Missing is { } m ? new MissingItem(id, m.What, m.How) : null;
        return new CriterionResult(id, criterion.Label, status, summary, evidence, missing);
    }

    private string Summary(string id, CriterionStatus status, string? detail = null)
    {
        var criterion = policy.Criterion(id);
        var text = status == CriterionStatus.Met ? criterion.Met : criterion.NotMet;
        return detail is null ? text : $"{text} ({detail})";
    }

    private string Label(string id) => policy.Criterion(id).Label;

    private static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static ClinicalFacts Merge(ClinicalFacts record, ClinicalFacts indication) =>
        indication.Malignancies.Count == 0 && indication.DiseaseStatus.Count == 0 && indication.NonMalignantIndications.Count == 0
            ? record
            : record with
            {
                Malignancies = [.. record.Malignancies, .. indication.Malignancies],
                DiseaseStatus = [.. record.DiseaseStatus, .. indication.DiseaseStatus],
                NonMalignantIndications = [.. record.NonMalignantIndications, .. indication.NonMalignantIndications],
            };
}
