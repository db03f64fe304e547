using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Modules.Dli;
using Cds.FhirMapping.Policy;

using Cds.Service.Prefetch;

namespace Cds.Service.Policy;

/// <summary>
/// The patient's record read for one call: its size, its facts, the keys with unreadable resources, and the resources
/// dropped because they do not reference the patient ("Type/id").
/// </summary>
internal sealed record PatientRecordRead(int Resources, ClinicalFacts Facts, IReadOnlyList<DataFailure> Unreadable, IReadOnlyList<string> NotThisPatient);

/// <summary>The policy, loaded once, as an <see cref="ICoveragePolicy"/>: the service's only door into FhirMapping's logic.</summary>
internal sealed class CoverageEngine : IDisposable
{
    // Reading a record is CPU work that holds the patient's data in memory: running more at once than there are cores
    // adds no throughput, only memory (measured: bench/README.md). Further calls wait their turn.
    private readonly SemaphoreSlim _readers = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public CoverageEngine(CdsOptions options, TimeProvider timeProvider)
    {
        Policy = string.IsNullOrWhiteSpace(options.PolicyFile) ? PolicyDefinition.LoadDefault() : PolicyDefinition.LoadFile(options.PolicyFile);
        CoveragePolicy = CoveragePolicyFactory.Create(Policy, timeProvider);
        Insurer = string.IsNullOrWhiteSpace(options.Insurer) ? Policy.Insurer : options.Insurer;
        PriorAuthorization = string.IsNullOrWhiteSpace(options.PriorAuthorization) ? Policy.Document.PriorAuthorization : options.PriorAuthorization;
    }

    public PolicyDefinition Policy { get; }

    /// <summary>The policy object its file's module makes (DLI 45.03: <see cref="DliPolicy"/>).</summary>
    public ICoveragePolicy CoveragePolicy { get; }

    /// <summary>The DLI module's fact extractor (the DTR questionnaire package reads answers with it).</summary>
    public FactExtractor Extractor => (CoveragePolicy as DliPolicy)?.Extractor
        ?? throw new InvalidOperationException($"Policy '{Policy.Id}' (module '{Policy.Module}') has no DLI fact extractor.");

    /// <summary>True when the draft order is a request for this policy's service.</summary>
    public bool IsPolicyOrder(DraftOrder order) => CoveragePolicy.Governs(order);

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
            var record = CoveragePolicy.Read([], patientId);
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

            foreach (var gap in gaps)
            {
                record.ReportGap(gap.ResourceType, gap.What);
            }

            var failures = unreadable.Select(u => new DataFailure(u.Key, $"{u.Value} resource(s) could not be read (not FHIR R4, or a value of the wrong type)")).ToList();
            return new PatientRecordRead(record.Count, CoveragePolicy.Extract(record), failures, record.NotThisPatient);
        }
        finally
        {
            _readers.Release();
        }
    }

    public void Dispose() => _readers.Dispose();

    public CoverageDecision Decide(ClinicalFacts facts, DraftOrder order) => CoveragePolicy.Decide(facts, CoveragePolicy.ReadOrder(order));
}
