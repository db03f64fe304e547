using System.Text;
using Cds.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cds.Service.Tests.Telemetry;

/// <summary>The console log's background writer: every line written once, whole and in each thread's order, none lost at shutdown.</summary>
public sealed class ConsoleLineWriterTests
{
    [Fact]
    public async Task GivenManyThreadsLoggingAtOnce_WhenTheWriterIsDisposed_ThenEveryLineIsWrittenOnceWholeAndInEachThreadsOrder()
    {
        // Arrange: more lines than the queue holds, so producers also wait for the writer.
        const int Threads = 8;
        const int Lines = 3_000;
        using var output = new MemoryStream();
        var writer = new ConsoleLineWriter(output);

        // Act
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(
            () =>
            {
                for (var i = 0; i < Lines; i++)
                {
                    writer.Enqueue($"info: thread {t} line {i} {new string('x', i % 50)}\n");
                }
            },
            TestContext.Current.CancellationToken)));
        writer.Dispose();

        // Assert
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Threads * Lines, lines.Length);
        for (var t = 0; t < Threads; t++)
        {
            var own = lines.Where(l => l.StartsWith($"info: thread {t} line ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, Lines).Select(i => $"info: thread {t} line {i} {new string('x', i % 50)}"), own);
        }
    }

    [Fact]
    public void GivenALineLoggedAfterShutdown_WhenWritten_ThenItIsNotLost()
    {
        // Arrange
        using var output = new MemoryStream();
        var writer = new ConsoleLineWriter(output);
        writer.Enqueue("info: before\n");
        writer.Dispose();

        // Act
        writer.Enqueue("warn: after\n");

        // Assert
        Assert.Equal("info: before\nwarn: after\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void GivenTheProvider_WhenARecordIsLogged_ThenItIsTheOneLineFormatWithItsControlCharactersEscaped()
    {
        // Arrange
        using var output = new MemoryStream();
        using (var provider = new OneLineConsoleLoggerProvider(output))
        {
            var logger = provider.CreateLogger("Cds.Service.Hooks.HookHandler");

            // Act
            logger.Log(LogLevel.Warning, new EventId(5), "two\nlines", null, (s, _) => s);
        }

        // Assert
        Assert.Equal($"warn: Cds.Service.Hooks.HookHandler[5] two\\u000alines{Environment.NewLine}", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void GivenTheService_WhenItsLoggersAreBuilt_ThenTheConsoleIsTheBackgroundWriterNotTheStockConsoleLogger()
    {
        // Arrange
        using var factory = new CdsServiceFactory();

        // Act
        var providers = factory.Services.GetServices<ILoggerProvider>().Select(p => p.GetType()).ToList();

        // Assert
        Assert.Contains(typeof(OneLineConsoleLoggerProvider), providers);
        Assert.DoesNotContain(typeof(Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider), providers);
    }
}
