using System.Text.Json;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Modules.Generic;

/// <summary>A policy decided by the generic readers and evaluators alone: a policy file and no C# of its own.</summary>
public sealed class GenericPolicy : ICoveragePolicy
{
    private readonly GenericFactExtractor _extractor;
    private readonly PolicyEvaluator _evaluator;

    public GenericPolicy(PolicyDefinition definition, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        _extractor = new GenericFactExtractor(definition);
        _evaluator = new PolicyEvaluator(definition, timeProvider, ModuleCatalog.All);
        ResourceTypes = [.. definition.Document.Criteria.SelectMany(c => c.Reads).Concat(_extractor.ResourceTypes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public PolicyDefinition Definition { get; }

    public IReadOnlyList<string> ResourceTypes { get; }

    public bool MayGovern(DraftOrder order) => PolicyOrders.MayGovern(Definition.Service, order);

    public bool Governs(DraftOrder order) => PolicyOrders.Governs(Definition.Service, order);

    public ClinicalRecord Read(IEnumerable<JsonElement> resourcesOrBundles, string patientId) => _extractor.Read(resourcesOrBundles, patientId);

    public ClinicalFacts Extract(ClinicalRecord record) => _extractor.Extract(record);

    public OrderFacts ReadOrder(DraftOrder order) => GenericFactExtractor.ReadOrder(order);

    public CoverageDecision Decide(ClinicalFacts facts, OrderFacts order) => _evaluator.Evaluate(facts, order);
}
