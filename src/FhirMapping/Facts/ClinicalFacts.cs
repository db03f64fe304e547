namespace Cds.FhirMapping.Facts;

/// <summary>What a malignancy diagnosis is, for criteria I.A and II.</summary>
public enum MalignancyKind
{
    /// <summary>A hematologic malignancy the policy covers (leukemia, lymphoma, myeloma, MDS, MPN).</summary>
    Hematologic,

    /// <summary>A lymphoid/hematopoietic neoplasm the policy does not discuss (C96, PTLD …): needs manual review.</summary>
    HematologicReview,

    /// <summary>A non-hematologic (solid) malignancy.</summary>
    Solid,
}

/// <summary>A disease-status signal with its direction.</summary>
public enum DiseaseStatus
{
    Relapsed,
    Refractory,
    Remission,
}

public enum DonorType
{
    Allogeneic,
    Autologous,
    Unknown,
}

/// <summary>What a record says about the graft and the conditioning (criterion I.B).</summary>
public enum RelapseRiskSignal
{
    TCellDepletedGraft,
    ReducedIntensityConditioning,
    UnmanipulatedGraft,
    MyeloablativeConditioning,
}

public sealed record MalignancyFact(Evidence Evidence, MalignancyKind Kind);

/// <summary>A dated statement of disease status (a coded diagnosis, a clinical status, a disease-status Observation).</summary>
public sealed record DiseaseStatusFact(Evidence Evidence, DiseaseStatus Status, bool OnlyIfAfterTransplant);

public sealed record TransplantFact(Evidence Evidence, DonorType Donor, DateOnly? Date, bool Investigational, IReadOnlyList<CodeRef> Indications);

public sealed record RelapseRiskFact(Evidence Evidence, RelapseRiskSignal Signal);

/// <summary>One chimerism result: percent donor in one cell lineage.</summary>
public sealed record ChimerismFact(Evidence Evidence, string Lineage, decimal DonorPercent, bool ConvertedFromRecipient);

public sealed record DocumentFact(Evidence Evidence);

/// <summary>An active Coverage of the patient.</summary>
public sealed record CoverageFact(string Id, string? Payer, string? SubscriberId);

/// <summary>A code with its system, as found in a record.</summary>
public sealed record CodeRef(string? System, string? Code, string? Display);

/// <summary>
/// Everything the policy needs to know about a patient, extracted once from the FHIR record. Immutable.
/// </summary>
public sealed record ClinicalFacts
{
    public IReadOnlyList<MalignancyFact> Malignancies { get; init; } = [];

    public IReadOnlyList<DiseaseStatusFact> DiseaseStatus { get; init; } = [];

    public IReadOnlyList<TransplantFact> Transplants { get; init; } = [];

    /// <summary>Records that imply an allogeneic graft without naming the transplant (GVHD).</summary>
    public IReadOnlyList<Evidence> AllogeneicSignals { get; init; } = [];

    public IReadOnlyList<RelapseRiskFact> RelapseRisk { get; init; } = [];

    public IReadOnlyList<ChimerismFact> Chimerism { get; init; } = [];

    /// <summary>Conditions that are non-malignant transplant indications (criterion III).</summary>
    public IReadOnlyList<Evidence> NonMalignantIndications { get; init; } = [];

    public IReadOnlyList<DocumentFact> Notes { get; init; } = [];

    public IReadOnlyList<CoverageFact> ActiveCoverages { get; init; } = [];
}

/// <summary>
/// What the policy needs to know about the order itself: genetic modification (IV), and its coded indication
/// (<c>reasonCode</c>), read like a diagnosis on the problem list.
/// </summary>
public sealed record OrderFacts(
    string ResourceType,
    string Id,
    IReadOnlyList<Evidence> GeneticModification,
    ClinicalFacts Indication,
    bool HasIndication);
