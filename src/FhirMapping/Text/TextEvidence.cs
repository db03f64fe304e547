using System.Text.RegularExpressions;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Text;

/// <summary>Interim reader (negation before the phrase within a clause), replaced by the ConText reader.</summary>
public sealed class TextEvidence(Regex negation)
{
    public IReadOnlyList<TextFinding> Find(string? text, Regex target, Regex? except = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var excluded = except?.Matches(text);
        var findings = new List<TextFinding>();
        foreach (Match match in target.Matches(text))
        {
            if (excluded is not null && excluded.Any(x => match.Index < x.Index + x.Length && x.Index < match.Index + match.Length))
            {
                continue;
            }

            var negated = negation.Match(text[..match.Index]);
            findings.Add(new TextFinding(match.Value, match.Index, negated.Success ? Certainty.Negated : Certainty.Confirmed, negated.Success ? negated.Value : null));
        }

        return findings;
    }

    public TextFinding? FindConfirmed(string? text, Regex target, Regex? except = null) =>
        Find(text, target, except).FirstOrDefault(f => f.Certainty == Certainty.Confirmed);
}
