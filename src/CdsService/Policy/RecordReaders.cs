namespace Cds.Service.Policy;

/// <summary>
/// How many patient records are read at once, across every loaded policy and every reload: reading a record is CPU
/// work that holds the patient's data in memory, and running more at once than there are cores adds no throughput,
/// only memory (measured: bench/README.md). Further calls wait their turn.
/// </summary>
internal sealed class RecordReaders : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Environment.ProcessorCount, Environment.ProcessorCount);

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
