using Cds.FhirMapping.Engine;
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
internal sealed record PatientRecordRead(int Resources, ClinicalFacts Facts, IReadOnlyList<DataFailure> Unreadable, IReadOnlyList<string> NotThisPatient)
{
    /// <summary>Another patient's Coverage among the dropped resources (<see cref="RecordRead.ForeignCoverageAmong"/>): a 400.</summary>
    public string? ForeignCoverage => RecordRead.ForeignCoverageAmong(NotThisPatient);
}

/// <summary>
/// One loaded policy file with its fact extractor, evaluator and card wording: the service's only door into
/// FhirMapping's logic, one per policy of the serving <see cref="PolicySet"/>. Built only by <see cref="Create"/>.
/// </summary>
internal sealed class CoverageEngine
{
    private readonly RecordReaders _readers;

    private CoverageEngine(PolicyDefinition policy, PolicyRevision revision, CdsOptions options, TimeProvider timeProvider, RecordReaders readers)
    {
        Policy = policy;
        Revision = revision;
        _readers = readers;
        Decider = new RecordDecider(Policy, timeProvider);
        Guidance = new CardGuidance(Policy);
        Words = new EvidenceText(Policy.Document.Systems);
        Insurer = string.IsNullOrWhiteSpace(options.Insurer) ? Policy.Insurer : options.Insurer;
        PriorAuthorization = string.IsNullOrWhiteSpace(options.PriorAuthorization) ? Policy.Document.PriorAuthorization : options.PriorAuthorization;
        ServiceLabel = $"{Policy.Service.Description} ({string.Join(", ", Policy.Document.Service.Codes.SelectMany(i => (i.Codes ?? []).Select(c => $"{i.System.ToUpperInvariant()} {c}")))})";
    }

    /// <summary>
    /// The one place a policy becomes an engine (when the policy seam lands, this is where a policy module is built).
    /// </summary>
    public static CoverageEngine Create(PolicyDefinition policy, PolicyRevision revision, CdsOptions options, TimeProvider timeProvider, RecordReaders readers)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(revision);
        ArgumentNullException.ThrowIfNull(options);
        return new CoverageEngine(policy, revision, options, timeProvider, readers);
    }

    public PolicyDefinition Policy { get; }

    /// <summary>The revision every decision of this engine names (ledger, log line, card link, GET /policies).</summary>
    public PolicyRevision Revision { get; }

    /// <summary>Reads a record and decides: shared with the reviewer tool (src/PolicyTool), so both decide alike.</summary>
    public RecordDecider Decider { get; }

    /// <summary>The policy object its file's module makes (DLI 45.03: <see cref="DliPolicy"/>).</summary>
    public ICoveragePolicy CoveragePolicy => Decider.CoveragePolicy;

    /// <summary>The DLI module's fact extractor (the DTR questionnaire package reads answers with it).</summary>
    public FactExtractor Extractor => (CoveragePolicy as DliPolicy)?.Extractor
        ?? throw new InvalidOperationException($"Policy '{Policy.Id}' (module '{Policy.Module}') has no DLI fact extractor.");

    /// <summary>True when the draft order is a request for this policy's service.</summary>
    public bool IsPolicyOrder(DraftOrder order) => CoveragePolicy.Governs(order);

    /// <summary>What cards may offer beyond the decision (suggested orders, override reasons).</summary>
    public CardGuidance Guidance { get; }

    /// <summary>Evidence in words, with the policy file's code systems.</summary>
    public EvidenceText Words { get; }

    public string Insurer { get; }

    public string PriorAuthorization { get; }

    /// <summary>How cards name the service: the policy file's display and codes, e.g. "… (CPT 38242)".</summary>
    public string ServiceLabel { get; }

    /// <summary>How cards and logs name the service in a few words (the file's <c>service.shortName</c>, e.g. "DLI").</summary>
    public string ServiceName => Policy.ServiceName;

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
        using var slot = await _readers.EnterAsync(cancellationToken);
        var read = Decider.Read(data.Keyed.Select(k => new RecordItem(k.Key, k.Item)), patientId, gaps);
        return new PatientRecordRead(read.Resources, read.Facts, [.. read.Unreadable.Select(u => new DataFailure(u.Key, u.Reason))], read.NotThisPatient);
    }

    /// <summary>The data failure of a prefetch key with <paramref name="count"/> resources that could not be read.</summary>
    public static DataFailure Unreadable(string key, int count)
    {
        var problem = RecordDecider.Unreadable(key, count);
        return new(problem.Key, problem.Reason);
    }

    public CoverageDecision Decide(ClinicalFacts facts, DraftOrder order) => Decider.Decide(facts, order);
}
