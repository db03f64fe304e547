using System.Text;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Dtr;

/// <summary>
/// FHIRPath text written from the policy file: a coding filter from a value set (its systems, codes, prefixes and
/// patterns, normalised as <see cref="ValueSet"/> compares them) and a words filter from a text pattern. The
/// questionnaire's pre-population is built from these, so it reads the chart with the same code lists as the service.
/// </summary>
internal static class FhirPathText
{
    /// <summary>A FHIRPath string literal.</summary>
    public static string Literal(string value)
    {
        var text = new StringBuilder("'");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\\' => @"\\",
                '\'' => @"\'",
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ => c.ToString(),
            });
        }

        return text.Append('\'').ToString();
    }

    /// <summary>A boolean over a Coding: true when it is in the value set <paramref name="name"/>.</summary>
    public static string InValueSet(PolicyDocument policy, string name)
    {
        var set = policy.ValueSets[name];
        var parts = set.Include.Select(include =>
        {
            var systems = string.Join(" | ", policy.Systems[include.System].Select(Literal));
            var code = include.System switch
            {
                "icd-10-cm" => "code.replace('.', '').upper()",
                "icd-10-pcs" or "cpt" or "hcpcs" => "code.upper()",
                _ => "code",
            };
            var tests = new List<string>();
            if (include.Codes is { Count: > 0 } codes)
            {
                tests.Add($"{code} in ({string.Join(" | ", codes.Select(c => Literal(CodeSystems.Normalize(include.System, c))))})");
            }

            tests.AddRange((include.Prefixes ?? []).Select(p => $"{code}.startsWith({Literal(CodeSystems.Normalize(include.System, p))})"));
            tests.AddRange((include.Patterns ?? []).Select(p => $"{code}.matches({Literal(p)})"));
            return $"(system in ({systems}) and ({string.Join(" or ", tests)}))";
        });
        return $"({string.Join(" or ", parts)})";
    }

    /// <summary>A boolean over strings: true when one matches the pattern, case-insensitively (.NET regular expression syntax, as the policy file writes it).</summary>
    public static string Matches(string pattern) => $"matches({Literal("(?i)" + pattern)})";

    /// <summary>The latest of a collection of dateTimes (FHIRPath 2.0 has no max()): values of another precision are not compared.</summary>
    public static string Latest(string dateTimes) => $"{dateTimes}.aggregate(iif($total.empty() or $this > $total, $this, $total))";

    /// <summary>A dateTime collection's first value as a FHIR date (its first ten characters: a partial date stays partial).</summary>
    public static string AsDate(string dateTimes) => $"{dateTimes}.first().toString().substring(0, 10).toDate()";
}
