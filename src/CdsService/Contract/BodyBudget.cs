using System.Diagnostics;
using Cds.Service.Hooks;
using Cds.Service.Policy;
using Microsoft.Extensions.Options;

namespace Cds.Service.Contract;

/// <summary>
/// Bounds the request-body bytes held at once (<c>Cds:MaxBodyBytesInFlight</c>): a call reserves its body's size before
/// reading it (its Content-Length, or the buffer a chunked body grows into, reservation by reservation), so that many
/// large bodies arriving together wait, unread, instead of all being read into memory. Waiting is first come, first
/// served (a large body is not overtaken for ever by small ones), bounded by the caller's wait and by
/// <see cref="DeadlineOptions.MaxQueuedHooks"/> waiters; a reservation larger than the whole budget is cut to the
/// budget (it waits until nothing else is held). Disposing a reservation gives its bytes back, once.
/// </summary>
internal sealed class BodyBudget(IOptions<CdsOptions> options, IOptions<DeadlineOptions> deadlines)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _available = options.Value.MaxBodyBytesInFlight;

    /// <summary>The budget, in bytes.</summary>
    public long Capacity { get; } = options.Value.MaxBodyBytesInFlight;

    /// <summary>Bytes not reserved now.</summary>
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

    /// <summary>
    /// A reservation of <paramref name="bytes"/>, or null when they did not come free within <paramref name="wait"/> or
    /// too many calls are waiting. <paramref name="wait"/> is the call's whole allowance: growing the reservation later
    /// waits at most what is left of it (<see cref="Reservation.Waited"/> says how much was used).
    /// </summary>
    public async ValueTask<Reservation?> TryReserveAsync(long bytes, TimeSpan wait, CancellationToken cancellationToken)
    {
        var wanted = Math.Clamp(bytes, 0, Capacity);
        var started = Stopwatch.GetTimestamp();
        return await TakeAsync(wanted, wait, cancellationToken) ? new Reservation(this, wanted, wait, Stopwatch.GetElapsedTime(started)) : null;
    }

    private async ValueTask<bool> TakeAsync(long bytes, TimeSpan wait, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (_waiters.Count == 0 && _available >= bytes)
            {
                _available -= bytes;
                return true;
            }

            if (wait <= TimeSpan.Zero || _waiters.Count >= deadlines.Value.MaxQueuedHooks)
            {
                return false;
            }

            waiter = new Waiter(this, bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        // The wait ends when the bytes are granted (Release), the time is up or the call is cancelled; whichever comes
        // first decides under the lock, so granted bytes are never lost and a given-up waiter is never granted.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        using (timeout.Token.UnsafeRegister(static state => ((Waiter)state!).Budget.GiveUp((Waiter)state!), waiter))
        {
            return await waiter.Granted.Task;
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
        Release(0); // the head of the queue may have been waiting behind this one
    }

    private void Release(long bytes)
    {
        List<Waiter>? granted = null;
        lock (_lock)
        {
            _available += bytes;
            while (_waiters.First is { } head && head.Value.Bytes <= _available)
            {
                _available -= head.Value.Bytes;
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

    /// <summary>Bytes held by one call, grown while a chunked body is read; disposing gives them all back.</summary>
    internal sealed class Reservation : IDisposable
    {
        private readonly BodyBudget _budget;
        private readonly TimeSpan _allowance;
        private long _held;

        public Reservation(BodyBudget budget, long held, TimeSpan allowance, TimeSpan waited)
        {
            _budget = budget;
            _held = held;
            _allowance = allowance;
            Waited = waited;
        }

        /// <summary>Bytes this reservation holds now.</summary>
        public long Held => Interlocked.Read(ref _held);

        /// <summary>How long the call waited for its bytes, first reservation and growth together (the service's wait, not the client's).</summary>
        public TimeSpan Waited { get; private set; }

        /// <summary>
        /// Grows the reservation to <paramref name="total"/> bytes (never past the budget), waiting at most what is left
        /// of the allowance; false when the extra bytes did not come free in time. Only the reader that holds it grows it,
        /// and it is disposed after the read.
        /// </summary>
        public async ValueTask<bool> TryGrowToAsync(long total, CancellationToken cancellationToken)
        {
            var extra = Math.Min(total, _budget.Capacity) - Held;
            if (extra <= 0)
            {
                return true;
            }

            var started = Stopwatch.GetTimestamp();
            var granted = await _budget.TakeAsync(extra, _allowance - Waited, cancellationToken);
            Waited += Stopwatch.GetElapsedTime(started);
            if (granted)
            {
                Interlocked.Add(ref _held, extra);
            }

            return granted;
        }

        public void Dispose()
        {
            var held = Interlocked.Exchange(ref _held, -1);
            if (held >= 0)
            {
                _budget.Release(held);
            }
        }
    }

    private sealed class Waiter(BodyBudget budget, long bytes)
    {
        public BodyBudget Budget { get; } = budget;

        public long Bytes { get; } = bytes;

        public TaskCompletionSource<bool> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
