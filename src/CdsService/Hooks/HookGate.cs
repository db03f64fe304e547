using Cds.Service.Policy;
using Microsoft.Extensions.Options;

namespace Cds.Service.Hooks;

/// <summary>
/// Bounds the hook calls decided at once (<c>Cds:MaxConcurrentHooks</c> slots), weighted by body size: a call takes one
/// slot per <c>Cds:BodyBytesPerHookSlot</c> of its body (at least one, at most all of them), because a hook holds its
/// request, the document parsed from it and the patient's record in memory, and on a small machine more large calls in
/// flight add memory, not throughput. Bodies are read before a slot is asked for, so a slow client never holds one.
/// Slots are given first come, first served (a large call is not overtaken for ever by small ones); a call waits at most
/// <see cref="DeadlineOptions.SlotWait"/> (and never past its budget), and at most
/// <see cref="DeadlineOptions.MaxQueuedHooks"/> calls wait at once; otherwise there is no slot (the caller answers 503).
/// </summary>
internal sealed class HookGate(IOptions<CdsOptions> options, IOptions<DeadlineOptions> deadlines)
{
    private readonly FifoSemaphore _slots = new(options.Value.MaxConcurrentHooks, deadlines.Value.MaxQueuedHooks);

    /// <summary>Slots not taken now.</summary>
    public long Available => _slots.Available;

    /// <summary>Calls waiting for slots now.</summary>
    public int Waiting => _slots.Waiting;

    /// <summary>The slots a call with a body of <paramref name="bodyBytes"/> takes.</summary>
    public int SlotsFor(long bodyBytes)
    {
        var perSlot = options.Value.BodyBytesPerHookSlot;
        var slots = perSlot <= 0 ? 1 : (bodyBytes + perSlot - 1) / perSlot;
        return (int)Math.Clamp(slots, 1, options.Value.MaxConcurrentHooks);
    }

    /// <summary>
    /// The slots for a body of <paramref name="bodyBytes"/>, or null when they did not come free within
    /// <paramref name="wait"/> (bounded by the slot wait) or too many calls are waiting; throws when the call was cancelled.
    /// </summary>
    public async Task<IDisposable?> TryEnterAsync(long bodyBytes, TimeSpan wait, CancellationToken cancellationToken)
    {
        var slots = SlotsFor(bodyBytes);
        var bounded = wait < deadlines.Value.SlotWait ? wait : deadlines.Value.SlotWait;
        if (await _slots.TryTakeAsync(slots, bounded, cancellationToken))
        {
            return new Slots(_slots, slots);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return null;
    }

    private sealed class Slots(FifoSemaphore semaphore, int count) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release(count);
            }
        }
    }
}
