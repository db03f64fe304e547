using Cds.FhirMapping.Facts;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>
/// Reads a disease-status Observation (LOINC 97509-4 and the like) for I.A. It applies to the condition it names in
/// <c>focus</c>: a status whose focus is a Condition that is not a hematologic malignancy says nothing about one.
/// </summary>
internal sealed class DiseaseStatusReader(Vocabulary vocabulary)
{
    public bool IsDiseaseStatus(Observation observation) =>
        Codings(observation.Code).Any(c => vocabulary.DiseaseStatusObservation.Contains(c.System, c.Code));

    public void Read(Observation observation, EffectiveTime? when, Certainty certainty, IReadOnlyDictionary<string, Condition> conditionsById, FactSink sink)
    {
        if (observation.Value is not CodeableConcept value)
        {
            return;
        }

        var code = Codings(observation.Code).First(c => vocabulary.DiseaseStatusObservation.Contains(c.System, c.Code));
        var (about, disease) = Focus(observation, conditionsById);
        var read = false;
        foreach (var coding in Codings(value))
        {
            DiseaseStatus? status = vocabulary.StatusRelapse.Contains(coding.System, coding.Code) ? DiseaseStatus.Relapsed
                : vocabulary.StatusRefractory.Contains(coding.System, coding.Code) ? DiseaseStatus.Refractory
                : vocabulary.StatusRemission.Contains(coding.System, coding.Code) ? DiseaseStatus.Remission
                : null;
            if (status is { } s)
            {
                var evidence = Cite(observation, code, when, coding.Display ?? coding.Code, SourceKind.StructuredValue, certainty);
                sink.Statuses.Add(new DiseaseStatusFact(evidence, s, false, disease, about));
                read = true;
            }
        }

        // "CR, MRD negative" in words, or "stable disease" coded: the record states the current status, but not in the
        // policy file's codes. It is kept, so that it is never silently outranked by an older status that is coded.
        if (!read)
        {
            var words = value.Text ?? Codings(value).Select(c => c.Display ?? c.Code).FirstOrDefault(w => !string.IsNullOrWhiteSpace(w)) ?? "no status value";
            var evidence = Cite(observation, code, when, $"\"{words}\"", SourceKind.StructuredValue, certainty);
            sink.Statuses.Add(new DiseaseStatusFact(evidence, DiseaseStatus.Unstated, false, disease, about));
        }
    }

    // The disease the focus names: a hematologic malignancy's category; another condition's own key (so it matches no
    // malignancy); null when there is no focus or it is not in the record (then it is about the malignancy on record).
    private (string? About, string? Disease) Focus(Observation observation, IReadOnlyDictionary<string, Condition> conditionsById)
    {
        foreach (var focus in observation.Focus)
        {
            if (focus.Reference?.Split('/') is [.., "Condition", var id])
            {
                if (!conditionsById.TryGetValue(id, out var condition))
                {
                    return ($"Condition/{id}", null);
                }

                var heme = Codings(condition.Code).FirstOrDefault(c => vocabulary.Heme.Contains(c.System, c.Code));
                return ($"Condition/{id}", heme is not null ? Disease(heme) : $"other:Condition/{id}");
            }
        }

        return (null, null);
    }
}
