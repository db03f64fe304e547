namespace Cds.Service.Ledger;

/// <summary>
/// Whether the ledger's schema is in place. The service starts without its store (PostgreSQL may be down): the migrator
/// keeps trying in the background, and the writer replays the spool once this says the store is ready.
/// </summary>
internal sealed class LedgerReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    public void MarkReady() => _ready.TrySetResult();

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);
}
