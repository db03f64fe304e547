using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Cds.Service.Security;
using Microsoft.Extensions.Options;

namespace Cds.Service.Ledger;

/// <summary>
/// The JWT replay cache in the ledger's store: shared by every instance that shares the store, so a token used on one
/// instance is refused on all. When the store does not answer within <see cref="SecurityOptions.ReplayCheckTimeout"/>
/// the verdict is <see cref="ReplayVerdict.Unavailable"/> (the call gets a fast 503), unless
/// <see cref="SecurityOptions.ReplayCheckWhenStoreDown"/> opts in to this instance's own memory until the store is back.
/// </summary>
internal sealed partial class LedgerReplayCache(
    ILedgerStore store,
    IOptions<SecurityOptions> options,
    TimeProvider time,
    ILogger<LedgerReplayCache> logger) : IReplayCache
{
    private const int MaxStoredLength = 200;

    /// <summary>At most this many ids are held in memory during an outage; past it the oldest-expiring are dropped first (never the unexpired ones: the call is refused instead).</summary>
    private const int MaxLocalEntries = 100_000;

    private readonly ConcurrentDictionary<(string Issuer, string Jti), DateTimeOffset> _local = new();
    private readonly LedgerJwtIdBatcher _batcher = new(store, time, options.Value.ReplayCheckTimeout);
    private volatile bool _storeDown;

    public async ValueTask<ReplayVerdict> TryRecordAsync(string issuer, string jti, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var (boundedIssuer, boundedJti) = (Bounded(issuer), Bounded(jti));
        var now = time.GetUtcNow();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ReplayCheckTimeout);
        try
        {
            var recorded = await _batcher.TryRecordAsync(new JwtIdClaim(boundedIssuer, boundedJti, expires), timeout.Token);
            if (_storeDown)
            {
                _storeDown = false;
                Log.StoreBack(logger, _local.Count);
            }

            // Ids seen locally during an outage still count once the store is back (until they expire).
            return recorded && !SeenLocally(boundedIssuer, boundedJti, now) ? ReplayVerdict.New : ReplayVerdict.Replay;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Logged once per outage, not once per call.
            if (!_storeDown)
            {
                _storeDown = true;
                Log.StoreDown(logger, options.Value.ReplayCheckWhenStoreDown.ToString(), e.GetType().Name);
            }

            return options.Value.ReplayCheckWhenStoreDown == ReplayFallback.LocalCache
                ? RecordLocally(boundedIssuer, boundedJti, expires, now)
                : ReplayVerdict.Unavailable;
        }
    }

    private bool SeenLocally(string issuer, string jti, DateTimeOffset now) =>
        !_local.IsEmpty && _local.TryGetValue((issuer, jti), out var expires) && expires > now;

    private ReplayVerdict RecordLocally(string issuer, string jti, DateTimeOffset expires, DateTimeOffset now)
    {
        if (_local.Count >= MaxLocalEntries)
        {
            foreach (var expired in _local.Where(e => e.Value <= now).Select(e => e.Key).ToList())
            {
                _local.TryRemove(expired, out _);
            }

            if (_local.Count >= MaxLocalEntries)
            {
                return ReplayVerdict.Unavailable;
            }
        }

        if (_local.TryAdd((issuer, jti), expires))
        {
            return ReplayVerdict.New;
        }

        // Seen before: a replay unless that entry has expired (then it is renewed).
        if (_local.TryGetValue((issuer, jti), out var previous) && previous <= now && _local.TryUpdate((issuer, jti), expires, previous))
        {
            return ReplayVerdict.New;
        }

        return ReplayVerdict.Replay;
    }

    // Index entries have a size limit: a long value is kept as its SHA-256 (still unique for the replay check).
    private static string Bounded(string value) =>
        value.Length <= MaxStoredLength ? value : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "JWT replay check: the ledger store did not answer ({Error}); while it is down calls are handled as configured by Cds:Security:ReplayCheckWhenStoreDown = {Fallback}")]
        public static partial void StoreDown(ILogger logger, string fallback, string error);

        [LoggerMessage(2, LogLevel.Information, "JWT replay check: the ledger store answers again ({LocalIds} id(s) seen locally during the outage still count until they expire)")]
        public static partial void StoreBack(ILogger logger, int localIds);
    }
}
