using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;

namespace Cds.Service.Policy;

/// <summary>The policy, loaded once, with its fact extractor and evaluator: the service's only door into FhirMapping's logic.</summary>
internal sealed class CoverageEngine : IDisposable
{
    // Reading a record is CPU work that holds the patient's data in memory: running more at once than there are cores
    // adds no throughput, only memory (measured: bench/README.md). Further calls wait their turn.
    private readonly SemaphoreSlim _readers = new(Environment.ProcessorCount, Environment.ProcessorCount);

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

    /// <summary>How cards name the service: the policy file's display and codes, e.g. "… (CPT 38242)".</summary>
    public string ServiceLabel => $"{Policy.Service.Description} ({string.Join(", ", Policy.Document.Service.Codes.SelectMany(i => (i.Codes ?? []).Select(c => $"{i.System.ToUpperInvariant()} {c}")))})";

    /// <summary>
    /// Reads the patient's data (only the patient's own resources, deserializing only what the policy uses) and extracts
    /// the facts, at most one call per core at a time. <paramref name="gaps"/> are the resource types whose data could
    /// not be retrieved in full. Returns the record (its counts, the resources dropped as another patient's) and the facts.
    /// </summary>
    public async Task<(ClinicalRecord Record, ClinicalFacts Facts)> ReadAsync(IEnumerable<System.Text.Json.JsonElement> resourcesOrBundles, string patientId, IEnumerable<DataGap> gaps, CancellationToken cancellationToken)
    {
        await _readers.WaitAsync(cancellationToken);
        try
        {
            var record = Extractor.Read(resourcesOrBundles, patientId);
            foreach (var gap in gaps)
            {
                record.ReportGap(gap.ResourceType, gap.What);
            }

            return (record, Extractor.Extract(record));
        }
        finally
        {
            _readers.Release();
        }
    }

    public void Dispose() => _readers.Dispose();

    public CoverageDecision Decide(ClinicalFacts facts, DraftOrder order) => Evaluator.Evaluate(facts, Extractor.ExtractOrder(order));
}
