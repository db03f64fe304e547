using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Cds.Service.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// PostgreSQL stopped and started under a running service (a private server the test owns, never the shared one): the
/// service starts without it, reports Degraded (never Unhealthy) while it is down, refuses signed calls with a fast 503
/// by default (the jti check cannot be made), and, with the local replay fallback, answers hooks, spools their records
/// and replays them in order when the database is back, none lost.
/// </summary>
[Collection(OutageTests.Name)]
public sealed class LedgerOutageTests
{
    private const string SignUrl = "http://localhost/cds-services/" + Hooks.SignService;

    [Fact]
    public async Task GivenPostgresDownAtStartUp_WhenTheServiceRuns_ThenItIsDegradedRefusesSignedCallsWith503AndRecoversWhenPostgresIsBack()
    {
        // Arrange: the server exists but is not running when the service starts.
        await using var postgres = await PrivatePostgres.CreateAsync();
        using var factory = Outage(postgres);
        using var client = factory.CreateSignedClient();

        // Act: while it is down.
        var alive = await GetAsync(client, "/alive");
        var health = await GetAsync(client, "/health");
        using var refused = await PostAsync(client, Hooks.SignService, Fresh(out _));
        var refusedBody = JsonNode.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        // Then it comes back: the schema is created in the background and signed calls are answered again.
        await postgres.StartAsync();
        var healthy = await LedgerCalls.EventuallyAsync(async () => (await GetAsync(client, "/health")).Body == "Healthy", advance: factory, step: TimeSpan.FromSeconds(1));
        using var answered = await PostAsync(client, Hooks.SignService, Fresh(out var hookInstance));
        var written = await LedgerCalls.EventuallyAsync(async () => await CountAsync(postgres, hookInstance) == 1, advance: factory, step: TimeSpan.FromMilliseconds(50));

        // Assert
        Assert.Equal((HttpStatusCode.OK, "Healthy"), alive);
        Assert.Equal((HttpStatusCode.OK, "Degraded"), health);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("OperationOutcome", refusedBody["resourceType"]!.GetValue<string>());
        Assert.Equal("transient", refusedBody["issue"]![0]!["code"]!.GetValue<string>());
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("   at ", StringComparison.Ordinal) && l.Contains("Cds.Service", StringComparison.Ordinal));
        Assert.True(healthy, "the service did not become healthy after PostgreSQL came back");
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.True(written, "the hook call after the outage is not in the ledger");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // initdb/pg_ctl and file modes: Unix
    public async Task GivenAnOutageWhileRunningWithTheLocalReplayFallback_WhenHooksAreCalled_ThenTheyAreAnsweredSpooledOwnerOnlyAndReplayedInOrderNoneLost()
    {
        // Arrange: PostgreSQL up, one call on record.
        await using var postgres = await PrivatePostgres.CreateAsync();
        await postgres.StartAsync();
        using var factory = Outage(postgres).With("Cds:Security:ReplayCheckWhenStoreDown", "LocalCache");
        using var client = factory.CreateSignedClient();
        using var plain = factory.CreateClient();
        var spool = factory.Services.GetRequiredService<LedgerSpool>();
        var instances = new List<string>();
        using var first = await PostAsync(client, Hooks.SignService, Fresh(out var firstInstance));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        instances.Add(firstInstance);

        Assert.True(await LedgerCalls.EventuallyAsync(async () => await CountAsync(postgres, firstInstance) == 1, advance: factory, step: TimeSpan.FromMilliseconds(50)));

        // Act: the database goes away; three calls (one with a token that is then replayed).
        await postgres.StopAsync();
        var statuses = new List<HttpStatusCode>();
        var token = TestTokens.Create(new TestTokens.Spec { Audience = SignUrl, Now = factory.Clock.GetUtcNow() });
        for (var i = 0; i < 3; i++)
        {
            using var response = await PostAsync(i == 1 ? plain : client, Hooks.SignService, Fresh(out var instance), i == 1 ? token : null);
            statuses.Add(response.StatusCode);
            instances.Add(instance);
            Assert.True(await LedgerCalls.EventuallyAsync(() => Task.FromResult(spool.Count == i + 1), advance: factory, step: TimeSpan.FromMilliseconds(50)), $"record {i + 1} was not spooled");
        }

        using var replayed = await PostAsync(plain, Hooks.SignService, Fresh(out _), token);
        var healthDuring = await GetAsync(client, "/health");
        var spooledOrder = new List<string>();
        foreach (var path in spool.Files())
        {
            var record = JsonNode.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken))!;
            spooledOrder.Add(record["hookInstance"]!.GetValue<string>());
        }

        var fileModes = spool.Files().Select(f => File.GetUnixFileMode(f)).Distinct().ToList();
        var directoryMode = File.GetUnixFileMode(spool.DirectoryPath);

        // The database comes back: the spool is replayed, in order.
        await postgres.StartAsync();
        var drained = await LedgerCalls.EventuallyAsync(async () => spool.Count == 0 && await CountAsync(postgres, null) == 4, advance: factory, step: TimeSpan.FromSeconds(1));
        var healthAfter = await LedgerCalls.EventuallyAsync(async () => (await GetAsync(client, "/health")).Body == "Healthy", advance: factory, step: TimeSpan.FromSeconds(1));

        // Assert
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal((HttpStatusCode.OK, "Degraded"), healthDuring);
        Assert.Equal(instances.Skip(1), spooledOrder);
        Assert.Equal([UnixFileMode.UserRead | UnixFileMode.UserWrite], fileModes);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, directoryMode);
        Assert.True(drained, $"spool {spool.Count}, ledger {await CountAsync(postgres, null)}");
        Assert.Equal(instances, await InsertionOrderAsync(postgres));
        Assert.True(healthAfter);
    }

    private static CdsServiceFactory Outage(PrivatePostgres postgres) => new CdsServiceFactory()
        .With("ConnectionStrings:Ledger", postgres.ConnectionString)
        .With("Cds:Ledger:WriteWait", "00:00:00")
        .With("Cds:Ledger:MaxAttempts", "1")
        .With("Cds:Ledger:RetryDelay", "00:00:00")
        .With("Cds:Ledger:SpoolRetryInterval", "00:00:01");

    private static JsonObject Fresh(out string hookInstance)
    {
        var request = Repository.Sample("order-sign-meets-criteria.json");
        hookInstance = Guid.NewGuid().ToString();
        request["hookInstance"] = hookInstance;
        return request;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string serviceId, JsonObject request, string? bearer = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/cds-services/{serviceId}")
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await client.SendAsync(message, TestContext.Current.CancellationToken);
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    // Rows of hook_call (all, or those of one hook instance); -1 while the database or the table is not there.
    private static async Task<long> CountAsync(PrivatePostgres postgres, string? hookInstance)
    {
        try
        {
            await using var connection = new NpgsqlConnection(postgres.ConnectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand(
                hookInstance is null ? "SELECT COUNT(*) FROM hook_call" : "SELECT COUNT(*) FROM hook_call WHERE hook_instance = @instance",
                connection);
            command.Parameters.AddWithValue("instance", (object?)hookInstance ?? DBNull.Value);
            return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return -1;
        }
    }

    // The physical order of the rows (a fresh heap without deletes appends): the order the store received them.
    private static async Task<List<string>> InsertionOrderAsync(PrivatePostgres postgres)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT hook_instance FROM hook_call ORDER BY ctid", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var order = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            order.Add(reader.GetString(0));
        }

        return order;
    }
}

/// <summary>Tests that start and stop database servers run one at a time (2-core machine; they wait on real time).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OutageTests
{
    public const string Name = "Outage";
}
