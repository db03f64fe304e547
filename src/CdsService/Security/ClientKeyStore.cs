using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Cds.Service.Security;

/// <summary>
/// The public keys of each trusted client: inline keys from configuration and the client's JWK Set, fetched only from
/// its configured URL, cached for an hour and refreshed early when a token names an unknown <c>kid</c> (at most every
/// 30 seconds per client). Only asymmetric keys (EC, RSA) are ever kept, materialized once per configuration load or
/// fetch (<see cref="SigningKeys"/>), so validating a token allocates no key and looks its <c>kid</c> up in a dictionary.
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
    private readonly Lazy<Dictionary<string, (TrustedClient Client, SigningKeys Inline)>> _clients = new(() =>
        options.Value.Clients.ToDictionary(
            c => c.Issuer,
            c => (c, SigningKeys.From(c.Keys.Select(ToJsonWebKey))),
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

        // Inline and fetched keys were combined and materialized when the JWK Set was fetched; before any fetch, the inline ones.
        return (_fetched.TryGetValue(issuer, out var set) ? set.Keys : entry.Inline).WithKid(kid);
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

            var fetched = await FetchAsync(url, cancellationToken);
            _fetched[issuer] = new CachedSet(SigningKeys.Combine(_clients.Value[issuer].Inline, fetched), timeProvider.GetUtcNow());
            Log.JwksFetched(logger, issuer, fetched.Count);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ArgumentException or InvalidOperationException)
        {
            // Keep what was cached; remember the attempt so a flood of unknown kids cannot hammer the client's server.
            _fetched[issuer] = new CachedSet(cached?.Keys ?? _clients.Value[issuer].Inline, timeProvider.GetUtcNow());
            Log.JwksFailed(logger, issuer, e.GetType().Name);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<SigningKeys> FetchAsync(Uri url, CancellationToken cancellationToken)
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

        return SigningKeys.From(new JsonWebKeySet(json).Keys);
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

    private sealed record CachedSet(SigningKeys Keys, DateTimeOffset FetchedAt);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Fetched the JWK Set of {Issuer}: {Count} asymmetric key(s)")]
        public static partial void JwksFetched(ILogger logger, string issuer, int count);

        [LoggerMessage(2, LogLevel.Warning, "Could not fetch the JWK Set of {Issuer}: {Error}")]
        public static partial void JwksFailed(ILogger logger, string issuer, string error);
    }
}
