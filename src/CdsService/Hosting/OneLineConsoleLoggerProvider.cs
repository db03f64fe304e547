using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cds.Service.Hosting;

/// <summary>
/// The service's console log: each record formatted by <see cref="OneLineConsoleFormatter"/> on the caller's thread
/// (into a per-thread buffer) and handed to a <see cref="ConsoleLineWriter"/>, which writes it to standard output. It
/// answers to the <c>Console</c> logging configuration (<c>Logging:Console:LogLevel</c>), as the stock console
/// logger it replaces did.
/// </summary>
[ProviderAlias("Console")]
internal sealed class OneLineConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly OneLineConsoleFormatter _formatter = new();
    private readonly ConsoleLineWriter _writer;
    private IExternalScopeProvider? _scopes;

    public OneLineConsoleLoggerProvider()
        : this(Console.OpenStandardOutput())
    {
    }

    internal OneLineConsoleLoggerProvider(Stream output) => _writer = new ConsoleLineWriter(output);

    public ILogger CreateLogger(string categoryName) => new OneLineLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() => _writer.Dispose();

    private sealed class OneLineLogger(OneLineConsoleLoggerProvider provider, string category) : ILogger
    {
        [ThreadStatic]
        private static StringWriter? _line;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes?.Push(state);

        // Levels are filtered by the logger factory's rules for this provider (Logging:LogLevel, Logging:Console:LogLevel).
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = _line ??= new StringWriter(CultureInfo.InvariantCulture);
            provider._formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider._scopes, line);
            var text = line.GetStringBuilder();
            if (text.Length > 0)
            {
                provider._writer.Enqueue(text.ToString());
            }

            // A huge record must not pin a huge buffer to the thread.
            if (text.Capacity > 8 * 1024)
            {
                _line = null;
            }
            else
            {
                text.Clear();
            }
        }
    }
}
