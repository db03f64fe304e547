using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>
/// Reads a dose Quantity into one of three canonical units: mg (absolute), mg/kg or mg/m2 (UCUM code first, then the
/// unit as written: "mg/m²", "g", "mcg"). Anything else (mL, units, a rate) is not a dose the policy can compare.
/// </summary>
internal static class DoseUnits
{
    public const string Mg = "mg";
    public const string MgPerKg = "mg/kg";
    public const string MgPerM2 = "mg/m2";

    private static readonly Dictionary<string, (string Unit, decimal Factor)> Known = new(StringComparer.Ordinal)
    {
        ["mg"] = (Mg, 1m),
        ["g"] = (Mg, 1000m),
        ["ug"] = (Mg, 0.001m),
        ["mcg"] = (Mg, 0.001m),
        ["mg/kg"] = (MgPerKg, 1m),
        ["g/kg"] = (MgPerKg, 1000m),
        ["ug/kg"] = (MgPerKg, 0.001m),
        ["mcg/kg"] = (MgPerKg, 0.001m),
        ["mg/m2"] = (MgPerM2, 1m),
        ["g/m2"] = (MgPerM2, 1000m),
        ["ug/m2"] = (MgPerM2, 0.001m),
        ["mcg/m2"] = (MgPerM2, 0.001m),
    };

    /// <summary>The dose in a canonical unit, or null when it has no value or its unit is not a mass (per kg or m²).</summary>
    public static (decimal Amount, string Unit)? Read(Quantity? quantity)
    {
        if (quantity?.Value is not { } value || value <= 0)
        {
            return null;
        }

        foreach (var written in new[] { quantity.Code, quantity.Unit })
        {
            if (Normalize(written) is { } key && Known.TryGetValue(key, out var unit))
            {
                return (value * unit.Factor, unit.Unit);
            }
        }

        return null;
    }

    /// <summary>A radiation dose in Gy (Gy or cGy), or null.</summary>
    public static decimal? Gray(Quantity? quantity)
    {
        if (quantity?.Value is not { } value || value <= 0)
        {
            return null;
        }

        var unit = Normalize(quantity.Code) ?? Normalize(quantity.Unit);
        return unit switch
        {
            "gy" => value,
            "cgy" => value / 100m,
            _ => null,
        };
    }

    /// <summary>"mg/m²" → "mg/m2", "mg/m^2" → "mg/m2", "MG" → "mg", "Gy" → "gy" (for the Gray check), "µg" → "ug".</summary>
    private static string? Normalize(string? written)
    {
        if (string.IsNullOrWhiteSpace(written))
        {
            return null;
        }

        var unit = written.Trim().ToLowerInvariant().Replace(" ", string.Empty, StringComparison.Ordinal)
            .Replace("²", "2", StringComparison.Ordinal).Replace("^2", "2", StringComparison.Ordinal)
            .Replace("µ", "u", StringComparison.Ordinal).Replace("μ", "u", StringComparison.Ordinal)
            .Replace("{", string.Empty, StringComparison.Ordinal).Replace("}", string.Empty, StringComparison.Ordinal);
        return unit;
    }
}
