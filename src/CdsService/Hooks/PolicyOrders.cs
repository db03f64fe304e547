using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.Service.Policy;

namespace Cds.Service.Hooks;

/// <summary>The draft orders of a call that one policy governs, and the patient's facts as that policy reads them.</summary>
internal sealed record PolicyOrders(CoverageEngine Policy, IReadOnlyList<DraftOrder> Orders, ClinicalFacts Facts);
