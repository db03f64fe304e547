using Cds.Service.Contract;
using Cds.Service.Hooks;

namespace Cds.Service.Ledger;

/// <summary>
/// Puts each hook call on record: it observes the call's outcome and the answer bytes at the endpoint (changing
/// neither), so that what is kept is byte for byte what is sent. The answer waits for the record at most
/// <see cref="LedgerOptions.WriteWait"/>.
/// </summary>
internal sealed class LedgerRecorder(LedgerWriter writer) : IHookObserver
{
    public async Task ObserveAsync(ObservedHookCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var entry = new LedgerEntry(call.ServiceId, call.Caller, call.ReceivedAt, call.Outcome.Trace);
        var answer = call.Answer;
        var record = answer is null
            ? entry.Complete(StatusCodes.Status500InternalServerError, null, [], "no answer")
            : entry.Complete(answer.Status, answer.Body, Cards(answer.Response));
        await writer.SubmitAsync(LedgerCompactRecord.Compact(record, call.Outcome.Trace.Request?.DraftOrders), cancellationToken);
    }

    /// <summary>Records a call that ended in an unexpected error (answered 500 by the exception handler).</summary>
    public async Task ObserveFailureAsync(ObservedHookCall call, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(exception);
        var entry = new LedgerEntry(call.ServiceId, call.Caller, call.ReceivedAt, call.Outcome.Trace);
        await writer.SubmitAsync(entry.Complete(StatusCodes.Status500InternalServerError, null, [], exception.GetType().Name), CancellationToken.None);
    }

    private static IReadOnlyList<CardRecord> Cards(CdsResponse? response) =>
        response is null ? [] : [.. response.Cards.Select(c => new CardRecord(c.Uuid, c.Extension?.AssociatedResource is { Count: > 0 } associated ? associated[0].Reference : null))];
}
