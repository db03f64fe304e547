using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;

using Cds.Service.Prefetch;

namespace Cds.Service.Policy;

/// <summary>The patient's record read for one call: its size, its facts, and the keys with unreadable resources.</summary>
internal sealed record PatientRecordRead(int Resources, ClinicalFacts Facts, IReadOnlyList<DataFailure> Unreadable);

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
    /// Reads the patient's data (deserializing only what the policy uses) and extracts the facts, at most one call per
    /// core at a time. Returns how many resources the record held, for the resource limit, and for each prefetch key
    /// whose resources could not all be read (a value of the wrong FHIR type, an unknown resource), a data failure.
    /// </summary>
    public async Task<PatientRecordRead> ReadAsync(PatientData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        await _readers.WaitAsync(cancellationToken);
        try
        {
            var record = Extractor.Read([]);
            var unreadable = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (key, item) in data.Keyed)
            {
                var before = record.Unreadable;
                record.Add(item);
                if (record.Unreadable > before)
                {
                    unreadable[key] = unreadable.GetValueOrDefault(key) + record.Unreadable - before;
                }
            }

            var failures = unreadable.Select(u => new DataFailure(u.Key, $"{u.Value} resource(s) could not be read (not FHIR R4, or a value of the wrong type)")).ToList();
            return new PatientRecordRead(record.Count, Extractor.Extract(record), failures);
        }
        finally
        {
            _readers.Release();
        }
    }

    public void Dispose() => _readers.Dispose();

    public CoverageDecision Decide(ClinicalFacts facts, DraftOrder order) => Evaluator.Evaluate(facts, Extractor.ExtractOrder(order));
}
