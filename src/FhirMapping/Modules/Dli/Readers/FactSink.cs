using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>Where the readers put what they find; <see cref="ToFacts"/> freezes it.</summary>
internal sealed class FactSink
{
    public List<MalignancyFact> Malignancies { get; } = [];

    public List<DiseaseStatusFact> Statuses { get; } = [];

    public List<TransplantFact> Transplants { get; } = [];

    public List<Evidence> AllogeneicSignals { get; } = [];

    public List<RelapseRiskFact> RelapseRisk { get; } = [];

    public List<ChimerismFact> Chimerism { get; } = [];

    public List<Evidence> NonMalignant { get; } = [];

    public List<DoseFact> Doses { get; } = [];

    /// <summary>Doses from MedicationRequest/MedicationStatement: used only when no administration is on record.</summary>
    public List<DoseFact> OrderedDoses { get; } = [];

    public List<UnreadableDoseFact> UnreadableDoses { get; } = [];

    public List<UnreadableDoseFact> UnreadableOrderedDoses { get; } = [];

    public List<RadiationFact> Radiation { get; } = [];

    public List<BodyMeasureFact> BodyMeasures { get; } = [];

    public List<DocumentFact> Notes { get; } = [];

    /// <summary>What the generic reader found for generic leaves of the tree.</summary>
    public List<Finding> Findings { get; } = [];


    /// <summary>Records whose deciding value could not be read (a coded result with no readable value).</summary>
    public List<DataGap> Gaps { get; } = [];

    /// <summary>Where the transplant, allogeneic-signal and relapse-risk lists stand now.</summary>
    public (int Transplants, int Signals, int RelapseRisk) Mark() => (Transplants.Count, AllogeneicSignals.Count, RelapseRisk.Count);

    /// <summary>Marks everything added to those lists since <paramref name="mark"/> as tentative.</summary>
    public void TentativeSince((int Transplants, int Signals, int RelapseRisk) mark)
    {
        for (var i = mark.Transplants; i < Transplants.Count; i++)
        {
            Transplants[i] = Transplants[i] with { Evidence = Transplants[i].Evidence with { Certainty = Certainty.Tentative } };
        }

        for (var i = mark.Signals; i < AllogeneicSignals.Count; i++)
        {
            AllogeneicSignals[i] = AllogeneicSignals[i] with { Certainty = Certainty.Tentative };
        }

        for (var i = mark.RelapseRisk; i < RelapseRisk.Count; i++)
        {
            RelapseRisk[i] = RelapseRisk[i] with { Evidence = RelapseRisk[i].Evidence with { Certainty = Certainty.Tentative } };
        }
    }

    public ClinicalFacts ToFacts(IReadOnlyList<DataGap> gaps, BirthDates? birthDate = null) => new()
    {
        BirthDate = birthDate,
        Malignancies = Malignancies,
        DiseaseStatus = Statuses,
        Transplants = Transplants,
        AllogeneicSignals = AllogeneicSignals,
        RelapseRisk = RelapseRisk,
        Chimerism = Chimerism,
        Conditioning = new ConditioningRecord
        {
            // Orders and statements stand in for administrations only where none is on record.
            Doses = Doses.Count > 0 || UnreadableDoses.Count > 0 ? Doses : OrderedDoses,
            UnreadableDoses = Doses.Count > 0 || UnreadableDoses.Count > 0 ? UnreadableDoses : UnreadableOrderedDoses,
            Radiation = Radiation,
            BodyMeasures = BodyMeasures,
        },
        NonMalignantIndications = NonMalignant,
        Notes = Notes,
        Findings = Findings,
        Gaps = [.. gaps, .. Gaps],
    };
}
