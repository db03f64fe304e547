using System.Text.Json;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation;

/// <summary>
/// One coverage policy, as the host sees it: which orders it governs, what data it reads, how it reads facts from a
/// patient's record, and how it decides one order. Made from a loaded policy file by <c>Engine.CoveragePolicyFactory</c>;
/// immutable and thread-safe.
/// </summary>
public interface ICoveragePolicy
{
    /// <summary>The policy file it was made from (texts, value sets, the declared decision).</summary>
    PolicyDefinition Definition { get; }

    /// <summary>The FHIR resource types the policy reads from the patient's record (for prefetch and data gaps).</summary>
    IReadOnlyList<string> ResourceTypes { get; }

    /// <summary>The screen on the order's JSON code alone: false when the order surely is not one <see cref="Governs"/> accepts.</summary>
    bool MayGovern(DraftOrder order);

    /// <summary>True when the draft order is a request to perform this policy's service (one of its service codes).</summary>
    bool Governs(DraftOrder order);

    /// <summary>Reads the patient's resources and Bundles, keeping the patient's own and deserializing only what the policy uses.</summary>
    ClinicalRecord Read(IEnumerable<JsonElement> resourcesOrBundles, string patientId);

    /// <summary>The facts the policy needs, from the whole record: observations only, no decision.</summary>
    ClinicalFacts Extract(ClinicalRecord record);

    /// <summary>What the order itself says (its indication, and what the policy reads on it).</summary>
    OrderFacts ReadOrder(DraftOrder order);

    /// <summary>Decides the policy for one order from the patient's facts.</summary>
    CoverageDecision Decide(ClinicalFacts facts, OrderFacts order);
}
