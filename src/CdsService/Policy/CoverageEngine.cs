using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;

namespace Cds.Service.Policy;

/// <summary>The policy, loaded once, with its fact extractor and evaluator: the service's only door into FhirMapping's logic.</summary>
internal sealed class CoverageEngine
{
    public CoverageEngine(CdsOptions options, TimeProvider timeProvider)
    {
        Policy = string.IsNullOrWhiteSpace(options.PolicyFile) ? PolicyDefinition.LoadDefault() : PolicyDefinition.LoadFile(options.PolicyFile);
        Extractor = new FactExtractor(Policy);
        Evaluator = new PolicyEvaluator(Policy, timeProvider);
        Insurer = string.IsNullOrWhiteSpace(options.Insurer) ? Policy.Insurer : options.Insurer;
        PriorAuthorization = string.IsNullOrWhiteSpace(options.PriorAuthorization) ? Policy.Document.PriorAuthorization : options.PriorAuthorization;
    }

    public PolicyDefinition Policy { get; }

    public FactExtractor Extractor { get; }

    public PolicyEvaluator Evaluator { get; }

    public string Insurer { get; }

    public string PriorAuthorization { get; }

    public ClinicalFacts Extract(ClinicalRecord record) => Extractor.Extract(record);

    public CoverageDecision Decide(ClinicalFacts facts, DraftOrder order) => Evaluator.Evaluate(facts, Extractor.ExtractOrder(order));
}
