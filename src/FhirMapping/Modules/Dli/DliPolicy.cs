using System.Text.Json;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Modules.Dli;

/// <summary>
/// Medical Policy 45.03 (donor lymphocyte infusion) as a coverage policy: its own fact readers (transplant and donor
/// type, disease status, conditioning intensity, chimerism series) and the declared decision of its policy file.
/// </summary>
public sealed class DliPolicy : ICoveragePolicy
{
    public DliPolicy(PolicyDefinition definition, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        Extractor = new FactExtractor(definition);
        Evaluator = new PolicyEvaluator(definition, timeProvider, ModuleCatalog.All);
        ResourceTypes = [.. definition.Document.Criteria.SelectMany(c => c.Reads).Concat(FactExtractor.ReadTypes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public PolicyDefinition Definition { get; }

    /// <summary>The module's fact extractor (the DTR questionnaire package reads answers with it).</summary>
    public FactExtractor Extractor { get; }

    public PolicyEvaluator Evaluator { get; }

    public IReadOnlyList<string> ResourceTypes { get; }

    public bool MayGovern(DraftOrder order) => Extractor.MayBePolicyOrder(order);

    public bool Governs(DraftOrder order) => Extractor.IsPolicyOrder(order);

    public ClinicalRecord Read(IEnumerable<JsonElement> resourcesOrBundles, string patientId) => Extractor.Read(resourcesOrBundles, patientId);

    public ClinicalFacts Extract(ClinicalRecord record) => Extractor.Extract(record);

    public OrderFacts ReadOrder(DraftOrder order) => Extractor.ExtractOrder(order);

    public CoverageDecision Decide(ClinicalFacts facts, OrderFacts order) => Evaluator.Evaluate(facts, order);
}
