using System.Text.Json;
using Cds.FhirMapping.Evaluation.Decision;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;
using Hl7.Fhir.Model;
using ValueSet = Cds.FhirMapping.Policy.ValueSet;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Modules.Generic;

/// <summary>
/// The facts of a policy with no reader of its own (<c>"module": "generic"</c>): the records its generic leaves name
/// (<see cref="FindingReader"/>), and the notes its documentation items look for (by the item's value set).
/// </summary>
internal sealed class GenericFactExtractor
{
    private readonly FindingReader _findings;
    private readonly IReadOnlyList<ValueSet> _notes;

    public GenericFactExtractor(PolicyDefinition policy)
    {
        _findings = new FindingReader(policy);
        _notes = [.. policy.Document.Documentation.Where(d => d.SatisfiedBy == DocumentationChecks.Notes && d.ValueSet is not null).Select(d => policy.ValueSet(d.ValueSet!))];
        ResourceTypes = [.. _findings.ResourceTypes.Concat(_notes.Count > 0 ? ["DocumentReference"] : []).Distinct(StringComparer.Ordinal)];
    }

    public IReadOnlyList<string> ResourceTypes { get; }

    public ClinicalRecord Read(IEnumerable<JsonElement> resourcesOrBundles, string patientId) =>
        ClinicalRecord.Parse(resourcesOrBundles, patientId, (type, json) => (type == "DocumentReference" && _notes.Count > 0) || _findings.IsRelevant(type, json));

    public ClinicalFacts Extract(ClinicalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var findings = new List<Finding>();
        var notes = new List<DocumentFact>();
        var gaps = new List<DataGap>();
        foreach (var resource in record.Resources)
        {
            try
            {
                _findings.Read(resource, findings);
                if (resource is DocumentReference { Status: not DocumentReferenceStatus.EnteredInError } document
                    && Codings(document.Type).FirstOrDefault(c => _notes.Any(n => n.Contains(c.System, c.Code))) is { } type)
                {
                    notes.Add(new DocumentFact(Cite(document, type, document.Date is { } date ? FhirDates.Read(date) : null, type.Display)));
                }
            }
            catch (Exception e) when (FactExtractor.WronglyTyped(e))
            {
                gaps.Add(new DataGap(resource.TypeName, $"{resource.TypeName}/{resource.Id}: a value has the wrong FHIR type"));
            }
        }

        return new ClinicalFacts { Findings = findings, Notes = notes, Gaps = [.. record.Gaps, .. gaps] };
    }

    /// <summary>What the order says, for a policy that reads nothing on it but whether it states its indication.</summary>
    public static OrderFacts ReadOrder(DraftOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var request = order.Resource as ServiceRequest;
        try
        {
            var hasIndication = request is not null && (request.ReasonCode.Count > 0 || request.ReasonReference.Count > 0);
            return new OrderFacts(order.ResourceType, order.Id, [], new ClinicalFacts(), hasIndication);
        }
        catch (Exception e) when (FactExtractor.WronglyTyped(e))
        {
            return new OrderFacts(order.ResourceType, order.Id, [], new ClinicalFacts { Gaps = [new DataGap(order.ResourceType, $"{order.Reference}: a value of the order has the wrong FHIR type")] }, false);
        }
    }
}
