using System.Text.Json;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir.Readers;
using Cds.FhirMapping.Modules.Generic;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Text;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// Turns a patient's FHIR resources into <see cref="ClinicalFacts"/>: one pass over the record, handing each resource to
/// the reader for its kind (<c>Readers/</c>), every code list and text pattern taken from the
/// <see cref="PolicyDefinition"/>. No decisions are made here, only observations, each with its source, certainty and
/// time.
/// </summary>
public sealed class FactExtractor
{
    private readonly Vocabulary _vocabulary;
    private readonly ConditionReader _conditions;
    private readonly ProcedureReader _procedures;
    private readonly DiseaseStatusReader _diseaseStatus;
    private readonly ChimerismReader _chimerism;
    private readonly DocumentReader _documents;
    private readonly OrderReader _orders;
    private readonly ConditioningReader _conditioning;
    private readonly RadiationReader _radiation;
    private readonly BodyMeasureReader _bodyMeasures;
    private readonly QuestionnaireResponseReader _answers;
    private readonly FindingReader _findings;

    // The words that make an Observation one the readers use (chimerism, or a radiation agent), in one scan.
    // (Null for a file without a conditioning section: the agents are then asked for, and fail, as before.)
    private readonly PatternUnion? _relevantObservationWords;

    public FactExtractor(PolicyDefinition policy)
    {
        _vocabulary = new Vocabulary(policy);
        var diagnoses = new DiagnosisReader(_vocabulary);
        _conditions = new ConditionReader(_vocabulary, diagnoses);
        _procedures = new ProcedureReader(_vocabulary, _conditions);
        _diseaseStatus = new DiseaseStatusReader(_vocabulary);
        _chimerism = new ChimerismReader(_vocabulary);
        _documents = new DocumentReader(_vocabulary);
        _orders = new OrderReader(_vocabulary, diagnoses);
        var agents = new AgentNames(_vocabulary);
        _conditioning = new ConditioningReader(agents);
        _radiation = new RadiationReader(agents);
        _bodyMeasures = new BodyMeasureReader(agents);
        _answers = new QuestionnaireResponseReader(_vocabulary);

        // Generic leaves the file adds to the DLI tree (a coded record, a lab threshold) are read by the generic reader.
        _findings = new FindingReader(policy);
        _relevantObservationWords = policy.Document.Conditioning is null ? null : new PatternUnion([_vocabulary.ChimerismText, .. policy.Conditioning.Agents.Where(a => a.IsRadiation).Select(a => a.Pattern)]);
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
            catch (Exception e) when (WronglyTyped(e))
            {
                // The lenient reader keeps a wrongly typed value and throws when it is used: the resource is a gap.
                sink.Gaps.Add(new DataGap(resource.TypeName, $"{resource.TypeName}/{resource.Id}: a value has the wrong FHIR type"));
            }
        }

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

    /// <summary>An element whose JSON type is wrong ("value": "eighty"), found when the lenient reader's value is used.</summary>
    internal static bool WronglyTyped(Exception e) => e is Hl7.Fhir.Validation.CodedValidationException or FormatException or InvalidCastException or OverflowException;

    /// <summary>
    /// Reads the patient's resources and Bundles into a record, keeping only the patient's own and deserializing only
    /// what <see cref="Extract"/> uses: Conditions, Procedures, DocumentReferences, medications (conditioning
    /// doses), QuestionnaireResponses to the policy's DTR questionnaire, and the Observations that are chimerism,
    /// disease-status, body weight/height or TBI results (judged on their JSON code). The facts are the same as from
    /// <see cref="ClinicalRecord.Parse(IEnumerable{JsonElement}, string)"/>.
    /// </summary>
    public ClinicalRecord Read(IEnumerable<JsonElement> resourcesOrBundles, string patientId) => ClinicalRecord.Parse(resourcesOrBundles, patientId, IsRelevant);

    /// <summary>
    /// False when the order's JSON shows it is no request for this policy's service (another type, or codes that are
    /// all another service's); true when it may be, and <see cref="IsPolicyOrder"/> reads its Firely resource to decide.
    /// </summary>
    public bool MayBePolicyOrder(DraftOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return PolicyOrders.MayGovern(_vocabulary.Policy.Service, order);
    }

    /// <summary>True when the draft order is a request to perform this policy's service (CPT 38242).</summary>
    public bool IsPolicyOrder(DraftOrder order) => PolicyOrders.Governs(_vocabulary.Policy.Service, order);

    /// <summary>The resource types the DLI readers read (the relevance filter deserializes no other).</summary>
    public static IReadOnlyList<string> ReadTypes { get; } =
        ["Condition", "Procedure", "DocumentReference", "MedicationAdministration", "MedicationRequest", "MedicationStatement", "Medication", "Observation", "QuestionnaireResponse"];

    /// <summary>Reads what the order itself says: genetic modification (IV) and its indication.</summary>
    public OrderFacts ExtractOrder(DraftOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        try
        {
            return _orders.Read(order);
        }
        catch (Exception e) when (WronglyTyped(e))
        {
            return new OrderFacts(order.ResourceType, order.Id, [], new ClinicalFacts { Gaps = [new DataGap(order.ResourceType, $"{order.Reference}: a value of the order has the wrong FHIR type")] }, false);
        }
    }

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

    /// <summary>The relevance filter of <see cref="Read"/>: true when the extractor would use the resource (judged on its JSON).</summary>
    internal bool IsRelevant(string resourceType, JsonElement json) => IsRelevantToDli(resourceType, json) || _findings.IsRelevant(resourceType, json);

    private bool IsRelevantToDli(string resourceType, JsonElement json) => resourceType switch
    {
        "Condition" or "Procedure" or "DocumentReference" => true,
        "MedicationAdministration" or "MedicationRequest" or "MedicationStatement" or "Medication" => true,
        "Observation" => IsRelevantObservation(json),
        "QuestionnaireResponse" => json.TryGetProperty("questionnaire", out var q) && q.ValueKind == JsonValueKind.String && _answers.Answers(q.GetString()),
        _ => false,
    };

    // The same tests ReadObservation applies to Observation.code, on the JSON: most lab results stop here. The words
    // (code.text, then each coding's display, joined by a space) are scanned in one pooled buffer (JsonWords): no string
    // is made of them for the results screened out.
    private bool IsRelevantObservation(JsonElement json)
    {
        if (!json.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var words = default(JsonWords);
        try
        {
            if (code.TryGetProperty("text", out var codeText) && codeText.ValueKind == JsonValueKind.String)
            {
                words.Add(codeText);
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
                        words.Add(display);
                    }
                }
            }

            if (_relevantObservationWords is { } union)
            {
                return union.IsMatch(words.Text);
            }

            var text = words.Text.ToString();
            return _vocabulary.ChimerismText.IsMatch(text) || _vocabulary.Policy.Conditioning.Agents.Any(a => a.IsRadiation && a.Pattern.IsMatch(text));
        }
        finally
        {
            words.Dispose();
        }
    }
}
