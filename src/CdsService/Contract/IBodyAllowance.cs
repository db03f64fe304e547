namespace Cds.Service.Contract;

/// <summary>
/// Room for a request body that grows while it is read (a chunked body, reservation by reservation): the reader asks
/// for the new total before it keeps more bytes. The hook's body budget (<c>Hooks/BodyBudget</c>) is the one that grants it.
/// </summary>
internal interface IBodyAllowance
{
    /// <summary>Grows the allowance to <paramref name="total"/> bytes; false when the extra bytes did not come free in time.</summary>
    ValueTask<bool> TryGrowToAsync(long total, CancellationToken cancellationToken);
}
