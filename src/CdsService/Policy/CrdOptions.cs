using Cds.FhirMapping.Crd;

namespace Cds.Service.Policy;

/// <summary>CRD behaviour choices (section <c>Cds:Crd</c>).</summary>
internal sealed class CrdOptions
{
    public const string SectionName = "Cds:Crd";

    public UngovernedAnswer UngovernedOrders { get; set; } = UngovernedAnswer.Conditional;

    /// <summary>
    /// Whether <c>GET /cds-services</c> needs a client JWT. Off by default: the discovery document holds nothing private.
    /// Hook calls and feedback always need one (outside development mode).
    /// </summary>
    public bool DiscoveryRequiresJwt { get; set; }
}
