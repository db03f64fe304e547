using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Engine;

/// <summary>
/// Reads a patient's record and decides the policy for an order: the one function the service (per hook call) and the
/// reviewer tool (per file) both call, so that the tool decides exactly as the service does. Inputs: the record's
/// items by key, the patient's id and the data that could not be retrieved (gaps); outputs: the facts, then one
/// <see cref="CoverageDecision"/> per order. Stateless after construction and thread-safe.
/// </summary>
public sealed class RecordDecider
{
    private const string UnreadableReason = "resource(s) could not be read (not FHIR R4, or a value of the wrong type)";

    public RecordDecider(PolicyDefinition policy, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Policy = policy;
        CoveragePolicy = CoveragePolicyFactory.Create(policy, timeProvider);
    }

    public PolicyDefinition Policy { get; }

    /// <summary>The policy object the file's module makes (<see cref="CoveragePolicyFactory"/>).</summary>
    public ICoveragePolicy CoveragePolicy { get; }

    /// <summary>True when the policy governs the draft order (a request to perform its service).</summary>
    public bool Governs(DraftOrder order) => CoveragePolicy.Governs(order);

    /// <summary>
    /// Reads the patient's items (only the patient's own resources, deserializing only what the policy uses) and
    /// extracts the facts. <paramref name="gaps"/> are the resource types whose data could not be retrieved in full (a
    /// failed or truncated query). For each key whose items could not all be read, a <see cref="RecordProblem"/>.
    /// </summary>
    public RecordRead Read(IEnumerable<RecordItem> items, string patientId, IEnumerable<DataGap> gaps)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(gaps);
        var record = CoveragePolicy.Read([], patientId);
        var unreadable = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, item) in items)
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

        var problems = unreadable.Select(u => Unreadable(u.Key, u.Value)).ToList();
        return new RecordRead(record.Count, CoveragePolicy.Extract(record), problems, record.NotThisPatient);
    }

    /// <summary>The problem of a key with <paramref name="count"/> resources that could not be read.</summary>
    public static RecordProblem Unreadable(string key, int count) => new(key, $"{count} {UnreadableReason}");

    /// <summary>Decides the policy for one order from the record's facts (the order's own words and indication included).</summary>
    public CoverageDecision Decide(ClinicalFacts facts, DraftOrder order)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(order);
        return CoveragePolicy.Decide(facts, CoveragePolicy.ReadOrder(order));
    }
}
