using System.Diagnostics;
using Cds.Service.Contract;
using Cds.Service.Policy;
using Microsoft.Extensions.Options;

namespace Cds.Service.Hooks;

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
    private readonly FifoSemaphore _bytes = new(options.Value.MaxBodyBytesInFlight, deadlines.Value.MaxQueuedHooks);

    /// <summary>The budget, in bytes.</summary>
    public long Capacity => _bytes.Capacity;

    /// <summary>Bytes not reserved now.</summary>
    public long Available => _bytes.Available;

    /// <summary>
    /// A reservation of <paramref name="bytes"/>, or null when they did not come free within <paramref name="wait"/> or
    /// too many calls are waiting. <paramref name="wait"/> is the call's whole allowance: growing the reservation later
    /// waits at most what is left of it (<see cref="Reservation.Waited"/> says how much was used).
    /// </summary>
    public async ValueTask<Reservation?> TryReserveAsync(long bytes, TimeSpan wait, CancellationToken cancellationToken)
    {
        var wanted = Math.Clamp(bytes, 0, Capacity);
        var started = Stopwatch.GetTimestamp();
        return await _bytes.TryTakeAsync(wanted, wait, cancellationToken) ? new Reservation(this, wanted, wait, Stopwatch.GetElapsedTime(started)) : null;
    }

    /// <summary>Bytes held by one call, grown while a chunked body is read; disposing gives them all back.</summary>
    internal sealed class Reservation : IBodyAllowance, IDisposable
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
            var granted = await _budget._bytes.TryTakeAsync(extra, _allowance - Waited, cancellationToken);
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
                _budget._bytes.Release(held);
            }
        }
    }
}
