using System.Text.Json;
using Cds.Service.Contract;

namespace Cds.Service.Hooks;

/// <summary>
/// A hook call's request body, admitted under the request-body budget (<see cref="BodyBudget"/>): its size is reserved
/// before it is read, it is read (bounded in size and time) before a hook slot is asked for, so a slow client never holds
/// a slot, and it is parsed only once the call has its slot (<see cref="Parse"/>), so at most
/// <c>Cds:MaxConcurrentHooks</c> parsed bodies are held. The wait for the budget and the wait for a slot share one
/// allowance (<see cref="WaitAllowance"/>). Disposing it releases the document, the buffer and the reservation.
/// </summary>
internal sealed class HookBody : IDisposable
{
    private readonly RawBody? _bytes;
    private readonly BodyBudget.Reservation? _reservation;
    private RequestBody? _document;

    private HookBody(HookOutcome refusal) => Refusal = refusal;

    private HookBody(RawBody bytes, BodyBudget.Reservation reservation)
    {
        _bytes = bytes;
        _reservation = reservation;
    }

    /// <summary>Why the body was not read (4xx, or 503 when the budget stayed spent); null when it was.</summary>
    public HookOutcome? Refusal { get; }

    /// <summary>The body's length in bytes (0 when it was not read): what its hook slots are weighed by.</summary>
    public long Length => _bytes?.Length ?? 0;

    /// <summary>How long the call waited for the budget: the service's own queueing, counted against the hook's budget.</summary>
    public TimeSpan Waited => _reservation?.Waited ?? TimeSpan.Zero;

    /// <summary>The longest a call waits for the body budget and a hook slot together: the slot wait, never past the hook's budget.</summary>
    public static TimeSpan WaitAllowance(DeadlineOptions deadlines)
    {
        ArgumentNullException.ThrowIfNull(deadlines);
        var budget = deadlines.HookBudget - deadlines.AnswerReserve;
        return deadlines.SlotWait < budget ? deadlines.SlotWait : budget;
    }

    /// <summary>Checks the headers, reserves the body's size within the wait allowance, and reads the bytes.</summary>
    public static async Task<HookBody> ReadAsync(HttpRequest request, BodyBudget budget, long limit, DeadlineOptions deadlines, DeadlineMetrics metrics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(deadlines);
        ArgumentNullException.ThrowIfNull(metrics);
        if (JsonBody.HeaderProblem(request, limit) is { } refused)
        {
            return new HookBody(Rejected(refused));
        }

        var reservation = await budget.TryReserveAsync(JsonBody.FirstBufferBytes(request, limit), WaitAllowance(deadlines), cancellationToken);
        if (reservation is null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            metrics.Refused(DeadlineMetrics.NoBodyBudget);
            return new HookBody(Overloaded(deadlines, "The request-body budget is spent (too many bodies are being read at once); the call could not be started within its budget."));
        }

        try
        {
            var (bytes, problem) = await JsonBody.ReadBytesAsync(request, limit, deadlines.BodyRead, reservation, cancellationToken);
            if (bytes is not null)
            {
                return new HookBody(bytes, reservation);
            }

            reservation.Dispose();
            switch (problem!.Status)
            {
                case StatusCodes.Status503ServiceUnavailable:
                    metrics.Refused(DeadlineMetrics.NoBodyBudget);
                    return new HookBody(Overloaded(deadlines, problem.Diagnostics));
                case StatusCodes.Status408RequestTimeout:
                    metrics.Refused(DeadlineMetrics.BodyTimeout);
                    break;
            }

            return new HookBody(Rejected(problem));
        }
        catch
        {
            reservation.Dispose();
            throw;
        }
    }

    /// <summary>Parses the bytes once (the document lives as long as this body); a refusal when they are not strict JSON.</summary>
    public (JsonElement Root, HookOutcome? Refusal) Parse()
    {
        if (_document is null)
        {
            var (document, problem) = (_bytes ?? throw new InvalidOperationException("The body was not read.")).Parse(owned: false);
            if (document is null)
            {
                return (default, Rejected(problem!));
            }

            _document = document;
        }

        return (_document.RootElement, null);
    }

    public void Dispose()
    {
        _document?.Dispose();
        _bytes?.Dispose();
        _reservation?.Dispose();
    }

    private static HookOutcome.Rejected Rejected(BodyProblem problem) => new(problem.Status, problem.Code, problem.Diagnostics);

    private static HookOutcome.Overloaded Overloaded(DeadlineOptions deadlines, string why) =>
        new(deadlines.RetryAfter, $"{why} Retry after {deadlines.RetryAfter.TotalSeconds:0} s.");
}
