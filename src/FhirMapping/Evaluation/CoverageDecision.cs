using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation;

/// <summary>The four answers Medical Policy 45.03 can give for one DLI order.</summary>
public enum DecisionOutcome
{
    /// <summary>Criterion I is met: medically necessary.</summary>
    MeetsCriteria,

    /// <summary>Criterion II: criterion I is not met.</summary>
    NotMedicallyNecessary,

    /// <summary>Criterion III (other indications) or IV (genetically modified lymphocytes).</summary>
    Investigational,

    /// <summary>The record does not say enough; <see cref="CoverageDecision.Missing"/> lists what to supply.</summary>
    CannotBeDetermined,
}

public enum CriterionStatus
{
    Met,
    NotMet,
    Unknown,
}

/// <summary>The well-known criterion labels of the policy.</summary>
public static class CriterionIds
{
    public const string PriorAllogeneicHct = "HCT";
    public const string I = "I";
    public const string RelapsedOrRefractory = "I.A";
    public const string HighRelapseRisk = "I.B";
    public const string MixedChimerism = "I.C";
    public const string NotMedicallyNecessary = "II";
    public const string OtherIndication = "III";
    public const string GeneticModification = "IV";

    /// <summary>The sub-criteria the evaluator has a fact check for; the policy's rule may combine any of them.</summary>
    public static readonly IReadOnlyList<string> SubCriteria = [RelapsedOrRefractory, HighRelapseRisk, MixedChimerism];
}

/// <summary>Something the record lacks, and how the ordering clinician can supply it.</summary>
public sealed record MissingItem(string Criterion, string What, string HowToSupply);

/// <summary>One criterion's answer with the evidence it rests on.</summary>
public sealed record CriterionResult(
    string Id,
    string Label,
    CriterionStatus Status,
    string Summary,
    IReadOnlyList<Evidence> Evidence,
    MissingItem? Missing)
{
    /// <summary>What a reviewer must check before this criterion can be decided (then it is unknown).</summary>
    public IReadOnlyList<ReviewItem> Review { get; init; } = [];
}

/// <summary>The policy's answer for one order.</summary>
public sealed record CoverageDecision(
    string PolicyId,
    string OrderReference,
    DecisionOutcome Outcome,
    string DecidingCriterion,
    string Reason,
    IReadOnlyList<CriterionResult> Criteria,
    IReadOnlyList<MissingItem> Missing,
    IReadOnlyList<MissingItem> Documentation)
{
    /// <summary>What a reviewer must check (conflicts, text-only or tentative evidence, unreadable data): the answer is conditional.</summary>
    public IReadOnlyList<ReviewItem> Review { get; init; } = [];

    public CriterionResult this[string id] => Criteria.First(c => c.Id == id);
}
