using Cds.Service.Contract;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Cds.Service.Hosting;

/// <summary>
/// The plain-text console log, one line per record: the message (and an exception, if any) with every control
/// character escaped and cut at <see cref="MaxLength"/> characters, so that no request content can start a forged
/// line or flood the log, whichever logger wrote it.
/// </summary>
internal sealed class OneLineConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "cds-one-line";
    public const int MaxLength = 4096;

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception) ?? string.Empty;
        if (logEntry.Exception is { } exception)
        {
            message = $"{message} | {exception.GetType().FullName}: {exception.Message}";
        }

        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(LogText.Safe(logEntry.Category, 200));
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id);
        textWriter.Write("] ");
        textWriter.WriteLine(LogText.Safe(message, MaxLength));
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
