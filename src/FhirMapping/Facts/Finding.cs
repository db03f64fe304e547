namespace Cds.FhirMapping.Facts;

/// <summary>
/// A record a generic reader found for one leaf of a policy's criteria tree (<see cref="Criterion"/>): a coded
/// Condition, Procedure or Observation in the leaf's value set, with the Observation's quantity when it has one.
/// </summary>
/// <param name="Criterion">The leaf's criterion id.</param>
/// <param name="Evidence">The record, its time and its certainty (from its status fields).</param>
/// <param name="Quantity">An Observation's <c>valueQuantity.value</c>; null when it has none or it cannot be read.</param>
/// <param name="Unit">The quantity's UCUM code (or its unit when no code is given).</param>
/// <param name="Approximate">The quantity carries a comparator (&lt;, &gt;, …): not a value to compare with a threshold.</param>
public sealed record Finding(string Criterion, Evidence Evidence, decimal? Quantity = null, string? Unit = null, bool Approximate = false);
