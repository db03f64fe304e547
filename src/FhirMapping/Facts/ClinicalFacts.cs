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

    /// <summary>A disease-status record whose value names none of the statuses above in the policy file's codes (words
    /// only, or a code such as "stable" or "improved"): a current statement that cannot be read, so never ignored.</summary>
    Unstated,
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

    /// <summary>ATG or alemtuzumab in the conditioning: a fact of its own, not a T-cell depleted graft.</summary>
    InVivoTCellDepletion,
}

/// <summary>How a chimerism result compares with the full-donor threshold.</summary>
public enum ChimerismReading
{
    Mixed,
    FullDonor,

    /// <summary>A comparator that straddles the threshold ("&gt; 90 % donor" against 95 %).</summary>
    Indeterminate,
}

/// <summary>A malignancy diagnosis; <see cref="Disease"/> names the disease (the ICD-10 category or the code) for statuses.</summary>
public sealed record MalignancyFact(Evidence Evidence, MalignancyKind Kind, string Disease);

/// <summary>
/// A dated statement of disease status (a coded diagnosis, a clinical status, a disease-status Observation).
/// <see cref="Disease"/> is the disease it is about (null: not stated, so it applies to the hematologic malignancy on
/// record); <see cref="About"/> is the Condition it names through <c>focus</c>, if any.
/// </summary>
public sealed record DiseaseStatusFact(Evidence Evidence, DiseaseStatus Status, bool OnlyIfAfterTransplant, string? Disease = null, string? About = null);

/// <summary>A transplant on record; <see cref="Investigational"/> holds what says it was done on a research protocol.</summary>
public sealed record TransplantFact(Evidence Evidence, DonorType Donor, EffectiveTime? When, IReadOnlyList<Evidence> Investigational, IReadOnlyList<CodeRef> Indications)
{
    public DateOnly? Date => When?.First;
}

public sealed record RelapseRiskFact(Evidence Evidence, RelapseRiskSignal Signal);

/// <summary>
/// One chimerism result: percent donor in one (specimen, lineage) series. A comparator gives a range:
/// <see cref="DonorLow"/> ≤ donor % ≤ <see cref="DonorHigh"/>.
/// </summary>
public sealed record ChimerismFact(Evidence Evidence, string Specimen, string Lineage, decimal DonorPercent, bool ConvertedFromRecipient, decimal DonorLow, decimal DonorHigh)
{
    public ChimerismReading Read(decimal fullDonorThreshold) =>
        DonorHigh < fullDonorThreshold ? ChimerismReading.Mixed
        : DonorLow >= fullDonorThreshold ? ChimerismReading.FullDonor
        : ChimerismReading.Indeterminate;
}

public sealed record DocumentFact(Evidence Evidence);

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

    /// <summary>Conditioning doses, radiation and body measures (I.B from the structured record).</summary>
    public ConditioningRecord Conditioning { get; init; } = new();

    /// <summary>Conditions that are non-malignant transplant indications (criterion III).</summary>
    public IReadOnlyList<Evidence> NonMalignantIndications { get; init; } = [];

    public IReadOnlyList<DocumentFact> Notes { get; init; } = [];

    /// <summary>Policy seam: what the generic readers found for the policy's generic leaves (<see cref="Finding.Criterion"/>).</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>Data that could not be read or was cut off; criteria that read these types are not decided against the patient.</summary>
    public IReadOnlyList<DataGap> Gaps { get; init; } = [];

    /// <summary>The patient's birth date with its precision, or the birth dates that disagree (null: no Patient of this patient with a readable birthDate in the record).</summary>
    public BirthDates? BirthDate { get; init; }
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
    bool HasIndication)
{
    /// <summary>The order's indications that are non-malignant (coded, or the Conditions its reasonReference names).</summary>
    public IReadOnlyList<Evidence> NonMalignantReasons { get; init; } = [];

    /// <summary>The order's indications that are malignancies.</summary>
    public IReadOnlyList<Evidence> MalignantReasons { get; init; } = [];

    /// <summary>
    /// Genetic modification the order's words state only tentatively, hypothetically or across a clause ("No CAR-T,
    /// HSV-TK cells", "may use gene-modified cells"): not a fact, and not an absence either: for review.
    /// </summary>
    public IReadOnlyList<Evidence> UncertainGeneticModification { get; init; } = [];

    /// <summary>
    /// The order's indications stated only in words, or in codes of systems the policy file does not know ("EBV
    /// post-transplant lymphoproliferative disorder" as <c>reasonCode.text</c>): what the DLI is for, unread.
    /// </summary>
    public IReadOnlyList<Evidence> UnreadReasons { get; init; } = [];

    /// <summary>
    /// Another indication the order's own words state, as a fact or tentatively ("adenovirus-specific T cells for
    /// refractory adenovirus infection" in its note): never "met" on words, always for review (III).
    /// </summary>
    public IReadOnlyList<Evidence> OtherIndicationWords { get; init; } = [];

    /// <summary>The order's <c>reasonReference</c>s as written (e.g. <c>Condition/123</c>).</summary>
    public IReadOnlyList<string> ReasonReferences { get; init; } = [];
}
