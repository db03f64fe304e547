using System.Threading.Channels;

namespace Cds.Service.Ledger;

/// <summary>
/// Group commit of the JWT replay check: the ids of concurrent signed calls are recorded together, in one statement (and
/// one SQLite commit, or one PostgreSQL round trip) per batch; one writer takes every id queued while the previous batch
/// was written, and each caller waits for its verdict. The verdict is the database's (a unique key, one atomic
/// statement), so a replay is refused across instances sharing PostgreSQL as before; within a batch the first of two
/// equal ids wins. A store that does not answer within the timeout fails every id of the batch (the caller decides what
/// that means: <see cref="LedgerReplayCache"/>).
/// </summary>
internal sealed class LedgerJwtIdBatcher : IDisposable
{
    private const int MaxBatch = 256;

    private readonly ILedgerStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly Channel<Waiting> _queue = Channel.CreateUnbounded<Waiting>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writing;

    public LedgerJwtIdBatcher(ILedgerStore store, TimeProvider time, TimeSpan timeout)
    {
        _store = store;
        _time = time;
        _timeout = timeout;
        _writing = Task.Run(WriteAsync);
    }

    /// <summary>True when the id was recorded now; false for a replay. Throws when the store did not take the batch.</summary>
    public async Task<bool> TryRecordAsync(JwtIdClaim id, CancellationToken cancellationToken)
    {
        var waiting = new Waiting(id);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(waiting), this);

        return await waiting.Verdict.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writing.Wait(TimeSpan.FromSeconds(5));
    }

    // Everything queued while the previous batch was being written is the next batch.
    private async Task WriteAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Waiting>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            using var bound = new CancellationTokenSource(_timeout); // real time, as the caller's own bound
            try
            {
                var recorded = await _store.TryRecordJwtIdsAsync([.. batch.Select(w => w.Id)], _time.GetUtcNow(), bound.Token);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Verdict.TrySetResult(recorded[i]);
                }
            }
            catch (Exception e)
            {
                batch.ForEach(w => w.Verdict.TrySetException(e));
            }

            batch.Clear();
        }
    }

    private sealed class Waiting(JwtIdClaim id)
    {
        public JwtIdClaim Id { get; } = id;

        public TaskCompletionSource<bool> Verdict { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
