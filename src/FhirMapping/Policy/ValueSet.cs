using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Text;

namespace Cds.FhirMapping.Policy;

/// <summary>
/// A compiled value set from the policy file. Codes are matched after normalisation: ICD-10-CM and ICD-10-PCS are
/// upper-cased and ICD-10-CM loses its dot (<c>C92.02</c> and <c>C9202</c> are the same code).
/// </summary>
public sealed class ValueSet
{
    private readonly Include[] _includes;

    internal ValueSet(string name, ValueSetDocument document, CodeSystems systems)
    {
        Name = name;
        Description = document.Description;
        ValidFrom = document.ValidFrom is { } from ? DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture) : null;
        _includes = document.Include.Select(i => new Include(i, systems)).ToArray();
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>Codes in this set only count for records dated on or after this day (null: always).</summary>
    public DateOnly? ValidFrom { get; }

    /// <summary>True when <paramref name="code"/> in <paramref name="system"/> belongs to the set.</summary>
    public bool Contains(string? system, string? code)
    {
        if (string.IsNullOrWhiteSpace(system) || string.IsNullOrWhiteSpace(code))
        {
            return false;
        }

        foreach (var include in _includes)
        {
            if (include.Matches(system, code))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Include
    {
        private readonly FrozenSet<string> _systemUris;
        private readonly string _alias;
        private readonly FrozenSet<string> _codes;
        private readonly string[] _prefixes;
        private readonly Regex[] _patterns;

        public Include(IncludeDocument document, CodeSystems systems)
        {
            _alias = document.System;
            _systemUris = systems.UrisOf(document.System);
            _codes = (document.Codes ?? []).Select(c => CodeSystems.Normalize(_alias, c)).ToFrozenSet(StringComparer.Ordinal);
            _prefixes = (document.Prefixes ?? []).Select(p => CodeSystems.Normalize(_alias, p)).ToArray();
            _patterns = (document.Patterns ?? [])
                .Select(p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Compiled, PatternTimeout.Match))
                .ToArray();
        }

        public bool Matches(string system, string code)
        {
            if (!_systemUris.Contains(system))
            {
                return false;
            }

            var normalized = CodeSystems.Normalize(_alias, code);
            if (_codes.Contains(normalized))
            {
                return true;
            }

            foreach (var prefix in _prefixes)
            {
                if (normalized.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            foreach (var pattern in _patterns)
            {
                if (pattern.IsMatch(normalized))
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>The code system aliases of the policy file (<c>cpt</c>, <c>icd-10-cm</c> …) and the URIs each stands for.</summary>
internal sealed class CodeSystems(IReadOnlyDictionary<string, IReadOnlyList<string>> aliases)
{
    /// <summary>The canonical URI of an alias: the first one the policy file lists.</summary>
    public string CanonicalUri(string alias) =>
        aliases.TryGetValue(alias, out var uris) && uris.Count > 0
            ? uris[0]
            : throw new InvalidOperationException($"The policy file uses the code system '{alias}' but does not define it under 'systems'.");

    public FrozenSet<string> UrisOf(string alias) =>
        aliases.TryGetValue(alias, out var uris)
            ? uris.ToFrozenSet(StringComparer.Ordinal)
            : throw new InvalidOperationException($"The policy file uses the code system '{alias}' but does not define it under 'systems'.");

    public static string Normalize(string alias, string code)
    {
        var trimmed = code.Trim();
        return alias switch
        {
            "icd-10-cm" => trimmed.Replace(".", string.Empty, StringComparison.Ordinal).ToUpperInvariant(),
            "icd-10-pcs" or "cpt" or "hcpcs" => trimmed.ToUpperInvariant(),
            _ => trimmed,
        };
    }
}
