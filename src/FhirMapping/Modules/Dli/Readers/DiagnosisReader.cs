using Cds.FhirMapping.Facts;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>
/// Classifies one diagnosis coding (a Condition's code or an order's reasonCode): the malignancy kind, the status the
/// code itself carries ("in relapse", "in remission", "not having achieved remission"), and non-malignant indications.
/// </summary>
internal sealed class DiagnosisReader(Vocabulary vocabulary)
{
    /// <summary>Reads the coding; returns the malignancy kind, if any.</summary>
    /// <param name="resource">The Condition or the order.</param>
    /// <param name="coding">The diagnosis coding.</param>
    /// <param name="when">When the status the code carries holds.</param>
    /// <param name="certainty">How firmly the record states the diagnosis.</param>
    /// <param name="sink">Where the facts go.</param>
    /// <param name="isOrder">True for an order's reasonCode: its "not having achieved remission" code is the default
    /// code of the diagnosis, not a statement that the disease is refractory, so it carries no status.</param>
    /// <param name="recordMalignancy">False when the resource's malignancy was already recorded from another coding.</param>
    public MalignancyKind? Read(Resource resource, Coding coding, EffectiveTime? when, Certainty certainty, FactSink sink, bool isOrder, bool recordMalignancy = true)
    {
        var evidence = Cite(resource, coding, when, null, SourceKind.Code, certainty);
        MalignancyKind? kind = vocabulary.Heme.Contains(coding.System, coding.Code) ? MalignancyKind.Hematologic
            : vocabulary.HemeReview.Contains(coding.System, coding.Code) ? MalignancyKind.HematologicReview
            : vocabulary.Solid.Contains(coding.System, coding.Code) ? MalignancyKind.Solid
            : null;
        var disease = Disease(coding);
        if (kind is { } k && recordMalignancy)
        {
            sink.Malignancies.Add(new MalignancyFact(evidence, k, disease));
        }

        var about = resource is Condition ? $"Condition/{resource.Id}" : null;
        if (vocabulary.InRelapse.Contains(coding.System, coding.Code))
        {
            sink.Statuses.Add(new DiseaseStatusFact(evidence with { Value = "in relapse (code)" }, DiseaseStatus.Relapsed, false, disease, about));
        }
        else if (vocabulary.InRemission.Contains(coding.System, coding.Code))
        {
            sink.Statuses.Add(new DiseaseStatusFact(evidence with { Value = "in remission (code)" }, DiseaseStatus.Remission, false, disease, about));
        }
        else if (vocabulary.NotAchievedRemission.Contains(coding.System, coding.Code) && !isOrder)
        {
            // Also the default code for newly diagnosed disease: refractory only when coded after the transplant.
            sink.Statuses.Add(new DiseaseStatusFact(evidence with { Value = "not having achieved remission (code)" }, DiseaseStatus.Refractory, true, disease, about));
        }

        if (vocabulary.NonMalignant.Contains(coding.System, coding.Code))
        {
            sink.NonMalignant.Add(evidence);
        }

        return kind;
    }
}
