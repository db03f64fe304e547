using System.Net;
using Cds.Service.Ledger;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// The hook waits for its record only up to Cds:Ledger:WriteWait; a write that fails is retried, then spooled to the
/// data directory and written later (periodically, and at the next start): never dropped.
/// </summary>
public sealed class LedgerWriterTests
{
    [Fact]
    public async Task GivenASlowStore_WhenAHookIsCalled_ThenItIsAnsweredAfterTheWriteWaitAndTheRecordFollows()
    {
        // Arrange: the store takes nothing until the gate opens.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        using var factory = Controlled(backend).With("Cds:Ledger:WriteWait", "00:00:00.050");
        var store = Store(factory);
        store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = factory.CreateSignedClient();

        // Act: the answer comes once 50 ms (of the service's clock) have passed, the record still unwritten.
        var call = LedgerCalls.PostHookAsync(client, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _));
        var answered = await LedgerCalls.EventuallyAsync(() => Task.FromResult(call.IsCompleted), advance: factory, step: TimeSpan.FromMilliseconds(10));
        var countWhileGated = (await store.Inner.CountAsync(TestContext.Current.CancellationToken)).HookCalls;
        store.Gate.SetResult();
        var (status, answer) = await call;
        var id = Assert.Single(LedgerCalls.AssertionIds(answer));
        var written = await LedgerCalls.EventuallyAsync(async () => await store.Inner.FindAssertionAsync(id, TestContext.Current.CancellationToken) is not null);

