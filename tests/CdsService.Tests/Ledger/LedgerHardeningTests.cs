using System.Net;
using Cds.Service.Contract;
using Cds.Service.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cds.Service.Tests.Ledger;

/// <summary>Huge caller-supplied strings are bounded before they are stored or logged; the ledger's files are owner-only.</summary>
public sealed class LedgerHardeningTests
{
    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenMegabyteIdentifiersInAHookCall_WhenItIsRecorded_ThenTheStoreTakesItBoundedAndNothingStaysInTheSpool(string kind)
    {
        // Arrange: a 250 KB patient id (indexed), user id and encounter id (within the test's 1 MB body limit), and a
        // newline to forge a log line.
        await using var ledger = await LedgerBackend.CreateAsync(kind);
        using var factory = ledger.Configure(new CdsServiceFactory()).With("Cds:Ledger:WriteWait", "00:00:00").With("Cds:Ledger:MaxAttempts", "1");
        using var client = factory.CreateSignedClient();
        var request = LedgerCalls.Sample("order-sign-meets-criteria.json", out _);
        request["context"]!["patientId"] = "p\nInformation forged line " + new string('x', 250_000);
        request["context"]!["userId"] = "Practitioner/" + new string('u', 250_000);
        request["context"]!["encounterId"] = new string('e', 250_000);

        // Act
        var (status, _) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, request);
        var written = await LedgerCalls.EventuallyAsync(async () => await ledger.ScalarAsync("SELECT COUNT(*) FROM hook_call") == 1, factory);
        var longest = await ledger.ScalarAsync("SELECT COALESCE(MAX(LENGTH(patient_id)), 0) + COALESCE(MAX(LENGTH(user_id)), 0) + COALESCE(MAX(LENGTH(encounter_id)), 0) FROM hook_call");
        var health = await client.GetStringAsync("/health", TestContext.Current.CancellationToken);

        // Assert
        Assert.True((int)status < 500, $"answered {(int)status}");
        Assert.True(written, "the record did not reach the store");
        Assert.True(longest <= 3 * LedgerLimits.Identifier, $"stored identifiers of {longest} characters");
        Assert.Equal(0, factory.Services.GetRequiredService<LedgerSpool>().Count);
        Assert.Equal("Healthy", health);
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Length > 20_000);
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("\nInformation forged line", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenARecordWithAMegabyteHookInstance_WhenBoundedAndAppended_ThenTheStoreTakesItWhereTheRawOneBreaksTheIndex(string kind)
    {
        // Arrange: a record as a caller could make it (the parser may refuse such a request; the ledger must not rely on it).
        await using var ledger = await LedgerBackend.CreateAsync(kind);
        await using var store = ledger.OpenStore();
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        var huge = new string('h', 1024 * 1024);
        HookCallRecord Huge() => new()
        {
            Id = Guid.CreateVersion7().ToString(),
            ReceivedAt = DateTimeOffset.UnixEpoch.AddYears(56),
            ServiceId = Hooks.SignService,
            Hook = "order-sign",
            HookInstance = huge,
            PatientId = huge,
            Status = 400,
            DataSources = new Dictionary<string, string> { [huge] = "prefetch" },
        };

        // Act
        var raw = kind == LedgerBackend.Postgres
            ? await Record.ExceptionAsync(() => store.AppendAsync([Huge()], TestContext.Current.CancellationToken))
            : null;
        var bounded = LedgerLimits.Bound(Huge());
        await store.AppendAsync([bounded], TestContext.Current.CancellationToken);

        // Assert
        if (kind == LedgerBackend.Postgres)
        {
            Assert.NotNull(raw); // PostgreSQL refuses a 1 MB index entry: why the bound exists
        }

        Assert.True(bounded.HookInstance!.Length <= LedgerLimits.Identifier);
        Assert.Equal(1, await ledger.ScalarAsync("SELECT COUNT(*) FROM hook_call"));
        Assert.Equal(LedgerLimits.Identifier, await ledger.ScalarAsync("SELECT MAX(LENGTH(hook_instance)) FROM hook_call"));
    }

    [Fact]
    public void GivenAHookInstanceWithControlCharacters_WhenItBecomesALogScopeOrTraceTag_ThenItIsBoundedAndEscaped()
    {
        // Arrange
        var hookInstance = "d1577c69\nInformation forged\u001b[2J" + new string('x', 500);

        // Act
        var tag = Cds.Service.Telemetry.CdsMetrics.Bounded(hookInstance);

        // Assert
        Assert.StartsWith("d1577c69\\u000aInformation forged\\u001b[2J", tag, StringComparison.Ordinal);
        Assert.DoesNotContain(tag, char.IsControl);
        Assert.True(tag.Length < 100);
    }

    [Fact]
    public void GivenAMegabyteValueWithControlCharacters_WhenBoundedForStorageAndLogs_ThenItIsShortMarkedAndEscaped()
    {
        // Arrange
        var value = "a\r\nb\u001b[31m" + new string('z', 1024 * 1024);
        var pair = new string('y', 255) + "\U0001F600";

        // Act
        var stored = SafeText.Bound(value, LedgerLimits.Identifier)!;
        var logged = LogText.Safe(value)!;
        var cutPair = SafeText.Bound(pair + "tail", LedgerLimits.Identifier)!;

        // Assert
        Assert.True(stored.Length <= LedgerLimits.Identifier);
        Assert.EndsWith($"…({value.Length} chars)", stored, StringComparison.Ordinal);
        Assert.StartsWith("a\\u000d\\u000ab\\u001b[31m", logged, StringComparison.Ordinal);
        Assert.DoesNotContain(logged, char.IsControl);
        Assert.True(logged.Length < 300);
        Assert.False(char.IsHighSurrogate(cutPair[cutPair.IndexOf('…', StringComparison.Ordinal) - 1]));
        Assert.Equal("short", SafeText.Bound("short", LedgerLimits.Identifier));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes: Unix
    public async Task GivenTheSqliteLedger_WhenItIsWritten_ThenItsFilesAre0600AndItsDirectory0700()
    {
        // Arrange: a data directory that does not exist yet, under a world-readable parent.
        var parent = Directory.CreateTempSubdirectory("cds-modes-").FullName;
        File.SetUnixFileMode(parent, (UnixFileMode)0b111_101_101);
        var dataDirectory = Path.Combine(parent, "data");
        try
        {
            using var factory = new CdsServiceFactory().With("Cds:DataDirectory", dataDirectory).With("Cds:Ledger:WriteWait", "00:00:01");
            using var client = factory.CreateSignedClient();

            // Act
            var (status, _) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, LedgerCalls.Sample("order-sign-meets-criteria.json", out _));
            var files = Directory.EnumerateFiles(dataDirectory).ToDictionary(f => Path.GetFileName(f), f => File.GetUnixFileMode(f));

            // Assert
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("ledger.db", files.Keys);
            Assert.Contains("ledger.db-wal", files.Keys);
            Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, f.Value));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dataDirectory));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Fact]
    public async Task GivenAStoreThatAnswers_WhenHealthIsChecked_ThenTheLedgerCheckIsHealthyAndSaysItIsReady()
    {
        // Arrange
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();
        var check = ActivatorUtilities.CreateInstance<LedgerHealthCheck>(factory.Services);

        // Act
        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(true, result.Data["ready"]);
    }
}
