using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Cds.Bench.JwtPool;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cds.Bench.Micro;

/// <summary>
/// What a signed call costs, through the service's own code: the service composed as Program.cs composes it, with the
/// bench client registered in its configuration (an inline ES384 public key, as <c>bench/run.sh</c> registers it).
/// <c>Authenticate</c> is the whole JwtBearer authentication of one request — the service's shape check, issuer and
/// <c>kid</c> resolution in <c>ClientKeyStore</c>, the signature and lifetime, <c>aud</c> = the URL invoked, and the
/// <c>jti</c> replay record in the ledger's store (SQLite) — each op with a fresh token from a pre-minted pool.
/// <c>ValidateToken</c> is the token handler's validation alone with the service's configured parameters (its key
/// resolver included). <c>VerifySignature</c> is the floor: one ES384 verification of the same token with .NET's ECDsa.
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
[InvocationCount(1024)]
public class JwtBenchmarks : IAsyncDisposable
{
    private const string HookPath = "/cds-services/dli-coverage-order-sign";

    // Fixed invocations: (3 warm-ups + 3 iterations + the memory diagnoser's extra one) × 1024, plus jitting and margin; a
    // token is never sent twice (the pool running out fails the benchmark: the replay check refuses the token). A smaller
    // pool (CDS_BENCH_JWT_POOL) keeps the setup short for a run under valgrind (--cpu-per-op with a few hundred ops).
    private static readonly int PoolSize = int.TryParse(Environment.GetEnvironmentVariable("CDS_BENCH_JWT_POOL"), out var pool) && pool > 2 ? pool : 12 * 1024;

    private ECDsa _key = null!;
    private ECDsa _verifier = null!;
    private ServiceHost _host = null!;
    private string[] _pool = [];
    private int _next;
    private string _token = string.Empty;
    private JsonWebTokenHandler _handler = null!;
    private TokenValidationParameters _parameters = null!;
    private byte[] _signingInput = [];
    private byte[] _signature = [];

    /// <summary>For <c>Authenticate</c>: a token per op (the pool).</summary>
    [GlobalSetup(Target = nameof(Authenticate))]
    public void SetupPool() => Setup(PoolSize);

    /// <summary>For the others: one token, validated again and again (nothing records it).</summary>
    [GlobalSetup(Targets = [nameof(ValidateToken), nameof(VerifySignature)])]
    public void SetupOne() => Setup(2);

    private void Setup(int tokens)
    {
        _key = BenchKey.Create();
        _host = ServiceHost.StartAsync(BenchKey.ServiceArguments(_key)).GetAwaiter().GetResult();
        var minter = new TokenMinter(_key, BenchKey.KeyId, BenchKey.Issuer, new Uri(new Uri(ServiceHost.PublicBaseUrl), HookPath).AbsoluteUri, TimeSpan.FromMinutes(50));
        _pool = minter.MintMany(tokens, DateTimeOffset.UtcNow);
        _token = _pool[^1];

        var options = _host.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        _handler = new JsonWebTokenHandler();
        _parameters = options.TokenValidationParameters;

        var parts = _token.Split('.');
        _signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        _signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        _verifier = ECDsa.Create(_key.ExportParameters(includePrivateParameters: false));

        // Each benchmark must succeed before it is measured (the service may fetch or materialize keys on first use);
        // the first token of the pool is spent on it.
        if (!ValidateToken().GetAwaiter().GetResult() || !VerifySignature() || !Authenticate().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("the bench token is not accepted by the service");
        }
    }

    /// <summary>The service's whole authentication of one request, replay record included.</summary>
    [Benchmark]
    public async Task<bool> Authenticate()
    {
        var token = _pool[Interlocked.Increment(ref _next) - 1];
        await using var scope = _host.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = HttpMethods.Post;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1", 5080);
        context.Request.Path = HookPath;
        context.Request.Headers.Authorization = "Bearer " + token;
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        return result.Succeeded ? true : throw new InvalidOperationException("refused: " + result.Failure?.Message);
    }

    /// <summary>The token handler's validation with the service's own parameters (issuer, key resolver, lifetime).</summary>
    [Benchmark]
    public async Task<bool> ValidateToken() => (await _handler.ValidateTokenAsync(_token, _parameters)).IsValid;

    /// <summary>The floor: one ES384 signature verification (SHA-384 of the signing input and the P-384 verify).</summary>
    [Benchmark]
    public bool VerifySignature() => _verifier.VerifyData(_signingInput, _signature, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

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
        _verifier?.Dispose();
        GC.SuppressFinalize(this);
    }
}
