using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Cds.FhirMapping.Coverages;
using Cds.FhirMapping.Fhir;
using Cds.Service.Contract;
using Cds.Service.Discovery;
using Cds.Service.Hooks;
using Cds.Service.Policy;
using Cds.Service.Prefetch;
using Cds.Service.Telemetry;
using PolicyOrders = Cds.Service.Hooks.PolicyOrders;
using Microsoft.Extensions.DependencyInjection;

namespace Cds.Bench.Micro;

/// <summary>
/// Bytes allocated and CPU per call of each stage of a hook on the path the service takes (the service composed as
/// Program.cs composes it, its own singletons, as <see cref="ServicePathBenchmarks"/> calls them), each stage run
/// <c>count</c> times on its own after every stage is warmed up: the per-stage table of an attribution. Bytes are this thread's
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, exact and steady); CPU is the process's (user + system, GC
/// threads included), so on a loaded machine only its ratios mean much.
///   Cds.Benchmarks --stage-cost typical 2000
/// </summary>
internal static class StageCost
{
    private const string ServiceId = "dli-coverage-order-sign";

    public static async Task<int> RunAsync(string patient, int count)
    {
        await using var host = await ServiceHost.StartAsync([]);
        var handler = host.Services.GetRequiredService<HookHandler>();
        var gatherer = host.Services.GetRequiredService<PatientDataGatherer>();
        var policies = host.Services.GetRequiredService<PolicyLibrary>().Current;
        var engine = policies.Policies[0];
        var resolver = host.Services.GetRequiredService<CoverageResolver>();
        var service = host.Services.GetRequiredService<DiscoveryDocument>().Find(ServiceId) ?? throw new InvalidOperationException("no service " + ServiceId);
        var body = Corpora.RequestBody(patient);
        using var document = JsonBody.Parse(body).Document ?? throw new InvalidOperationException("not strict JSON");
        var request = HookRequest.Parse(document.RootElement, out var error) ?? throw new InvalidOperationException(error);
        if (!DraftOrder.TryParseBundle(request.DraftOrders, policies.MayGovern, out var orders, out error))
        {
            throw new InvalidOperationException(error);
        }

        var policyOrders = orders.Where(engine.Extractor.IsPolicyOrder).ToList();
        var data = await gatherer.GatherAsync(service, request, TimeSpan.FromSeconds(5), CancellationToken.None);
        var index = HookHandler.Bind(data, request);
        var bound = data with { Keyed = index.Items };
        var gaps = PatientDataGatherer.Gaps(service, data);
        var facts = (await engine.ReadAsync(bound, request.PatientId, gaps, CancellationToken.None)).Facts;
        var caller = new ClaimsPrincipal(new ClaimsIdentity());
        var baseUrl = new Uri(ServiceHost.PublicBaseUrl);
        var answer = host.Services.GetRequiredService<CrdAnswer>();
        var metrics = host.Services.GetRequiredService<CdsMetrics>();
        var configuration = HookConfiguration.Read(service, request.Configuration);
        var ungoverned = answer.Ungoverned(request, configuration, orders, policies);
        List<PolicyOrders> governed = policyOrders.Count == 0 ? [] : [new PolicyOrders(engine, policyOrders, facts)];
        var answerData = data with { Coverage = index.Coverage };
        HookOutcome Build()
        {
            using var measurement = metrics.StartHook();
            return answer.BuildAsync(request, configuration, policies, governed, ungoverned, answerData, baseUrl, caller, measurement, CancellationToken.None).GetAwaiter().GetResult().Outcome;
        }

        var built = Build();

        var stages = new (string Name, Func<Task<int>> Run)[]
        {
            ("body parse (JsonBody.Parse: UTF-8, strict JSON, duplicate keys)", () => { using var d = JsonBody.Parse(body).Document!; return Task.FromResult(d.RootElement.ValueKind == JsonValueKind.Object ? 1 : 0); }),
            ("HookRequest.Parse", () => Task.FromResult(HookRequest.Parse(document.RootElement, out _) is null ? 0 : 1)),
            ("draft orders (DraftOrder.TryParseBundle, the policy order read by Firely)", () => Task.FromResult(DraftOrder.TryParseBundle(request.DraftOrders, policies.MayGovern, out var o, out _) ? o.Count : -1)),
            ("gather (prefetch, no query)", async () => (await gatherer.GatherAsync(service, request, TimeSpan.FromSeconds(5), CancellationToken.None)).Keyed.Count),
            ("bind (PatientDataIndex: walk, patient binding, Coverage set apart)", () => Task.FromResult(HookHandler.Bind(data, request).Count)),
            ("record read (CoverageEngine.ReadAsync: walk, screen, direct read, facts)", async () => (await engine.ReadAsync(bound, request.PatientId, gaps, CancellationToken.None)).Resources),
            ("  of which: walk (RecordWalk over the index's items)", () => Task.FromResult(Walk(index.Items, request.PatientId, null))),
            ("  of which: walk + relevance screen (no read)", () => Task.FromResult(Walk(index.Items, request.PatientId, engine.Extractor.IsRelevant))),
            ("  of which: walk + relevance screen + read (FactExtractor.Read)", () => Task.FromResult(engine.Extractor.Read(index.Items.Select(i => i.Item), request.PatientId).Count)),
            ("Coverage (CoverageRecord.Read over the index's Coverages)", () => Task.FromResult(CoverageRecord.Read(index.Coverage, request.PatientId).Coverages.Count)),
            ("decide (CoverageEngine.Decide per policy order)", () => Task.FromResult(policyOrders.Sum(o => engine.Decide(facts, o).Criteria.Count))),
            ("answer built (CrdAnswer.BuildAsync: Coverage, decisions, actions, cards)", () => Task.FromResult(Build() is HookOutcome.Answered ? 1 : 0)),
            ("response bytes (HookResults.Map of the answer built)", () => Task.FromResult(HookResults.Map(built).Body.Length)),
            ("whole hook (HookHandler.HandleAsync + response bytes)", async () =>
            {
                using var d = JsonBody.Parse(body).Document!;
                var outcome = await handler.HandleAsync(new HookCall(ServiceId, d.RootElement, baseUrl, caller, TimeSpan.FromSeconds(5)), CancellationToken.None);
                return outcome is HookOutcome.Answered answered ? JsonSerializer.SerializeToUtf8Bytes(answered.Response, CdsJsonContext.Default.CdsResponse).Length : 0;
            }),
        };

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{patient}: {count} calls per stage (bytes: this thread; CPU: the process)"));
        using var process = Process.GetCurrentProcess();
        // Every stage warmed up first, then a pause: the JIT's tiering (a background thread, counted in the process's
        // CPU) is done before anything is measured.
        for (var round = 0; round < 3; round++)
        {
            foreach (var (_, run) in stages)
            {
                for (var i = 0; i < Math.Min(500, count); i++)
                {
                    await run();
                }
            }

            await Task.Delay(1000);
        }

        foreach (var (name, run) in stages)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var bytes0 = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < count; i++)
            {
                await run();
            }

            var bytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpu0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)count,10:0} B  {cpu.TotalMicroseconds / count,8:0.0} µs CPU  {name}"));
        }

        return 0;
    }

    private static int Walk(IReadOnlyList<KeyedItem> items, string patientId, Func<string, JsonElement, bool>? relevant)
    {
        var walk = new RecordWalk(patientId);
        var admitted = 0;
        foreach (var (_, item) in items)
        {
            walk.Walk(item, (type, _, json) => admitted += type is not null && (relevant is null || relevant(type, json)) ? 1 : 0);
        }

        return admitted;
    }
}
