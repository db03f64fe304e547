using System.Text.Json;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Fhir.Readers;
using Cds.FhirMapping.Modules.Generic;
using Cds.FhirMapping.Policy;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Tests.Facts.Reference;

/// <summary>
/// The fact extractor as it was before issue #14's fourth round (main d2d75ef), kept to hold the shipped one to it
/// (<see cref="FactExtractionDifferentialTests"/>): the relevance filter, the pass over the record and the observation
/// dispatch, with the procedure and chimerism readers as they were (<see cref="ReferenceProcedureReader"/>,
/// <see cref="ReferenceChimerismReader"/>); the readers that did not change are the shipped ones.
/// </summary>
internal sealed class ReferenceFactExtractor
{
    private readonly Vocabulary _vocabulary;
    private readonly ConditionReader _conditions;
    private readonly ReferenceProcedureReader _procedures;
    private readonly DiseaseStatusReader _diseaseStatus;
    private readonly ReferenceChimerismReader _chimerism;
    private readonly DocumentReader _documents;
    private readonly ConditioningReader _conditioning;
    private readonly RadiationReader _radiation;
    private readonly BodyMeasureReader _bodyMeasures;
    private readonly QuestionnaireResponseReader _answers;
    private readonly FindingReader _findings;

    public ReferenceFactExtractor(PolicyDefinition policy)
    {
        _vocabulary = new Vocabulary(policy);
        var diagnoses = new DiagnosisReader(_vocabulary);
        _conditions = new ConditionReader(_vocabulary, diagnoses);
        _procedures = new ReferenceProcedureReader(_vocabulary, _conditions);
        _diseaseStatus = new DiseaseStatusReader(_vocabulary);
        _chimerism = new ReferenceChimerismReader(_vocabulary);
        _documents = new DocumentReader(_vocabulary);
        var agents = new AgentNames(_vocabulary);
        _conditioning = new ConditioningReader(agents);
        _radiation = new RadiationReader(agents);
        _bodyMeasures = new BodyMeasureReader(agents);
        _answers = new QuestionnaireResponseReader(_vocabulary);

        // Generic leaves the file adds to the DLI tree (a coded record, a lab threshold) are read by the generic reader.
        _findings = new FindingReader(policy);
    }

    /// <summary>Extracts the facts the policy needs from the whole record.</summary>
    public ClinicalFacts Extract(ClinicalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var sink = new FactSink();
        var conditions = new Dictionary<string, Condition>(StringComparer.Ordinal);
        var medications = new Dictionary<string, Medication>(StringComparer.Ordinal);
        foreach (var resource in record.Resources)
        {
            if (resource is Condition { Id: { } id } c)
            {
                conditions[id] = c;
            }
            else if (resource is Medication { Id: { } medicationId } m)
            {
                medications[medicationId] = m;
            }
        }

        foreach (var resource in record.Resources)
        {
            try
            {
                ReadResource(resource, conditions, medications, sink);
                _findings.Read(resource, sink.Findings);
            }
            catch (Exception e) when (FactExtractor.WronglyTyped(e))
            {
                // The lenient reader keeps a wrongly typed value and throws when it is used: the resource is a gap.
                sink.Gaps.Add(new DataGap(resource.TypeName, $"{resource.TypeName}/{resource.Id}: a value has the wrong FHIR type"));
            }
        }

        // The birth date is the record's (ClinicalRecord reads it), handed on as the shipped extractor does.
        return sink.ToFacts(record.Gaps, record.BirthDate);
    }

    private void ReadResource(Resource resource, Dictionary<string, Condition> conditions, Dictionary<string, Medication> medications, FactSink sink)
    {
        switch (resource)
        {
            case Condition condition:
                _conditions.Read(condition, sink);
                break;
            case Procedure procedure:
                _procedures.Read(procedure, conditions, sink);
                _radiation.Read(procedure, sink);
                break;
            case MedicationAdministration administration:
                _conditioning.Read(administration, medications, sink);
                break;
            case MedicationRequest request:
                _conditioning.Read(request, medications, sink);
                break;
            case MedicationStatement statement:
                _conditioning.Read(statement, medications, sink);
                break;
            case Observation observation:
                ReadObservation(observation, conditions, sink);
                break;
            case DocumentReference document:
                _documents.Read(document, sink);
                break;
            case QuestionnaireResponse response:
                _answers.Read(response, sink);
                break;
        }
    }

