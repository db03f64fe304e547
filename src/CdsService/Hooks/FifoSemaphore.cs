namespace Cds.Service.Hooks;

/// <summary>
/// A count of units (bytes of body budget, hook slots) taken and given back in any amount, first come first served: a
/// large request is not overtaken for ever by small ones. A wait is bounded by the caller's time and by
/// <c>maxWaiters</c> callers waiting at once; a request larger than the capacity must be cut to it by the caller (it
/// then waits until nothing else is held). The one place both <see cref="BodyBudget"/> and
/// <see cref="HookGate"/> queue.
/// </summary>
internal sealed class FifoSemaphore(long capacity, int maxWaiters)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _available = capacity;

    /// <summary>The units there are.</summary>
    public long Capacity { get; } = capacity;

    /// <summary>Units not taken now.</summary>
    public long Available
    {
        get
        {
            lock (_lock)
            {
                return _available;
            }
        }
    }

    /// <summary>Callers waiting in line now.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>
    /// Takes <paramref name="units"/> (at most <see cref="Capacity"/>) at once when nobody is waiting and they are free,
    /// else waits in line at most <paramref name="wait"/>; false when they did not come free in time, the line is full or
    /// the call was cancelled (the caller tells a cancellation from a timeout by its own token).
    /// </summary>
    public async ValueTask<bool> TryTakeAsync(long units, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(units, Capacity);
        Waiter waiter;
        lock (_lock)
        {
            if (_waiters.Count == 0 && _available >= units)
            {
                _available -= units;
                return true;
            }

            if (wait <= TimeSpan.Zero || _waiters.Count >= maxWaiters)
            {
                return false;
            }

            waiter = new Waiter(this, units);
            waiter.Node = _waiters.AddLast(waiter);
        }

        // The wait ends when the units are granted (Release), the time is up or the call is cancelled; whichever comes
        // first decides under the lock, so granted units are never lost and a given-up waiter is never granted.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        using (timeout.Token.UnsafeRegister(static state => ((Waiter)state!).Owner.GiveUp((Waiter)state!), waiter))
        {
            return await waiter.Granted.Task;
        }
    }

    /// <summary>Gives <paramref name="units"/> back and grants them to the waiters at the head of the line that now fit.</summary>
    public void Release(long units)
    {
        List<Waiter>? granted = null;
        lock (_lock)
        {
            _available += units;
            while (_waiters.First is { } head && head.Value.Units <= _available)
            {
                _available -= head.Value.Units;
                _waiters.RemoveFirst();
                head.Value.Node = null;
                (granted ??= []).Add(head.Value);
            }
        }

        foreach (var waiter in granted ?? [])
        {
            waiter.Granted.TrySetResult(true);
        }
    }

    private void GiveUp(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is null)
            {
                return; // already granted
            }

            _waiters.Remove(waiter.Node);
            waiter.Node = null;
        }

        waiter.Granted.TrySetResult(false);
        Release(0); // the head of the line may have been waiting behind this one
    }

    private sealed class Waiter(FifoSemaphore owner, long units)
    {
        public FifoSemaphore Owner { get; } = owner;

        public long Units { get; } = units;

        public TaskCompletionSource<bool> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
