using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Cds.Bench.JwtPool;
using Cds.Service.Ledger;
using Cds.Service.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cds.Bench.Micro;

/// <summary>
/// The parts of a signed call's authentication beyond the signature, one by one, through the service's own code and
/// configuration (issue 14: attributing the CPU of <see cref="JwtBenchmarks.Authenticate"/>): the shape check, reading
/// the token, the token handler's validation of a token already read, the per-request copy of the validation
/// parameters JwtBearer makes, and the <c>jti</c> replay record (through the replay cache, and the store's insert alone).
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
[InvocationCount(1024)]
public class JwtPartsBenchmarks : IAsyncDisposable
{
    private const string HookPath = "/cds-services/dli-coverage-order-sign";

    private ECDsa? _key;
    private ServiceHost _host = null!;
    private string _token = string.Empty;
    private JsonWebToken _jwt = null!;
    private JsonWebTokenHandler _handler = null!;
    private TokenValidationParameters _parameters = null!;
    private IReplayCache _replay = null!;
    private ILedgerStore _store = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _key = BenchKey.Create();
        _host = ServiceHost.StartAsync(BenchKey.ServiceArguments(_key)).GetAwaiter().GetResult();
        var minter = new TokenMinter(_key, BenchKey.KeyId, BenchKey.Issuer, new Uri(new Uri(ServiceHost.PublicBaseUrl), HookPath).AbsoluteUri, TimeSpan.FromMinutes(50));
        _token = minter.MintMany(1, DateTimeOffset.UtcNow)[0];
        _jwt = new JsonWebToken(_token);
        _handler = new JsonWebTokenHandler();
        _parameters = _host.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        _replay = _host.Services.GetRequiredService<IReplayCache>();
        _store = _host.Services.GetRequiredService<ILedgerStore>();
        if (!Shape() || Read() is null || !ValidateRead().GetAwaiter().GetResult() || !RecordJti().GetAwaiter().GetResult() || !StoreRecordJti().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("a part of the bench token's authentication failed");
        }
    }

    /// <summary>The service's shape check of the bearer token (JwtShape).</summary>
    [Benchmark]
    public bool Shape() => JwtShape.Check(_token) is null;

    /// <summary>Reading the token (header and payload decoded and parsed), as the service and JwtBearer each do.</summary>
    [Benchmark]
    public JsonWebToken Read() => new(_token);

    /// <summary>The token handler's validation of a token already read: signature, issuer, lifetime, key resolution, claims.</summary>
    [Benchmark]
    public async Task<bool> ValidateRead() => (await _handler.ValidateTokenAsync(_jwt, _parameters)).IsValid;

    /// <summary>The copy of the validation parameters JwtBearer makes for each request.</summary>
    [Benchmark]
    public TokenValidationParameters CloneParameters() => _parameters.Clone();

    /// <summary>The jti replay record as the service makes it (replay cache, batcher, store), a new id each op.</summary>
    [Benchmark]
    public async Task<bool> RecordJti() =>
        await _replay.TryRecordAsync(BenchKey.Issuer, NextJti(), DateTimeOffset.UtcNow.AddMinutes(50), CancellationToken.None) == ReplayVerdict.New;

    /// <summary>The store's insert of one new id alone.</summary>
    [Benchmark]
    public async Task<bool> StoreRecordJti() =>
        (await _store.TryRecordJwtIdsAsync([new JwtIdClaim(BenchKey.Issuer, NextJti(), DateTimeOffset.UtcNow.AddMinutes(50))], DateTimeOffset.UtcNow, CancellationToken.None))[0];

    [GlobalCleanup]
    public void Cleanup() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _host = null!;
        }

        _key?.Dispose();
        GC.SuppressFinalize(this);
    }

    private string NextJti() => "bench-" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
}
