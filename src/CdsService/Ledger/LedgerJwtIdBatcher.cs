namespace Cds.Service.Ledger;

/// <summary>
/// Group commit of the JWT replay check: the ids of concurrent signed calls are recorded together, in one statement (and
/// one SQLite commit, or one PostgreSQL round trip) per batch. A call that finds no batch in flight writes its id at once,
/// on its own thread (no hand-off when the service is idle); the ids that arrive meanwhile wait and are written together
/// as the next batch, in the background, and so on while more arrive. The verdict is the database's (a unique key, one
/// atomic statement), so a replay is refused across instances sharing PostgreSQL as before; within a batch the first of
/// two equal ids wins. A store that does not answer within the timeout fails every id of the batch (the caller decides
/// what that means: <see cref="LedgerReplayCache"/>).
/// </summary>
internal sealed class LedgerJwtIdBatcher(ILedgerStore store, TimeProvider time, TimeSpan timeout)
{
    private readonly Lock _gate = new();
    private List<Waiting> _waiting = [];
    private bool _writing;

    /// <summary>True when the id was recorded now; false for a replay. Throws when the store did not take the batch.</summary>
    public async Task<bool> TryRecordAsync(JwtIdClaim id, CancellationToken cancellationToken)
    {
        var waiting = new Waiting(id);
        bool lead;
        lock (_gate)
        {
            _waiting.Add(waiting);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
        {
            await WriteNextBatchAsync();
            if (!Idle())
            {
                _ = Task.Run(DrainAsync, CancellationToken.None); // the ids that arrived meanwhile: not on this call's time
            }
        }

        return await waiting.Verdict.Task.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync()
    {
        do
        {
            await WriteNextBatchAsync();
        }
        while (!Idle());
    }

    // True (and no writer any more) when nothing waits; checked under the same lock as the arrivals, so none is left behind.
    private bool Idle()
    {
        lock (_gate)
        {
            _writing = _waiting.Count > 0;
            return !_writing;
        }
    }

    private async Task WriteNextBatchAsync()
    {
        List<Waiting> batch;
        lock (_gate)
        {
            (batch, _waiting) = (_waiting, []);
        }

        using var bound = new CancellationTokenSource(timeout); // real time, as the caller's own bound
        try
        {
            var recorded = await store.TryRecordJwtIdsAsync([.. batch.Select(w => w.Id)], time.GetUtcNow(), bound.Token);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Verdict.TrySetResult(recorded[i]);
            }
        }
        catch (Exception e)
        {
            batch.ForEach(w => w.Verdict.TrySetException(e));
        }
    }

    private sealed class Waiting(JwtIdClaim id)
    {
        public JwtIdClaim Id { get; } = id;

        public TaskCompletionSource<bool> Verdict { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
