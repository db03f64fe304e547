using Cds.FhirMapping.Evaluation;

namespace Cds.FhirMapping.Dtr;

/// <summary>One answer a choice item offers: a code of the questionnaire's own answer system and its display.</summary>
public sealed record DtrOption(string Code, string Display);

/// <summary>
/// The questionnaire's items, declared once: the generator writes them, the QuestionnaireResponse reader reads them.
/// Group linkIds are the policy file's criterion and documentation ids (<c>HCT</c>, <c>I.A</c> …, <c>notes</c>,
/// <c>indication</c>); an item's linkId is its group's id, a dot and its name (<c>I.C.T-cell.percent</c>).
/// </summary>
public static class DtrItems
{
    public const string HctAllogeneic = CriterionIds.PriorAllogeneicHct + ".allogeneic";
    public const string HctDate = CriterionIds.PriorAllogeneicHct + ".date";
    public const string IaMalignancy = CriterionIds.RelapsedOrRefractory + ".malignancy";
    public const string IaStatus = CriterionIds.RelapsedOrRefractory + ".status";
    public const string IaDate = CriterionIds.RelapsedOrRefractory + ".date";
    public const string IbGraft = CriterionIds.HighRelapseRisk + ".graft";
    public const string IbConditioning = CriterionIds.HighRelapseRisk + ".conditioning";
    public const string IcTested = CriterionIds.MixedChimerism + ".tested";
    public const string NotesAttachment = "notes.attachment";
    public const string IndicationText = "indication.text";

    /// <summary>The lineage of a whole-sample (unsorted) chimerism result, as the chimerism reader names it.</summary>
    public const string UnsortedLineage = "Unsorted";

    public const string Relapsed = "relapsed";
    public const string Refractory = "refractory";
    public const string Remission = "remission";
    public const string TCellDepleted = "t-cell-depleted";
    public const string NotTCellDepleted = "not-t-cell-depleted";
    public const string ReducedIntensity = "reduced-intensity";
    public const string NonMyeloablative = "non-myeloablative";
    public const string Myeloablative = "myeloablative";

    public static IReadOnlyList<DtrOption> DiseaseStatus { get; } =
    [
        new(Relapsed, "Relapsed"),
        new(Refractory, "Refractory (primary or after treatment)"),
        new(Remission, "In remission"),
    ];

    public static IReadOnlyList<DtrOption> Graft { get; } =
    [
        new(TCellDepleted, "T-cell depleted graft (ex vivo)"),
        new(NotTCellDepleted, "Not T-cell depleted (unmanipulated / T-cell replete)"),
    ];

    public static IReadOnlyList<DtrOption> Conditioning { get; } =
    [
        new(ReducedIntensity, "Reduced-intensity conditioning"),
        new(NonMyeloablative, "Non-myeloablative conditioning"),
        new(Myeloablative, "Myeloablative conditioning"),
    ];

    /// <summary>The group of one chimerism lineage (<c>I.C.T-cell</c>).</summary>
    public static string IcLineage(string lineage) => $"{CriterionIds.MixedChimerism}.{lineage}";

    public static string IcPercent(string lineage) => $"{IcLineage(lineage)}.percent";

    public static string IcDate(string lineage) => $"{IcLineage(lineage)}.date";

    /// <summary>The code system of the answers (a URN of the policy: the same whatever host serves the questionnaire).</summary>
    public static string AnswerSystem(string policyId) => $"urn:cds-policy:{policyId}:answers";

    /// <summary>The questionnaire's id: the policy's id (<c>dli-45.03</c>).</summary>
    public static string QuestionnaireId(string policyId) => policyId;

    /// <summary>True when a canonical names this policy's questionnaire (<c>…/Questionnaire/{id}</c>, any version).</summary>
    public static bool IsQuestionnaire(string? canonical, string policyId)
    {
        if (string.IsNullOrEmpty(canonical))
        {
            return false;
        }

        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        var url = bar >= 0 ? canonical[..bar] : canonical;
        var path = $"Questionnaire/{QuestionnaireId(policyId)}";
        return url == path || url.EndsWith($"/{path}", StringComparison.Ordinal);
    }
}
