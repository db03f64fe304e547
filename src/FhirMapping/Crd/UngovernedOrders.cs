namespace Cds.FhirMapping.Crd;

/// <summary>The answer for an order-sign order that no loaded policy governs.</summary>
public enum UngovernedAnswer
{
    /// <summary><c>conditional</c> with <c>pa-needed</c> <c>conditional</c> (CRD 2.2 clients: <c>indeterminate</c>): no claim either way.</summary>
    Conditional,

    /// <summary><c>covered</c> with <c>no-auth</c>: for a payer whose loaded policies are the only ones that restrict coverage.</summary>
    Covered,

    /// <summary>No coverage-information at all (not CRD 2.0.1-conformant: order-sign must return it for every invocation).</summary>
    None,
}

/// <summary>
/// The CRD assertion for an order-sign order no loaded policy governs (CRD 2.0.1: order-sign returns coverage
/// information for every invocation). The default claims nothing either way.
/// </summary>
public static class UngovernedOrders
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
