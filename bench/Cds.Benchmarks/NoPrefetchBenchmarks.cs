using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cds.Bench.Corpus;
using Cds.Service.Contract;
using Cds.Service.Discovery;
using Cds.Service.Hooks;
using Cds.Service.Prefetch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cds.Bench.Micro;

/// <summary>
/// The hook without prefetch, in process against a FHIR server on loopback (Kestrel, no delay) that answers each of the
/// service's prefetch searches with the Bundle the prefetch call of the same patient carries: what the service spends on
/// its queries (the HTTP client, reading and parsing the pages) apart from reading and deciding, and what it allocates.
/// <c>Gather</c> is the gatherer alone (every query of the hook); <c>Hook</c> is the whole call as
/// <see cref="ServicePathBenchmarks.Hook"/> measures it with prefetch. The setup checks that each gather asks the FHIR
/// server for every search of the service once and that the answer is the prefetch call's.
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class NoPrefetchBenchmarks
{
    private const string ServiceId = "dli-coverage-order-sign";
    private ServiceHost _host = null!;
    private WebApplication _fhir = null!;
    private HookHandler _handler = null!;
    private PatientDataGatherer _gatherer = null!;
    private ServiceDefinition _service = null!;
    private byte[] _body = [];
    private JsonDocument _document = null!;
    private HookRequest _request = null!;
    private readonly ConcurrentDictionary<string, byte[]> _pages = new(StringComparer.Ordinal);
    private int _requests;
    private int _misses;

    [Params("typical")]
    public string Patient { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        _fhir = StartFhirServer();
        var fhirBase = _fhir.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/') + "/fhir";
        _host = ServiceHost.StartAsync(["--Cds:Security:DevelopmentMode=true"]).GetAwaiter().GetResult();
        _handler = _host.Services.GetRequiredService<HookHandler>();
        _gatherer = _host.Services.GetRequiredService<PatientDataGatherer>();
        _service = _host.Services.GetRequiredService<DiscoveryDocument>().Find(ServiceId) ?? throw new InvalidOperationException("no service " + ServiceId);

        // The FHIR server answers each search with the Bundle the prefetch call carries under that search's key.
        var withPrefetch = PatientRecord.HookRequest(Patient, Corpora.Size(Patient), Corpora.Seed, fhirBase);
        using var full = JsonDocument.Parse(withPrefetch.ToJsonString());
        var prefetched = HookRequest.Parse(full.RootElement, out var error) ?? throw new InvalidOperationException(error);
        foreach (var (key, template) in _service.Prefetch)
        {
            if (prefetched.Prefetch.TryGetValue(key, out var value) && PrefetchTemplate.Render(template, prefetched) is { } relative)
            {
                _pages[new Uri(new Uri(fhirBase + "/"), relative).PathAndQuery] = JsonSerializer.SerializeToUtf8Bytes(value);
            }
        }

        _body = JsonSerializer.SerializeToUtf8Bytes(PatientRecord.WithoutPrefetch(withPrefetch, fhirBase));
        _document = JsonBody.Parse(_body).Document ?? throw new InvalidOperationException("the body is not strict JSON");
        _request = HookRequest.Parse(_document.RootElement, out error) ?? throw new InvalidOperationException(error);

        // What is measured must be what the service does: every search asked once, each answered, the same answer as with prefetch.
        var data = GatherData().GetAwaiter().GetResult();
        var queried = PatientDataGatherer.KeysToQuery(_service, _request).Count;
        if (_requests != queried || _misses != 0 || data.Failures.Count != 0)
        {
            throw new InvalidOperationException($"{_requests} request(s) for {queried} searches, {_misses} unknown, {data.Failures.Count} failure(s)");
        }

        var answer = Normalised(Hook().GetAwaiter().GetResult());
        if (answer != Normalised(Answer(JsonSerializer.SerializeToUtf8Bytes(withPrefetch)).GetAwaiter().GetResult()))
        {
            throw new InvalidOperationException("the answer without prefetch is not the answer with prefetch");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _document.Dispose();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _fhir.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Every prefetch key queried from the FHIR server, as the hook does without prefetch: the pages gathered.</summary>
    [Benchmark]
    public async Task<int> Gather() => (await GatherData()).Keyed.Count;

    private Task<PatientData> GatherData() => _gatherer.GatherAsync(_service, _request, TimeSpan.FromSeconds(5), CancellationToken.None);

    /// <summary>One whole hook call in process without prefetch; the answer's bytes.</summary>
    [Benchmark]
    public Task<byte[]> Hook() => Answer(_body);

    private async Task<byte[]> Answer(byte[] body)
    {
        using var document = JsonBody.Parse(body).Document ?? throw new InvalidOperationException("the body is not strict JSON");
        var call = new HookCall(ServiceId, document.RootElement, new Uri(ServiceHost.PublicBaseUrl), new ClaimsPrincipal(new ClaimsIdentity()), TimeSpan.FromSeconds(5));
        return await _handler.HandleAsync(call, CancellationToken.None) switch
        {
            HookOutcome.Answered answered => JsonSerializer.SerializeToUtf8Bytes(answered.Response, CdsJsonContext.Default.CdsResponse),
            var other => throw new InvalidOperationException("not answered: " + other.GetType().Name),
        };
    }

    // The answer without what differs from call to call (card uuids).
    private static string Normalised(byte[] answer) =>
        System.Text.RegularExpressions.Regex.Replace(System.Text.Encoding.UTF8.GetString(answer), "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>");

    private WebApplication StartFhirServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/fhir/{**path}", (HttpContext context) =>
        {
            Interlocked.Increment(ref _requests);
            if (_pages.TryGetValue(context.Request.Path + context.Request.QueryString, out var page))
            {
                return Results.Bytes(page, "application/fhir+json");
            }

            Interlocked.Increment(ref _misses);
            return Results.Bytes("""{"resourceType":"Bundle","type":"searchset","total":0}"""u8.ToArray(), "application/fhir+json");
        });
        app.StartAsync().GetAwaiter().GetResult();
        return app;
    }
}
