using Cds.FhirMapping.Crd;
using Cds.Service.Policy;

namespace Cds.Service.Hooks;

/// <summary>
/// The CRD answer for an order-sign order no loaded policy governs (CRD 2.0.1: order-sign returns coverage information
/// for every invocation). Configured by <c>Cds:Crd:UngovernedOrders</c>; the default claims nothing either way.
/// </summary>
internal static class UngovernedOrders
{
    public const string Reason = "No coverage policy loaded in this service governs this order; coverage and prior authorization follow the member's benefits";

    /// <summary>The assertion for one such order, or null when configured to say nothing.</summary>
    public static CoverageAssertion? Assert(UngovernedAnswer answer, string coverageReference, string? crdVersion, DateOnly date, string assertionId) => answer switch
    {
        UngovernedAnswer.Covered => new CoverageAssertion(coverageReference, "covered", "no-auth", null, [], [], Reason, date, assertionId),

        // CRD 2.2 added indeterminate for exactly this: the server cannot say.
        UngovernedAnswer.Conditional when crdVersion == "2.2" => new CoverageAssertion(coverageReference, "indeterminate", "indeterminate", null, [], [], Reason, date, assertionId),
        UngovernedAnswer.Conditional => new CoverageAssertion(coverageReference, "conditional", "conditional", null, [], [], Reason, date, assertionId),
        _ => null,
    };
}
