using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Evaluation;
using Cds.Service.Discovery;
using Cds.Service.Hooks;
using Microsoft.Extensions.DependencyInjection;

namespace Cds.Service.Tests.PolicyTool;

/// <summary>
/// The reviewer tool decides exactly as the service does: every case of cases/45.03 is posted to the service over HTTP
/// and run through the tool's entry point, and the decisions (outcome, reason, every criterion with its
/// summary, evidence and review items, missing data, documentation) must be the same.
/// </summary>
public sealed class PolicyToolParityTests(PolicyToolParityTests.Fixture fixture) : IClassFixture<PolicyToolParityTests.Fixture>
{
    public static TheoryData<string> Cases => [.. Directory.GetDirectories(Repository.Path("cases", "45.03")).Select(d => System.IO.Path.GetFileName(d)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GivenACase_WhenTheServiceAndTheToolDecideIt_ThenTheyDecideAlike(string name)
    {
        // Arrange
        var folder = Repository.Path("cases", "45.03", name);
        var hookFile = System.IO.Path.Combine(folder, "hook.json");
        var isHook = File.Exists(hookFile);
        var request = isHook ? JsonNode.Parse(await File.ReadAllTextAsync(hookFile, TestContext.Current.CancellationToken))!.AsObject() : FromBundle(folder);
        var service = request["hook"]!.GetValue<string>() == "order-select" ? Hooks.SelectService : Hooks.SignService;
        var today = CdsServiceFactory.Now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string[] toolArgs = isHook
            ? ["decide", "--json", "--today", today, "--hook", hookFile]
            : ["decide", "--json", "--today", today, "--bundle", System.IO.Path.Combine(folder, "bundle.json"), "--order", System.IO.Path.Combine(folder, "order.json")];

        // Act
        using var client = fixture.Factory.CreateSignedClient();
        fixture.Observed.Clear();
        var (status, _) = await Hooks.PostAsync(client, service, request);
        var tool = JsonNode.Parse(RunTool(toolArgs))!;

        // Assert
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"the service answered {status}");
        var call = Assert.Single(fixture.Observed);
        var decisions = call.Outcome.Trace.Decisions.Select(d => d.Decision).DistinctBy(d => d.OrderReference).ToList();
        Assert.Equal(status == HttpStatusCode.BadRequest, tool["rejected"] is not null);
        Assert.Equal(
            decisions.Select(Canonical).ToList(),
            tool["decisions"]!.AsArray().Select(d => Canonical(d!)).ToList());
    }

    // A request the way the EHR would send it for the patient in the Bundle: the order as given, and every prefetch
    // template answered from the Bundle (as a FHIR server holding the patient would).
    private static JsonObject FromBundle(string folder)
    {
        var resources = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(folder, "bundle.json")))!["entry"]!.AsArray()
            .Select(e => e!["resource"]!.AsObject()).ToList();
        var order = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(folder, "order.json")))!;
        var patientId = resources.Single(r => r["resourceType"]!.GetValue<string>() == "Patient")["id"]!.GetValue<string>();
        var discovery = DiscoveryDocument.Load(Repository.Path("cds-services.json"));
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal) { ["context.patientId"] = patientId };
        var prefetch = new JsonObject();
        foreach (var (key, template) in discovery.Find(Hooks.SignService)!.Prefetch)
        {
            prefetch[key] = PrefetchSearch.Prefetch(template, tokens, resources);
        }

        return new JsonObject
        {
            ["hookInstance"] = Guid.NewGuid().ToString(),
            ["hook"] = "order-sign",
            ["context"] = new JsonObject
            {
                ["patientId"] = patientId,
                ["draftOrders"] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "collection", ["entry"] = new JsonArray(new JsonObject { ["resource"] = order }) },
            },
            ["prefetch"] = prefetch,
        };
    }

    private static string Canonical(CoverageDecision d) => string.Join("\n", [
        $"{d.OrderReference} {d.Outcome} {d.DecidingCriterion}: {d.Reason}",
        .. d.Criteria.Select(c => $"{c.Id} {c.Status}: {c.Summary} [{string.Join(", ", c.Evidence.Select(e => e.Reference).Distinct(StringComparer.Ordinal))}] review: {string.Join("; ", c.Review.Select(r => r.What))}"),
        .. d.Missing.Select(m => $"missing {m.Criterion}: {m.What} / {m.HowToSupply}"),
        .. d.Documentation.Select(m => $"documentation: {m.What} / {m.HowToSupply}"),
        .. d.Review.Select(r => $"review {r.Criterion}: {r.What}")]);

    private static string Canonical(JsonNode d) => string.Join("\n", [
        $"{S(d["order"])} {S(d["outcome"])} {S(d["decidingCriterion"])}: {S(d["reason"])}",
        .. d["criteria"]!.AsArray().Select(c => $"{S(c!["id"])} {S(c["status"])}: {S(c["summary"])} [{string.Join(", ", c["evidence"]!.AsArray().Select(S))}] review: {string.Join("; ", c["review"]!.AsArray().Select(S))}"),
        .. d["missing"]!.AsArray().Select(m => $"missing {S(m!["criterion"])}: {S(m["what"])} / {S(m["howToSupply"])}"),
        .. d["documentation"]!.AsArray().Select(m => $"documentation: {S(m!["what"])} / {S(m["howToSupply"])}"),
        .. d["review"]!.AsArray().Select(r => $"review {S(r!["criterion"])}: {S(r["what"])}")]);

    private static string S(JsonNode? node) => node!.GetValue<string>();

    // The tool's entry point, from its assembly built next to this test project (a build-only reference in the
    // .csproj: both projects have a top-level Program, so it cannot be referenced), run in process.
    private static string RunTool(string[] args)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Name;
        var dll = System.IO.Path.GetFullPath(System.IO.Path.Combine(AppContext.BaseDirectory, "..", "..", "PolicyTool", configuration, "Cds.PolicyTool.dll"));
        Assert.True(File.Exists(dll), $"the policy tool is not built: {dll}");
        var run = Assembly.LoadFrom(dll).GetType("Cds.PolicyTool.ToolApp", throwOnError: true)!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = (int)run.Invoke(null, [args, output, error])!;
        Assert.True(code == 0, $"the tool exited {code}: {error}");
        return output.ToString();
    }

    /// <summary>The service with an observer that keeps each finished hook call (its decisions).</summary>
    public sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            // Parity, not speed: deadlines no loaded test machine can miss (a missed deadline answers without a decision).
            Factory = new CdsServiceFactory()
                .With("Cds:Deadlines:HookBudget", "00:00:30")
                .With("Cds:Deadlines:SlotWait", "00:00:30")
                .WithServices(s => s.AddSingleton<IHookObserver>(new Capture(Observed)));
        }

        internal CdsServiceFactory Factory { get; }

        internal ConcurrentQueue<ObservedHookCall> Observed { get; } = new();

        public void Dispose() => Factory.Dispose();

        private sealed class Capture(ConcurrentQueue<ObservedHookCall> calls) : IHookObserver
        {
            public Task ObserveAsync(ObservedHookCall call, CancellationToken cancellationToken)
            {
                calls.Enqueue(call);
                return Task.CompletedTask;
            }

            public Task ObserveFailureAsync(ObservedHookCall call, Exception exception)
            {
                calls.Enqueue(call);
                return Task.CompletedTask;
            }
        }
    }
}