    /// <summary>
    /// Reads the patient's resources and Bundles into a record, keeping only the patient's own and deserializing only
    /// what <see cref="Extract"/> uses: Conditions, Procedures, DocumentReferences, medications (conditioning
    /// doses), QuestionnaireResponses to the policy's DTR questionnaire, and the Observations that are chimerism,
    /// disease-status, body weight/height or TBI results (judged on their JSON code). The facts are the same as from
    /// <c>ClinicalRecord.Parse</c>.
    /// </summary>
    public ClinicalRecord Read(IEnumerable<JsonElement> resourcesOrBundles, string patientId) => ClinicalRecord.Parse(resourcesOrBundles, patientId, IsRelevant);

    private void ReadObservation(Observation observation, Dictionary<string, Condition> conditions, FactSink sink)
    {
        if (observation.Status is ObservationStatus.Cancelled or ObservationStatus.EnteredInError or ObservationStatus.Registered)
        {
            return;
        }

        // A preliminary result may still change: it is read, but as tentative.
        var certainty = observation.Status is ObservationStatus.Preliminary or ObservationStatus.Unknown ? Certainty.Tentative : Certainty.Confirmed;
        var when = FhirDates.Read(observation.Effective) ?? (observation.Issued is { } issued ? FhirDates.Read(issued) : null);
        if (_diseaseStatus.IsDiseaseStatus(observation))
        {
            _diseaseStatus.Read(observation, when, certainty, conditions, sink);
        }
        else if (_chimerism.IsChimerism(observation))
        {
            _chimerism.Read(observation, when, certainty, sink);
        }
        else if (_bodyMeasures.Kind(observation) is { } measure)
        {
            BodyMeasureReader.Read(observation, measure, when, certainty, sink);
        }
        else if (_radiation.IsRadiation(observation))
        {
            RadiationReader.Read(observation, when, certainty, sink);
        }
    }

    internal bool IsRelevant(string resourceType, JsonElement json) => IsRelevantToDli(resourceType, json) || _findings.IsRelevant(resourceType, json);

    private bool IsRelevantToDli(string resourceType, JsonElement json) => resourceType switch
    {
        "Condition" or "Procedure" or "DocumentReference" => true,
        "MedicationAdministration" or "MedicationRequest" or "MedicationStatement" or "Medication" => true,
        "Observation" => IsRelevantObservation(json),
        "QuestionnaireResponse" => json.TryGetProperty("questionnaire", out var q) && q.ValueKind == JsonValueKind.String && _answers.Answers(q.GetString()),
        _ => false,
    };

    // The same tests ReadObservation applies to Observation.code, on the JSON: most lab results stop here.
    private bool IsRelevantObservation(JsonElement json)
    {
        if (!json.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var text = new List<string>();
        if (code.TryGetProperty("text", out var codeText) && codeText.ValueKind == JsonValueKind.String)
        {
            text.Add(codeText.GetString()!);
        }

        if (code.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array)
        {
            foreach (var coding in codings.EnumerateArray())
            {
                if (coding.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var system = coding.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                var value = coding.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                if (_vocabulary.DiseaseStatusObservation.Contains(system, value) || _vocabulary.Chimerism.Contains(system, value) || _vocabulary.ChimerismRecipient.Contains(system, value)
                    || _vocabulary.Policy.Conditioning.BodyWeight.Contains(system, value) || _vocabulary.Policy.Conditioning.BodyHeight.Contains(system, value))
                {
                    return true;
                }

                if (coding.TryGetProperty("display", out var display) && display.ValueKind == JsonValueKind.String)
                {
                    text.Add(display.GetString()!);
                }
            }
        }

        var words = string.Join(" ", text);
        return _vocabulary.ChimerismText.IsMatch(words) || _vocabulary.Policy.Conditioning.Agents.Any(a => a.IsRadiation && a.Pattern.IsMatch(words));
    }
}
