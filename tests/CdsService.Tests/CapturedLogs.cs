using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Cds.Service.Tests;

/// <summary>Keeps every log line the service writes (formatted message and exception), to check what is and is not logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopeState = state is IEnumerable<KeyValuePair<string, object?>> values ? string.Join(";", values.Select(v => $"{v.Key}={v.Value}")) : string.Empty;
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{scopeState}] {exception}");
        }
    }
}
