using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;

using Cds.Service.Prefetch;

namespace Cds.Service.Policy;

/// <summary>
/// The patient's record read for one call: its size, its facts, the keys with unreadable resources, and the resources
/// dropped because they do not reference the patient ("Type/id").
/// </summary>
internal sealed record PatientRecordRead(int Resources, ClinicalFacts Facts, IReadOnlyList<DataFailure> Unreadable, IReadOnlyList<string> NotThisPatient)
{
    /// <summary>Another patient's Coverage among the dropped resources (<see cref="RecordRead.ForeignCoverage"/>): a 400.</summary>
    public string? ForeignCoverage { get; init; }
}

/// <summary>The policy, loaded once, with its fact extractor and evaluator: the service's only door into FhirMapping's logic.</summary>
internal sealed class CoverageEngine : IDisposable
{
    // Reading a record is CPU work that holds the patient's data in memory: running more at once than there are cores
    // adds no throughput, only memory (measured: bench/README.md). Further calls wait their turn.
    private readonly SemaphoreSlim _readers = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public CoverageEngine(CdsOptions options, TimeProvider timeProvider)
    {
        Policy = string.IsNullOrWhiteSpace(options.PolicyFile) ? PolicyDefinition.LoadDefault() : PolicyDefinition.LoadFile(options.PolicyFile);
        Decider = new RecordDecider(Policy, timeProvider);
        Insurer = string.IsNullOrWhiteSpace(options.Insurer) ? Policy.Insurer : options.Insurer;
        PriorAuthorization = string.IsNullOrWhiteSpace(options.PriorAuthorization) ? Policy.Document.PriorAuthorization : options.PriorAuthorization;
    }

    public PolicyDefinition Policy { get; }

    /// <summary>Reads a record and decides: shared with the reviewer tool (src/PolicyTool), so both decide alike.</summary>
    public RecordDecider Decider { get; }

    public FactExtractor Extractor => Decider.Extractor;

    public PolicyEvaluator Evaluator => Decider.Evaluator;

    public string Insurer { get; }

    public string PriorAuthorization { get; }

    /// <summary>How cards name the service: the policy file's display and codes, e.g. "… (CPT 38242)".</summary>
    public string ServiceLabel => $"{Policy.Service.Description} ({string.Join(", ", Policy.Document.Service.Codes.SelectMany(i => (i.Codes ?? []).Select(c => $"{i.System.ToUpperInvariant()} {c}")))})";

    /// <summary>
    /// Reads the patient's data (only the patient's own resources, deserializing only what the policy uses) and extracts
    /// the facts, at most one call per core at a time. <paramref name="gaps"/> are the resource types whose data could
    /// not be retrieved in full (a failed or truncated query). Returns how many resources the record held, for the
    /// resource limit, for each prefetch key whose resources could not all be read (a value of the wrong FHIR type, an
    /// unknown resource) a data failure, and the resources dropped as not the patient's.
    /// </summary>
    public async Task<PatientRecordRead> ReadAsync(PatientData data, string patientId, IEnumerable<DataGap> gaps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(gaps);
        await _readers.WaitAsync(cancellationToken);
        try
        {
            var read = Decider.Read(data.Keyed.Select(k => new RecordItem(k.Key, k.Item)), patientId, gaps);
            return new PatientRecordRead(read.Resources, read.Facts, [.. read.Unreadable.Select(u => new DataFailure(u.Key, u.Reason))], read.NotThisPatient) { ForeignCoverage = read.ForeignCoverage };
        }
        finally
        {
            _readers.Release();
        }
    }

    /// <summary>The data failure of a prefetch key with <paramref name="count"/> resources that could not be read.</summary>
    public static DataFailure Unreadable(string key, int count)
    {
        var problem = RecordDecider.Unreadable(key, count);
        return new(problem.Key, problem.Reason);
    }

    public void Dispose() => _readers.Dispose();

    public CoverageDecision Decide(ClinicalFacts facts, DraftOrder order) => Decider.Decide(facts, order);
}
