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
    public void GivenAnIdleWriter_WhenLinesComeOneAtATime_ThenEachIsWrittenWithoutTheNextOneOrShutdown()
    {
        // Arrange: one line, then wait until it is out, 40 times: the writer goes to sleep between lines (the path of a
        // service answering one hook at a time), and each line must wake it, not the next line nor Dispose.
        var output = new WatchedStream();
        var writer = new ConsoleLineWriter(output);
        var written = new List<bool>();

        // Act
        for (var i = 0; i < 40; i++)
        {
            writer.Enqueue($"info: line {i}\n");
            written.Add(output.WaitFor($"info: line {i}\n", TimeSpan.FromSeconds(10)));
        }

        writer.Dispose();

        // Assert
        Assert.All(written, Assert.True);
        Assert.Equal(string.Concat(Enumerable.Range(0, 40).Select(i => $"info: line {i}\n")), output.Text);
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

    /// <summary>A stream another thread can watch: what was written so far, read under a lock.</summary>
    private sealed class WatchedStream : Stream
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public bool WaitFor(string ending, TimeSpan timeout)
        {
            lock (_text)
            {
                var deadline = DateTime.UtcNow + timeout;
                while (!_text.ToString().EndsWith(ending, StringComparison.Ordinal))
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero)
                    {
                        return false;
                    }

                    Monitor.Wait(_text, left);
                }

                return true;
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_text)
            {
                _text.Append(Encoding.UTF8.GetString(buffer, offset, count));
                Monitor.PulseAll(_text);
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
