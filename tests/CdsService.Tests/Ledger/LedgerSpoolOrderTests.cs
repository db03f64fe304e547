using System.Net;
using Cds.Service.Ledger;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// A record the store refuses for what it holds (while it takes others) is set aside as .rejected for manual recovery,
/// and does not hold back the records spooled behind it.
/// </summary>
public sealed class LedgerSpoolOrderTests
{
    [Fact]
    public async Task GivenARecordTheStoreRefusesWhileTakingOthers_WhenTheSpoolIsReplayed_ThenItIsSetAsideAndTheOthersAreWritten()
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        var poison = Guid.NewGuid().ToString();
        using var factory = backend.Configure(new CdsServiceFactory())
            .With("Cds:Ledger:WriteWait", "00:00:00")
            .With("Cds:Ledger:MaxAttempts", "1")
            .With("Cds:Ledger:RetryDelay", "00:00:00")
            .With("Cds:Ledger:SpoolRetryInterval", "00:00:01")
            .WithServices(services =>
            {
                services.RemoveAll<ILedgerStore>();
                services.AddSingleton<ILedgerStore>(sp => new PoisonStore(LedgerExtensions.CreateStore(sp), poison));
            });
        using var client = factory.CreateSignedClient();
        var spool = factory.Services.GetRequiredService<LedgerSpool>();
        var store = factory.Services.GetRequiredService<ILedgerStore>();

        // Act: the refused record is spooled; the next one queues behind it in the spool.
        var refused = LedgerCalls.Sample("order-sign-meets-criteria.json", out _);
        refused["hookInstance"] = poison;
        var (first, _) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, refused);
        Assert.True(await LedgerCalls.EventuallyAsync(() => Task.FromResult(spool.Count == 1)));
        var (second, answer) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _));
        var id = Assert.Single(LedgerCalls.AssertionIds(answer));
        var replayed = await LedgerCalls.EventuallyAsync(
            async () => spool.Count == 0 && await store.FindAssertionAsync(id, TestContext.Current.CancellationToken) is not null,
            advance: factory,
            step: TimeSpan.FromSeconds(1));
        var health = await client.GetStringAsync("/health", TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.True(replayed, $"spool {spool.Count}, rejected {spool.RejectedCount}");
        Assert.Equal(1, spool.RejectedCount);
        Assert.Contains(poison, await File.ReadAllTextAsync(Directory.EnumerateFiles(spool.DirectoryPath, "*.rejected").Single(), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("Degraded", health);
        Assert.Contains(factory.Logs.Lines, l => l.StartsWith("Critical", StringComparison.Ordinal) && l.Contains("set aside", StringComparison.Ordinal));
    }

    private sealed class PoisonStore(ILedgerStore inner, string poison) : ForwardingLedgerStore(inner)
    {
        public override Task AppendAsync(IReadOnlyList<HookCallRecord> records, CancellationToken cancellationToken) =>
            records.Any(r => r.HookInstance == poison)
                ? throw new SqliteException("value too long for an index entry (test)", 18)
                : Inner.AppendAsync(records, cancellationToken);
    }
}
