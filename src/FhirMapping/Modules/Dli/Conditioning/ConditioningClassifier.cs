using System.Globalization;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation.Conditioning;

/// <summary>
/// Classifies a regimen by a published definition (the policy file's data, nothing here): any myeloablative
/// threshold crossed makes it myeloablative; a dose, route or fraction count that could decide a threshold but is not
/// known makes it unknown; otherwise a named non-myeloablative, then reduced-intensity combination decides it; a
/// regimen the definition does not name is unknown. Pure: the same regimen always gives the same answer.
/// </summary>
public static class ConditioningClassifier
{
    public static ConditioningClassification Classify(IReadOnlyList<AgentTotal> regimen, IntensityDefinitionDocument definition)
    {
        ArgumentNullException.ThrowIfNull(regimen);
        ArgumentNullException.ThrowIfNull(definition);
        regimen = WithRoutesThatMatter(regimen, definition);
        var text = Describe(regimen, definition);
        var unknown = new List<string>();
        foreach (var agent in regimen)
        {
            var thresholds = definition.Myeloablative.Where(t => t.Agent == agent.Agent).ToList();
            if (thresholds.Count == 0)
            {
                continue;
            }

            if (agent.Total is not { } total)
            {
                unknown.Add($"{agent.Abbreviation} dose unknown: {agent.WhyUnknown}");
                continue;
            }

            // Each context the record leaves open (a route or fractionation not recorded) is tried: all crossing is
            // myeloablative, none crossing is not, a split is unknown.
            var contexts = thresholds
                .Select(t => (Route: agent.Route ?? t.Route, Fractionation: Fractionation(agent) ?? t.Fractionation))
                .Distinct()
                .ToList();
            var crossed = contexts.Select(c => thresholds.FirstOrDefault(t => Applies(t, c.Route, c.Fractionation) && Crosses(t, total))).ToList();
            if (crossed.All(t => t is not null))
            {
                var t = crossed[0]!;
                return new ConditioningClassification(ConditioningIntensity.Myeloablative, text, definition.Label, $"{Dose(agent)} {(t.AtLeast is not null ? "≥" : ">")} {Number(t.AtLeast ?? t.Above ?? 0)} {Unit(t.Unit)}{Qualifier(t)}");
            }

            if (crossed.Any(t => t is not null))
            {
                unknown.Add($"{Dose(agent)}: {(agent.Route is null && thresholds.Any(t => t.Route is not null) ? "route" : "fractionation")} not recorded, and the threshold depends on it");
            }
        }

        if (unknown.Count > 0)
        {
            return new ConditioningClassification(ConditioningIntensity.Unknown, text, definition.Label, string.Join("; ", unknown));
        }

        if (Named(regimen, definition.NonMyeloablative) is { } nma)
        {
            return new ConditioningClassification(ConditioningIntensity.NonMyeloablative, text, definition.Label, nma);
        }

        if (Named(regimen, definition.ReducedIntensity) is { } ric)
        {
            return new ConditioningClassification(ConditioningIntensity.ReducedIntensity, text, definition.Label, $"{ric}, below every myeloablative threshold");
        }

        return new ConditioningClassification(ConditioningIntensity.Unknown, text, definition.Label, "not a combination the definition names");
    }

    /// <summary>
    /// "Flu 150 mg/m² + Mel 140 mg/m²", "Bu 12.8 mg/kg IV + Cy 120 mg/kg", "TBI 2 Gy in 1 fraction": the route only where
    /// the definition's thresholds depend on it.
    /// </summary>
    public static string Describe(IReadOnlyList<AgentTotal> regimen, IntensityDefinitionDocument definition)
    {
        ArgumentNullException.ThrowIfNull(regimen);
        ArgumentNullException.ThrowIfNull(definition);
        return string.Join(" + ", WithRoutesThatMatter(regimen, definition).Select(Dose));
    }

    private static IReadOnlyList<AgentTotal> WithRoutesThatMatter(IReadOnlyList<AgentTotal> regimen, IntensityDefinitionDocument definition)
    {
        var routed = definition.Myeloablative.Where(t => t.Route is not null).Select(t => t.Agent).ToHashSet(StringComparer.Ordinal);
        return [.. regimen.Select(a => routed.Contains(a.Agent) ? a : a with { Route = null })];
    }

    private static string? Named(IReadOnlyList<AgentTotal> regimen, IReadOnlyList<NamedRegimenDocument> named)
    {
        var given = regimen.Select(a => a.Agent).ToHashSet(StringComparer.Ordinal);
        foreach (var candidate in named)
        {
            var allowed = candidate.Agents.Concat(candidate.OptionalAgents).ToHashSet(StringComparer.Ordinal);
            if (!candidate.Agents.All(given.Contains) || !given.All(allowed.Contains))
            {
                continue;
            }

            var withinLimits = candidate.DoseLimits.All(limit =>
                regimen.FirstOrDefault(a => a.Agent == limit.Agent) is not { } agent
                || (agent.Total is { } total && Applies(limit, agent.Route, Fractionation(agent)) && total <= limit.AtMost));
            if (withinLimits)
            {
                return candidate.Name;
            }
        }

        return null;
    }

    // A threshold without a route or fractionation applies to every one.
    private static bool Applies(DoseThresholdDocument t, string? route, string? fractionation) =>
        (t.Route is null || t.Route == route) && (t.Fractionation is null || t.Fractionation == fractionation);

    private static bool Crosses(DoseThresholdDocument t, decimal total) =>
        (t.AtLeast is { } atLeast && total >= atLeast) || (t.Above is { } above && total > above);

    private static string? Fractionation(AgentTotal agent) => agent.Fractions switch
    {
        1 => "single",
        > 1 => "fractionated",
        _ => null,
    };

    private static string Dose(AgentTotal a)
    {
        var dose = a.Total is { } t ? $"{a.Abbreviation} {Number(t)} {Unit(a.Unit)}" : $"{a.Abbreviation} (dose unknown)";
        var route = a.Route switch
        {
            "oral" => " PO",
            "intravenous" => " IV",
            null => string.Empty,
            var other => " " + other,
        };
        var fractions = a.Fractions is { } f ? $" in {f} fraction{(f == 1 ? string.Empty : "s")}" : string.Empty;
        return dose + (a.Unit == "Gy" ? string.Empty : route) + fractions;
    }

    private static string Qualifier(DoseThresholdDocument t) =>
        t.Route is { } route ? $" ({route})" : t.Fractionation is { } f ? $" ({f})" : string.Empty;

    private static string Number(decimal value) => decimal.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Unit(string unit) => unit switch
    {
        "mg/m2" => "mg/m²",
        "g/m2" => "g/m²",
        _ => unit,
    };
}
