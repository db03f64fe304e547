using System.Text.Json.Nodes;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests.EvidenceModel;

/// <summary>
/// A patient who meets every criterion (AML relapse 2025-04-22, T-cell depleted allogeneic HCT 2024-03-12, mixed CD3
/// chimerism 2025-05-02, H&amp;P on file), to which each test adds, removes or changes the records of one defect class.
/// </summary>
internal sealed class EvidenceFixture
{
    private readonly Dictionary<string, JsonObject> _resources = new(StringComparer.Ordinal);

    public EvidenceFixture(params string[] references)
    {
        foreach (var reference in references.Length > 0 ? references : Meets)
        {
            Add(FhirFixtures.Resource(reference));
        }
    }

    public static readonly string[] Meets =
    [
        "Coverage/cov-regence-ppo", "DocumentReference/doc-hp-2025", "Condition/cond-aml-relapse-2025",
        "Procedure/proc-hct-allo-tcd-2024", "Observation/obs-chim-cd3-mixed-2025",
    ];

    public JsonObject Order { get; set; } = FhirFixtures.Resource("ServiceRequest/sr-dli-38242");

    public JsonObject this[string reference] => _resources[reference];

    public EvidenceFixture Add(JsonObject resource)
    {
        _resources[$"{resource["resourceType"]}/{resource["id"]}"] = resource;
        return this;
    }

    public EvidenceFixture Remove(string reference)
    {
        Assert.True(_resources.Remove(reference), $"{reference} is not in the fixture");
        return this;
    }

    /// <summary>A copy of a fixture resource with a new id, changed by <paramref name="change"/>.</summary>
    public EvidenceFixture AddCopy(string reference, string id, Action<JsonObject> change)
    {
        var copy = FhirFixtures.Resource(reference);
        copy["id"] = id;
        change(copy);
        return Add(copy);
    }

    /// <summary>The decision, checking that the screened read (the service's path) decides exactly the same.</summary>
    public CoverageDecision Decide(params DataGap[] gaps)
    {
        var elements = FhirFixtures.PatientRecord(_resources.Values.Select(r => r.DeepClone().AsObject()));
        var order = Dli.SingleOrder(FhirFixtures.DraftOrders([Order]));
        var full = ClinicalRecord.Parse(elements, Dli.PatientId);
        var screened = Dli.Extractor.Read(elements, Dli.PatientId);
        foreach (var gap in gaps)
        {
            full.ReportGap(gap.ResourceType, gap.What);
            screened.ReportGap(gap.ResourceType, gap.What);
        }

        var decision = Dli.Evaluator().Evaluate(Dli.Extractor.Extract(full), Dli.Extractor.ExtractOrder(order));
        var fast = Dli.Evaluator().Evaluate(Dli.Extractor.Extract(screened), Dli.Extractor.ExtractOrder(order));
        Assert.Equal(Dli.Fingerprint(decision), Dli.Fingerprint(fast));
        return decision;
    }

    /// <summary>The record as the service reads it (patient binding, gaps).</summary>
    public ClinicalRecord Record() => Dli.Extractor.Read(FhirFixtures.PatientRecord(_resources.Values.Select(r => r.DeepClone().AsObject())), Dli.PatientId);

    public static JsonArray Notes(params string[] texts) => [.. texts.Select(t => (JsonNode)new JsonObject { ["text"] = t })];
}