        // Assert
        Assert.True(answered);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, countWhileGated);
        Assert.True(written);
    }

    [Fact]
    public async Task GivenAStoreThatFailsTwice_WhenAHookIsCalled_ThenTheWriteIsRetriedAndKeptOnce()
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        using var factory = Controlled(backend)
            .With("Cds:Ledger:WriteWait", "00:00:00")
            .With("Cds:Ledger:RetryDelay", "00:00:00.100");
        var store = Store(factory);
        store.FailuresLeft = 2;
        using var client = factory.CreateSignedClient();

        // Act
        var (status, answer) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _));
        var id = Assert.Single(LedgerCalls.AssertionIds(answer));
        var written = await LedgerCalls.EventuallyAsync(async () => await store.Inner.FindAssertionAsync(id, TestContext.Current.CancellationToken) is not null, advance: factory, step: TimeSpan.FromMilliseconds(100));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(written);
        Assert.Equal(3, store.Appends);
        Assert.Equal(1, (await store.Inner.CountAsync(TestContext.Current.CancellationToken)).HookCalls);
        Assert.Equal(0, factory.Services.GetRequiredService<LedgerSpool>().Count);
    }

    [Fact]
    public async Task GivenAStoreThatIsDown_WhenAHookIsCalled_ThenTheRecordIsSpooledAndWrittenWhenTheStoreIsBack()
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        using var factory = Controlled(backend)
            .With("Cds:Ledger:WriteWait", "00:00:00")
            .With("Cds:Ledger:MaxAttempts", "2")
            .With("Cds:Ledger:RetryDelay", "00:00:00")
            .With("Cds:Ledger:SpoolRetryInterval", "00:01:00");
        var store = Store(factory);
        store.FailuresLeft = int.MaxValue;
        var spool = factory.Services.GetRequiredService<LedgerSpool>();
        using var client = factory.CreateSignedClient();

        // Act: the store refuses; the record goes to the spool.
        var (status, answer) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out var accessToken));
        var id = Assert.Single(LedgerCalls.AssertionIds(answer));
        var spooled = await LedgerCalls.EventuallyAsync(() => Task.FromResult(spool.Count == 1));
        // The spooled record, and the hook's safety copy when its commit was late (both hold the record; the safety copy
        // is removed once the record is spooled, so it may be gone by the time it is read).
        var spoolText = string.Empty;
        foreach (var file in spool.Files())
        {
            try
            {
                spoolText += await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
            }
            catch (FileNotFoundException) when (file.EndsWith(".safe", StringComparison.Ordinal))
            {
            }
        }
        var healthWhileSpooled = await HealthAsync(client);

        // The store comes back: the next spool round writes it.
        store.FailuresLeft = 0;
        var recovered = await LedgerCalls.EventuallyAsync(
            async () => spool.Count == 0 && await store.Inner.FindAssertionAsync(id, TestContext.Current.CancellationToken) is not null,
            advance: factory,
            step: TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(spooled);
        Assert.Contains(id, spoolText, StringComparison.Ordinal);
        Assert.DoesNotContain(accessToken, spoolText, StringComparison.Ordinal);
        Assert.Equal("Degraded", healthWhileSpooled);
        Assert.True(recovered);
        Assert.Equal("Healthy", await HealthAsync(client));
    }

    [Fact]
    public async Task GivenSpooledRecords_WhenTheServiceStartsAgain_ThenTheyAreWrittenToTheStore()
    {
        // Arrange: an instance whose store is down spools its record and stops.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        string id;
        using (var down = Controlled(backend).With("Cds:Ledger:WriteWait", "00:00:00").With("Cds:Ledger:MaxAttempts", "1"))
        {
            Store(down).FailuresLeft = int.MaxValue;
            using var client = down.CreateSignedClient();
            var (_, answer) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _));
            id = Assert.Single(LedgerCalls.AssertionIds(answer));
            Assert.True(await LedgerCalls.EventuallyAsync(() => Task.FromResult(down.Services.GetRequiredService<LedgerSpool>().Count == 1)));
        }

        // Act: the next start, with the store back.
        using var up = backend.Configure(new CdsServiceFactory());
        using var started = up.CreateClient();
        var store = up.Services.GetRequiredService<ILedgerStore>();
        var written = await LedgerCalls.EventuallyAsync(async () => await store.FindAssertionAsync(id, TestContext.Current.CancellationToken) is not null);

        // Assert
        Assert.True(written);
        Assert.Equal(0, up.Services.GetRequiredService<LedgerSpool>().Count);
    }

    [Fact]
    public async Task GivenAFullQueue_WhenMoreHooksAreCalled_ThenTheirRecordsAreSpooledNotDropped()
    {
        // Arrange: a queue of one, and a store that holds its first write.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        using var factory = Controlled(backend)
            .With("Cds:Ledger:WriteWait", "00:00:00")
            .With("Cds:Ledger:QueueCapacity", "1")
            .With("Cds:Ledger:SpoolRetryInterval", "00:01:00");
        var store = Store(factory);
        store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var spool = factory.Services.GetRequiredService<LedgerSpool>();
        using var client = factory.CreateSignedClient();
        var ids = new List<string>();

        // Act: the first record is being written, the second waits in the queue, the third finds it full.
        async Task CallAsync()
        {
            var (status, answer) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _));
            Assert.Equal(HttpStatusCode.OK, status);
            ids.Add(Assert.Single(LedgerCalls.AssertionIds(answer)));
        }

        await CallAsync();
        Assert.True(await LedgerCalls.EventuallyAsync(() => Task.FromResult(store.Appends == 1)));
        await CallAsync();
        await CallAsync();
        var spooledWhileFull = spool.Count;
        store.Gate.SetResult();
        var all = await LedgerCalls.EventuallyAsync(
            async () => (await store.Inner.CountAsync(TestContext.Current.CancellationToken)).HookCalls == 3 && spool.Count == 0,
            advance: factory,
            step: TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal(1, spooledWhileFull);
        Assert.True(all);
        foreach (var id in ids)
        {
            Assert.NotNull(await store.Inner.FindAssertionAsync(id, TestContext.Current.CancellationToken));
        }
    }

    private static CdsServiceFactory Controlled(LedgerBackend backend) =>
        backend.Configure(new CdsServiceFactory()).WithServices(services =>
        {
            services.RemoveAll<ILedgerStore>();
            services.AddSingleton<ILedgerStore>(sp => new ControlledStore(LedgerExtensions.CreateStore(sp)));
        });

    private static ControlledStore Store(CdsServiceFactory factory) => (ControlledStore)factory.Services.GetRequiredService<ILedgerStore>();

    private static async Task<string> HealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The real store, with hook writes that can be held back or made to fail (as a disk or network would).</summary>
    private sealed class ControlledStore(ILedgerStore inner) : ForwardingLedgerStore(inner)
    {
        private int _failuresLeft;
        private int _appends;

        public TaskCompletionSource? Gate { get; set; }

        public int FailuresLeft
        {
            get => Volatile.Read(ref _failuresLeft);
            set => Volatile.Write(ref _failuresLeft, value);
        }

        public int Appends => Volatile.Read(ref _appends);

        public override async Task AppendAsync(IReadOnlyList<HookCallRecord> records, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _appends);
            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                throw new SqliteException("disk I/O error (test)", 10);
            }

            Interlocked.Exchange(ref _failuresLeft, 0);
            await Inner.AppendAsync(records, cancellationToken);
        }
    }
}
