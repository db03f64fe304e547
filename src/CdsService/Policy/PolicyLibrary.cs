using Microsoft.Extensions.Options;

namespace Cds.Service.Policy;

/// <summary>
/// Holds the <see cref="PolicySet"/> that serves and swaps in a new one atomically. The first set is loaded when the
/// library is built (a problem stops the service at start-up); a reload that does not load as a whole is refused with
/// one log line naming the file and the problem, and the previous set keeps serving.
/// </summary>
internal sealed partial class PolicyLibrary : IDisposable
{
    private readonly CdsOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PolicyLibrary> _logger;
    private readonly RecordReaders _readers = new();
    private readonly Lock _reloading = new();
    private PolicySet _current;

    public PolicyLibrary(IOptions<CdsOptions> options, TimeProvider timeProvider, ILogger<PolicyLibrary> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        Source = PolicySource.From(_options);
        _current = PolicySet.Load(Source.Read(), _options, _timeProvider, _readers);
    }

    public PolicySource Source { get; }

    /// <summary>The set that serves now; take it once per hook call.</summary>
    public PolicySet Current => Volatile.Read(ref _current);

    /// <summary>
    /// Reads and checks the folder again; swaps the new set in when every file loads and no two claim one code.
    /// Returns whether it did. Reloads run one at a time.
    /// </summary>
    public bool Reload()
    {
        lock (_reloading)
        {
            PolicySet next;
            try
            {
                next = PolicySet.Load(Source.Read(), _options, _timeProvider, _readers);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Runs on a timer thread: whatever goes wrong is refused and logged, never thrown (it would end the process).
                Log.Refused(_logger, e is PolicySetException ? e.Message : $"{e.GetType().Name}: {e.Message}", Current.Names);
                return false;
            }

            Volatile.Write(ref _current, next);
            Log.Swapped(_logger, next.Policies.Count, next.Names);
            PolicyStartupCheck.Report(_logger, next, DateOnly.FromDateTime(_timeProvider.GetUtcNow().UtcDateTime));
            return true;
        }
    }

    public void Dispose() => _readers.Dispose();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Policy reload refused, {Problem}; still serving {Serving}")]
        public static partial void Refused(ILogger logger, string problem, string serving);

        [LoggerMessage(2, LogLevel.Information, "Policy reload: now serving {Count} policy file(s): {Serving}")]
        public static partial void Swapped(ILogger logger, int count, string serving);
    }
}
