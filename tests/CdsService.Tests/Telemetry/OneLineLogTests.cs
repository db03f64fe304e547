using Cds.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Cds.Service.Tests.Telemetry;

/// <summary>The plain-text log writes one escaped, bounded line per record, whatever a caller put in a logged string.</summary>
public sealed class OneLineLogTests
{
    [Fact]
    public void GivenTheService_WhenItsConsoleLogIsConfigured_ThenItUsesTheOneLineFormatter()
    {
        // Arrange
        using var factory = new CdsServiceFactory();

        // Act
        var console = factory.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value;

        // Assert
        Assert.Equal(OneLineConsoleFormatter.FormatterName, console.FormatterName);
    }

    [Fact]
    public void GivenAMessageWithNewlinesAndAHugeValue_WhenFormatted_ThenItIsOneBoundedLineWithTheControlCharactersEscaped()
    {
        // Arrange
        var formatter = new OneLineConsoleFormatter();
        var message = "Refused /cds-services/x\r\nfail: Forged[1] admin logged in " + new string('x', 20_000);
        var entry = new LogEntry<string>(LogLevel.Warning, "Cds.Service.Security", new EventId(3), message, new InvalidOperationException("line one\nline two"), (s, _) => s);
        using var writer = new StringWriter();

        // Act
        formatter.Write(entry, null, writer);

        // Assert
        var text = writer.ToString();
        Assert.Single(text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warn: Cds.Service.Security[3] Refused /cds-services/x\\u000d\\u000afail: Forged[1]", text, StringComparison.Ordinal);
        Assert.True(text.Length < OneLineConsoleFormatter.MaxLength + 100, $"{text.Length} characters");
    }
}
