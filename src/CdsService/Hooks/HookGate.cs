using Cds.Service.Policy;
using Microsoft.Extensions.Options;

namespace Cds.Service.Hooks;

/// <summary>
/// Bounds how many hook calls are decided at once (<c>Cds:MaxConcurrentHooks</c>): a hook holds its request and the
/// patient's parsed record in memory, and on a small machine more calls in flight add memory, not throughput. Bodies
/// are read before a slot is asked for, so a slow client never holds one. A call waits at most
/// <see cref="DeadlineOptions.SlotWait"/> (and never past its budget), and at most
/// <see cref="DeadlineOptions.MaxQueuedHooks"/> calls wait at once; otherwise there is no slot (the caller answers 503).
/// </summary>
internal sealed class HookGate(IOptions<CdsOptions> options, IOptions<DeadlineOptions> deadlines) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentHooks, options.Value.MaxConcurrentHooks);
    private int _waiting;

    /// <summary>A slot, or null when none came free within <paramref name="wait"/> or too many calls are waiting.</summary>
    public async Task<IDisposable?> TryEnterAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_slots.Wait(0, CancellationToken.None))
        {
            return new Slot(_slots);
        }

        if (Interlocked.Increment(ref _waiting) > deadlines.Value.MaxQueuedHooks)
        {
            Interlocked.Decrement(ref _waiting);
            return null;
        }

        try
        {
            var bounded = wait < deadlines.Value.SlotWait ? wait : deadlines.Value.SlotWait;
            return bounded > TimeSpan.Zero && await _slots.WaitAsync(bounded, cancellationToken) ? new Slot(_slots) : null;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
