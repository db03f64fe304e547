using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Cds.Service.Security;

/// <summary>
/// The public keys of each trusted client: inline keys from configuration and the client's JWK Set, fetched only from
/// its configured URL, cached for an hour and refreshed early when a token names an unknown <c>kid</c> (at most every
/// 30 seconds per client). Only asymmetric keys (EC, RSA) are ever kept.
/// </summary>
internal sealed partial class ClientKeyStore(
    IOptions<SecurityOptions> options,
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    ILogger<ClientKeyStore> logger)
{
    public const string HttpClientName = "jwks";
    private const int MaxJwksBytes = 1024 * 1024;
    private static readonly TimeSpan CacheDuration = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, CachedSet> _fetched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly Lazy<Dictionary<string, (TrustedClient Client, SecurityKey[] Inline)>> _clients = new(() =>
        options.Value.Clients.ToDictionary(
            c => c.Issuer,
            c => (c, c.Keys.Select(ToJsonWebKey).Where(IsAsymmetric).Cast<SecurityKey>().ToArray()),
            StringComparer.Ordinal));

    public TrustedClient? Client(string? issuer) =>
        issuer is not null && _clients.Value.TryGetValue(issuer, out var entry) ? entry.Client : null;

    /// <summary>The keys of <paramref name="issuer"/> with key id <paramref name="kid"/>, from what is cached now.</summary>
    public IEnumerable<SecurityKey> Keys(string? issuer, string? kid)
    {
        if (issuer is null || kid is null || !_clients.Value.TryGetValue(issuer, out var entry))
        {
            return [];
        }

        var fetched = _fetched.TryGetValue(issuer, out var set) ? set.Keys : [];
        return entry.Inline.Concat(fetched).Where(k => string.Equals(k.KeyId, kid, StringComparison.Ordinal)).ToArray();
    }

    /// <summary>Makes sure the client's JWK Set is loaded and fresh enough to resolve <paramref name="kid"/>.</summary>
    public async Task EnsureKeyAsync(string issuer, string kid, CancellationToken cancellationToken)
    {
        if (Client(issuer) is not { JwksUrl: { } url })
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        if (_fetched.TryGetValue(issuer, out var cached) && now - cached.FetchedAt < CacheDuration
            && (Keys(issuer, kid).Any() || now - cached.FetchedAt < MinRefreshInterval))
        {
            return;
        }

        var gate = _gates.GetOrAdd(issuer, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (_fetched.TryGetValue(issuer, out cached) && timeProvider.GetUtcNow() - cached.FetchedAt < MinRefreshInterval)
            {
                return;
            }

            var keys = await FetchAsync(url, cancellationToken);
            _fetched[issuer] = new CachedSet(keys, timeProvider.GetUtcNow());
            Log.JwksFetched(logger, issuer, keys.Length);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ArgumentException or InvalidOperationException)
        {
            // Keep what was cached; remember the attempt so a flood of unknown kids cannot hammer the client's server.
            _fetched[issuer] = new CachedSet(cached?.Keys ?? [], timeProvider.GetUtcNow());
            Log.JwksFailed(logger, issuer, e.GetType().Name);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<SecurityKey[]> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var client = httpClientFactory.CreateClient(HttpClientName);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > MaxJwksBytes)
        {
            throw new InvalidOperationException("JWK Set too large.");
        }

        var json = await response.Content.ReadAsStringAsync(timeout.Token);
        if (json.Length > MaxJwksBytes)
        {
            throw new InvalidOperationException("JWK Set too large.");
        }

        return new JsonWebKeySet(json).Keys.Where(IsAsymmetric).Cast<SecurityKey>().ToArray();
    }

    private static JsonWebKey ToJsonWebKey(JwkOptions jwk) => new()
    {
        Kty = jwk.Kty,
        Kid = jwk.Kid,
        Alg = jwk.Alg,
        Use = jwk.Use,
        Crv = jwk.Crv,
        X = jwk.X,
        Y = jwk.Y,
        N = jwk.N,
        E = jwk.E,
    };

    // Symmetric ("oct") keys are never trusted: CDS Hooks forbids HMAC-signed JWTs.
    private static bool IsAsymmetric(JsonWebKey key) =>
        key.Kty is JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA && !string.IsNullOrEmpty(key.Kid);

    private sealed record CachedSet(SecurityKey[] Keys, DateTimeOffset FetchedAt);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Fetched the JWK Set of {Issuer}: {Count} asymmetric key(s)")]
        public static partial void JwksFetched(ILogger logger, string issuer, int count);

        [LoggerMessage(2, LogLevel.Warning, "Could not fetch the JWK Set of {Issuer}: {Error}")]
        public static partial void JwksFailed(ILogger logger, string issuer, string error);
    }
}
