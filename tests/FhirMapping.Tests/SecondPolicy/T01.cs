using System.Text.Json;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace Cds.FhirMapping.Tests.SecondPolicy;

/// <summary>
/// The test-only policy T-01 (tests/policies/test-t01.json, <c>"module": "generic"</c>): loaded from its file, made by
/// the factory, and its patients written as an EHR sends them (one Bundle of Conditions, Observations, Procedures).
/// </summary>
internal static class T01
{
    public const string PatientId = "pat-t01-001";

    public const string ServiceSystem = "http://example.org/fhir/CodeSystem/t01-services";

    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "policies", "test-t01.json");

    public static string Text { get; } = File.ReadAllText(FilePath);

    public static PolicyDefinition Definition { get; } = PolicyFiles.LoadFile(FilePath);

    public static ICoveragePolicy Policy() => CoveragePolicyFactory.Create(Definition, new FakeTimeProvider(Dli.Now));

    public static JsonElement Condition(string id, string code, string verification = "confirmed", string clinical = "active") => Json($$$"""
        {"resourceType": "Condition", "id": "{{{id}}}", "subject": {"reference": "Patient/{{{PatientId}}}"},
         "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "{{{clinical}}}"}]},
         "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "{{{verification}}}"}]},
         "code": {"coding": [{"system": "http://example.org/fhir/CodeSystem/t01-conditions", "code": "{{{code}}}"}]},
         "recordedDate": "2025-03-02"}
        """);

    public static JsonElement Marker(string id, decimal value, string date, string status = "final", string unit = "mg/dL", string comparator = "") => Json($$$"""
        {"resourceType": "Observation", "id": "{{{id}}}", "status": "{{{status}}}", "subject": {"reference": "Patient/{{{PatientId}}}"},
         "code": {"coding": [{"system": "http://example.org/fhir/CodeSystem/t01-observations", "code": "MARK-1", "display": "Test marker"}]},
         "effectiveDateTime": "{{{date}}}",
         "valueQuantity": { {{{comparator}}} "value": {{{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}, "unit": "{{{unit}}}", "system": "http://unitsofmeasure.org", "code": "{{{unit}}}"}}
        """);

    public static JsonElement Therapy(string id, string status = "completed") => Json($$$"""
        {"resourceType": "Procedure", "id": "{{{id}}}", "status": "{{{status}}}", "subject": {"reference": "Patient/{{{PatientId}}}"},
         "code": {"coding": [{"system": "http://example.org/fhir/CodeSystem/t01-procedures", "code": "STD-1"}]},
         "performedDateTime": "2024-11-20"}
        """);

    public static JsonElement ProgressNote(string id) => Json($$$"""
        {"resourceType": "DocumentReference", "id": "{{{id}}}", "status": "current", "subject": {"reference": "Patient/{{{PatientId}}}"},
         "type": {"coding": [{"system": "http://loinc.org", "code": "11506-3", "display": "Progress note"}]}, "date": "2025-06-01T10:00:00Z",
         "content": [{"attachment": {"contentType": "text/plain", "url": "Binary/note-1"}}]}
        """);

    /// <summary>An unrelated lab result the policy does not read.</summary>
    public static JsonElement Hemoglobin(string id) => Json($$$"""
        {"resourceType": "Observation", "id": "{{{id}}}", "status": "final", "subject": {"reference": "Patient/{{{PatientId}}}"},
         "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]}, "effectiveDateTime": "2025-06-01",
         "valueQuantity": {"value": 11.2, "unit": "g/dL", "system": "http://unitsofmeasure.org", "code": "g/dL"}}
        """);

    public static JsonElement Patient() => Json($$$"""{"resourceType": "Patient", "id": "{{{PatientId}}}"}""");

    /// <summary>A draft-orders Bundle with one ServiceRequest for the given service code.</summary>
    public static DraftOrder Order(string code = "T0101", string system = ServiceSystem, string extra = "") => Dli.SingleOrder(Json($$$"""
        {"resourceType": "Bundle", "type": "collection", "entry": [{"resource":
          {"resourceType": "ServiceRequest", "id": "sr-t01", "status": "draft", "intent": "order", {{{extra}}}
           "subject": {"reference": "Patient/{{{PatientId}}}"}, "authoredOn": "2025-06-10",
           "code": {"coding": [{"system": "{{{system}}}", "code": "{{{code}}}"}]} } }]}
        """));

    /// <summary>
    /// Reads the record both ways (everything deserialized, and screened as the service reads it) and decides the order:
    /// both must give the same decision.
    /// </summary>
    public static CoverageDecision Decide(ICoveragePolicy policy, DraftOrder order, params JsonElement[] resources)
    {
        JsonElement[] record = [Patient(), .. resources];
        Assert.True(policy.Governs(order));
        var full = policy.Decide(policy.Extract(ClinicalRecord.Parse(record, PatientId)), policy.ReadOrder(order));
        var screened = policy.Read(record, PatientId);
        Assert.Equal(record.Length, screened.Count);
        var fast = policy.Decide(policy.Extract(screened), policy.ReadOrder(order));
        Assert.Equal(Dli.Fingerprint(full), Dli.Fingerprint(fast));
        return full;
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
