using System.Collections.Concurrent;

namespace Cds.Service.Security;

/// <summary>Remembers each JWT <c>jti</c> until the token expires, so a token is accepted once.</summary>
internal interface IReplayCache
{
    /// <summary>Records <paramref name="jti"/> of <paramref name="issuer"/>; false when it was seen before (a replay).</summary>
    ValueTask<bool> TryRecordAsync(string issuer, string jti, DateTimeOffset expires, CancellationToken cancellationToken);
}

/// <summary>The single-instance replay cache: in memory, expired entries swept as it goes.</summary>
internal sealed class InMemoryReplayCache(TimeProvider timeProvider) : IReplayCache
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private long _calls;

    public ValueTask<bool> TryRecordAsync(string issuer, string jti, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (Interlocked.Increment(ref _calls) % 1024 == 0)
        {
            foreach (var (key, until) in _seen)
            {
                if (until < now)
                {
                    _seen.TryRemove(key, out _);
                }
            }
        }

        var key2 = $"{issuer}\n{jti}";
        if (_seen.TryGetValue(key2, out var existing) && existing >= now)
        {
            return ValueTask.FromResult(false);
        }

        // A concurrent twin of the same token loses the race here.
        var added = _seen.TryAdd(key2, expires) || (_seen.TryGetValue(key2, out existing) && existing < now && _seen.TryUpdate(key2, expires, existing));
        return ValueTask.FromResult(added);
    }
}
