namespace Cds.Service.Policy;

/// <summary>The answer for an order-sign order that no loaded policy governs (<c>Cds:Crd:UngovernedOrders</c>).</summary>
internal enum UngovernedAnswer
{
    /// <summary><c>conditional</c> with <c>pa-needed</c> <c>conditional</c> (CRD 2.2 clients: <c>indeterminate</c>): no claim either way.</summary>
    Conditional,

    /// <summary><c>covered</c> with <c>no-auth</c>: for a payer whose loaded policies are the only ones that restrict coverage.</summary>
    Covered,

    /// <summary>No coverage-information at all (not CRD 2.0.1-conformant: order-sign must return it for every invocation).</summary>
    None,
}

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
