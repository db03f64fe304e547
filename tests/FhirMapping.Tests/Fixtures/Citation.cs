using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Tests.Fixtures;

/// <summary>
/// An expected piece of evidence, written as <c>"I.C &lt;- Observation/obs-x ENGR-CD33 ~ Myeloid: 88% donor"</c>: the
/// criterion (or <c>*</c> for any), the resource reference, optionally the matched code, and optionally a fragment of the
/// evidence's value after <c>~</c>.
/// </summary>
internal sealed record Citation(string Criterion, string Reference, string? Code, string? Value)
{
    public static Citation Parse(string text)
    {
        var halves = text.Split(" ~ ", 2);
        var parts = halves[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 3 or > 4 || parts[1] != "<-")
        {
            throw new FormatException($"'{text}' is not 'CRITERION <- Type/id [code] [~ value]'.");
        }

        return new Citation(parts[0], parts[2], parts.Length == 4 ? parts[3] : null, halves.Length == 2 ? halves[1] : null);
    }

    public bool Matches(Evidence evidence) =>
        evidence.Reference == Reference
        && (Code is null || evidence.Code == Code)
        && (Value is null || (evidence.Value?.Contains(Value, StringComparison.Ordinal) ?? false));

    public override string ToString() => $"{Criterion} <- {Reference} {Code} {(Value is null ? string.Empty : "~ " + Value)}".TrimEnd();
}
