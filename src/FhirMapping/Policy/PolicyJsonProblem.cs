using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cds.FhirMapping.Policy;

/// <summary>
/// Turns what the JSON reader refused (an unknown key, a missing required key, a null, a duplicate, a wrong type, bad
/// JSON) into a <see cref="PolicyFileException"/> whose message names the key as the file writes it
/// (<c>thresholds.fullDonorChimerismPercent is required</c>), not a .NET type.
/// </summary>
internal static partial class PolicyJsonProblem
{
    public static PolicyFileException From(JsonException exception)
    {
        var path = KeyPath(exception.Path);
        var message = exception.Message;
        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            var names = QuotedName().Matches(missing.Groups["names"].Value).Select(m => Join(path, m.Groups["name"].Value));
            return new PolicyFileException(names.Select(n => $"{n} is required").ToArray(), exception);
        }

        if (Unmapped().Match(message) is { Success: true } unmapped)
        {
            var key = path.EndsWith(unmapped.Groups["name"].Value, StringComparison.Ordinal) ? path : Join(path, unmapped.Groups["name"].Value);
            return new PolicyFileException([$"{key} is not a key the policy file may have"], exception);
        }

        if (Duplicate().Match(message) is { Success: true })
        {
            return new PolicyFileException([$"{(path.Length == 0 ? "(top level)" : path)} is given twice"], exception);
        }

        if (NullValue().IsMatch(message))
        {
            return new PolicyFileException([$"{path} must not be null"], exception);
        }

        var where = path.Length == 0 ? "(top level)" : path;
        var line = exception.LineNumber is { } n ? $" (line {n + 1})" : string.Empty;
        if (WrongType().IsMatch(message))
        {
            // The reader names a .NET type here; the reviewer needs the key and the line.
            return new PolicyFileException([$"{where} has a value of the wrong type, or null where a value is required{line}"], exception);
        }

        return new PolicyFileException([$"{where} cannot be read{line}: {FirstSentence(message)}"], exception);
    }

    // "$.thresholds.fullDonorChimerismPercent", "$['valueSets']['heme-in-relapse'].include[0]" → dotted key path.
    private static string KeyPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath))
        {
            return string.Empty;
        }

        var dotted = BracketName().Replace(jsonPath, ".${name}");
        return dotted.TrimStart('$').TrimStart('.');
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    [GeneratedRegex(@"missing required properties,? including:? (?<names>.*)", RegexOptions.CultureInvariant)]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"'(?<name>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedName();

    [GeneratedRegex(@"The JSON property '(?<name>[^']+)' could not be mapped", RegexOptions.CultureInvariant)]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"[Dd]uplicate", RegexOptions.CultureInvariant)]
    private static partial Regex Duplicate();

    [GeneratedRegex(@"could not be converted", RegexOptions.CultureInvariant)]
    private static partial Regex WrongType();

    [GeneratedRegex(@"null", RegexOptions.CultureInvariant)]
    private static partial Regex NullValue();

    [GeneratedRegex(@"\['(?<name>[^']*)'\]", RegexOptions.CultureInvariant)]
    private static partial Regex BracketName();
}
