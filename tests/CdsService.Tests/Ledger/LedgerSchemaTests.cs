namespace Cds.Service.Tests.Ledger;

/// <summary>The schema is created on first start and migrated at start-up, once, even when instances start together.</summary>
public sealed class LedgerSchemaTests
{
    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenAnEmptyDatabase_WhenInstancesMigrateAtOnceAndAgain_ThenTheSchemaIsCreatedOnce(string kind)
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(kind);
        var stores = Enumerable.Range(0, 4).Select(_ => backend.OpenStore()).ToList();

        try
        {
            // Act: four instances start together, then one restarts.
            var versions = await Task.WhenAll(stores.Select(s => s.MigrateAsync(TestContext.Current.CancellationToken)));
            var again = await stores[0].MigrateAsync(TestContext.Current.CancellationToken);

            // Assert
            Assert.All(versions, v => Assert.Equal(stores[0].CurrentVersion, v));
            Assert.Equal(stores[0].CurrentVersion, again);
            Assert.Equal(stores[0].CurrentVersion, await backend.ScalarAsync("SELECT COUNT(*) FROM ledger_schema"));
            Assert.Equal(stores[0].CurrentVersion, await backend.ScalarAsync("SELECT MAX(version) FROM ledger_schema"));
            var counts = await stores[0].CountAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, counts.HookCalls + counts.Assertions + counts.Cards + counts.Feedback + counts.JwtIds);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task GivenNoDataDirectory_WhenTheServiceStarts_ThenTheSqliteLedgerIsCreatedThere()
    {
        // Arrange: a data directory that does not exist yet.
        await using var backend = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        var directory = Path.Combine(backend.DataDirectory, "not", "yet");
        using var factory = new CdsServiceFactory().With("Cds:DataDirectory", directory);

        // Act
        using var client = factory.CreateClient();

        // Assert
        Assert.True(File.Exists(Path.Combine(directory, "ledger.db")));
    }
}
