namespace Cds.FhirMapping.Coverages;

/// <summary>An identifier of a payer organization (<c>system</c> may be null when the record gives none).</summary>
public sealed record PayerIdentifier(string? System, string Value);

/// <summary>
/// One <c>Coverage.payor</c>: what the reference itself says (identifier, display) merged with the Organization it
/// points to when that could be found (contained, in the prefetch, or read from the FHIR server).
/// </summary>
/// <param name="Reference">The literal reference (<c>Organization/x</c>, <c>#x</c>), or null.</param>
/// <param name="Identifiers">Identifiers from the reference and the resolved Organization.</param>
/// <param name="Names">The reference's display, the Organization's name and aliases.</param>
/// <param name="Unresolved">True when a reference points to a resource that was not found (its identity is unknown).</param>
public sealed record PayerParty(string? Reference, IReadOnlyList<PayerIdentifier> Identifiers, IReadOnlyList<string> Names, bool Unresolved);

/// <summary>A Coverage of the patient as recorded, whatever its status or payer.</summary>
/// <param name="Id">The Coverage's id.</param>
/// <param name="Status">FHIR status code (<c>active</c>, <c>cancelled</c>, <c>draft</c>, <c>entered-in-error</c>) or null.</param>
/// <param name="Start">The period's start, null when open.</param>
/// <param name="End">The period's end, null when open.</param>
/// <param name="Order">Coordination-of-benefits rank (<c>Coverage.order</c>, 1 = primary), null when not given.</param>
/// <param name="Payors">Each <c>Coverage.payor</c>.</param>
public sealed record CoverageCandidate(string Id, string? Status, DateRange? Start, DateRange? End, int? Order, IReadOnlyList<PayerParty> Payors)
{
    public string Reference => $"Coverage/{Id}";
}
