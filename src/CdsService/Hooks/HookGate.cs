using Cds.Service.Policy;
using Microsoft.Extensions.Options;

namespace Cds.Service.Hooks;

/// <summary>
/// Bounds how many hook calls are in progress at once, before their bodies are read: a hook holds its request and the
/// patient's parsed record in memory, and on a small machine more calls in flight add memory, not throughput. Calls
/// beyond the bound wait (their bodies stay in the socket) until one finishes.
/// </summary>
internal sealed class HookGate(IOptions<CdsOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentHooks, options.Value.MaxConcurrentHooks);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
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
