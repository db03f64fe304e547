using System.Text.RegularExpressions;

namespace Cds.FhirMapping.Policy;

/// <summary>
/// The checks of the policy file's <c>conditioning</c> section beyond its shape: every agent, route, unit and
/// definition a rule names exists, every threshold has exactly one bound above zero, and the windows are in range.
/// Each problem names its key path.
/// </summary>
internal static class ConditioningValidator
{
    /// <summary>The units a total dose is compared in.</summary>
    public static readonly string[] Units = ["mg/kg", "mg/m2", "g/m2", "mg", "Gy"];

    private static readonly string[] Kinds = ["drug", "radiation"];
    private static readonly string[] Fractionations = ["single", "fractionated"];

    public static void Validate(ConditioningDocument conditioning, IReadOnlyDictionary<string, IReadOnlyList<string>> systems, List<string> problems)
    {
        const string At = "conditioning";
        if (conditioning.DoseWindowDaysBeforeHct is < 1 or > 60)
        {
            problems.Add($"{At}.doseWindowDaysBeforeHct must be between 1 and 60 days");
        }

        if (conditioning.BodyMeasureMaxDaysFromConditioning is < 0 or > 365)
        {
            problems.Add($"{At}.bodyMeasureMaxDaysFromConditioning must be between 0 and 365 days");
        }

        Codes(conditioning.BodyWeight, $"{At}.bodyWeight", systems, problems);
        Codes(conditioning.BodyHeight, $"{At}.bodyHeight", systems, problems);

        var routes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < conditioning.Routes.Count; i++)
        {
            var route = conditioning.Routes[i];
            Id(route.Id, routes, $"{At}.routes[{i}].id", problems);
            PolicyFileValidator.Includes(route.Codes, $"{At}.routes[{i}].codes", systems, problems);
            PolicyFileValidator.CheckRegex(route.Pattern, $"{At}.routes[{i}].pattern", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, problems);
        }

        var agents = new Dictionary<string, ConditioningAgentDocument>(StringComparer.Ordinal);
        if (conditioning.Agents.Count == 0)
        {
            problems.Add($"{At}.agents is empty");
        }

        for (var i = 0; i < conditioning.Agents.Count; i++)
        {
            var agent = conditioning.Agents[i];
            var path = $"{At}.agents[{i}]";
            if (string.IsNullOrWhiteSpace(agent.Id) || !agents.TryAdd(agent.Id, agent))
            {
                problems.Add($"{path}.id '{agent.Id}' is blank or defined twice");
            }

            if (!Kinds.Contains(agent.Kind, StringComparer.Ordinal))
            {
                problems.Add($"{path}.kind '{agent.Kind}' is not one of {string.Join(", ", Kinds)}");
            }

            if (!Units.Contains(agent.Unit, StringComparer.Ordinal) || (agent.Kind == "radiation") != (agent.Unit == "Gy"))
            {
                problems.Add($"{path}.unit '{agent.Unit}' is not one of {string.Join(", ", Units)} (Gy for radiation, and only for it)");
            }

            if (string.IsNullOrWhiteSpace(agent.Abbreviation))
            {
                problems.Add($"{path}.abbreviation is blank");
            }

            PolicyFileValidator.Includes(agent.Codes, $"{path}.codes", systems, problems);
            PolicyFileValidator.CheckRegex(agent.Pattern, $"{path}.pattern", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, problems);
        }

        if (!conditioning.Definitions.ContainsKey(conditioning.DefaultDefinition))
        {
            problems.Add($"{At}.defaultDefinition '{conditioning.DefaultDefinition}' names a definition that {At}.definitions lacks");
        }

        foreach (var (name, definition) in conditioning.Definitions)
        {
            var path = $"{At}.definitions.{name}";
            if (definition.Myeloablative.Count == 0)
            {
                problems.Add($"{path}.myeloablative is empty");
            }

            for (var i = 0; i < definition.Myeloablative.Count; i++)
            {
                Threshold(definition.Myeloablative[i], $"{path}.myeloablative[{i}]", agents, routes, limit: false, problems);
            }

            Regimens(definition.NonMyeloablative, $"{path}.nonMyeloablative", agents, routes, problems);
            Regimens(definition.ReducedIntensity, $"{path}.reducedIntensity", agents, routes, problems);
        }
    }

    private static void Regimens(IReadOnlyList<NamedRegimenDocument> regimens, string path, Dictionary<string, ConditioningAgentDocument> agents, HashSet<string> routes, List<string> problems)
    {
        for (var i = 0; i < regimens.Count; i++)
        {
            var regimen = regimens[i];
            var at = $"{path}[{i}]";
            if (regimen.Agents.Count == 0)
            {
                problems.Add($"{at}.agents is empty");
            }

            for (var j = 0; j < regimen.Agents.Count; j++)
            {
                Agent(regimen.Agents[j], $"{at}.agents[{j}]", agents, problems);
            }

            for (var j = 0; j < regimen.OptionalAgents.Count; j++)
            {
                Agent(regimen.OptionalAgents[j], $"{at}.optional[{j}]", agents, problems);
            }

            for (var j = 0; j < regimen.DoseLimits.Count; j++)
            {
                Threshold(regimen.DoseLimits[j], $"{at}.limits[{j}]", agents, routes, limit: true, problems);
            }
        }
    }

    private static void Threshold(DoseThresholdDocument threshold, string path, Dictionary<string, ConditioningAgentDocument> agents, HashSet<string> routes, bool limit, List<string> problems)
    {
        if (Agent(threshold.Agent, $"{path}.agent", agents, problems) is { } agent && agent.Unit != threshold.Unit)
        {
            problems.Add($"{path}.unit '{threshold.Unit}' is not the unit of agent '{agent.Id}' ({agent.Unit})");
        }

        if (threshold.Route is { } route && !routes.Contains(route))
        {
            problems.Add($"{path}.route '{route}' is not a route under conditioning.routes");
        }

        if (threshold.Fractionation is { } fractionation && !Fractionations.Contains(fractionation, StringComparer.Ordinal))
        {
            problems.Add($"{path}.fractionation '{fractionation}' is not one of {string.Join(", ", Fractionations)}");
        }

        decimal?[] bounds = limit ? [threshold.AtMost] : [threshold.AtLeast, threshold.Above];
        var wrong = limit ? threshold.AtLeast is not null || threshold.Above is not null : threshold.AtMost is not null;
        if (wrong || bounds.Count(b => b is not null) != 1)
        {
            problems.Add(limit ? $"{path} must give atMost, and only it" : $"{path} must give exactly one of atLeast or above");
        }
        else if (bounds.Single(b => b is not null) <= 0)
        {
            problems.Add($"{path} has a bound that is not above 0");
        }
    }

    private static ConditioningAgentDocument? Agent(string id, string path, Dictionary<string, ConditioningAgentDocument> agents, List<string> problems)
    {
        if (agents.TryGetValue(id, out var agent))
        {
            return agent;
        }

        problems.Add($"{path} names agent '{id}', which conditioning.agents lacks");
        return null;
    }

    private static void Codes(IReadOnlyList<IncludeDocument> includes, string path, IReadOnlyDictionary<string, IReadOnlyList<string>> systems, List<string> problems)
    {
        if (includes.Count == 0)
        {
            problems.Add($"{path} is empty");
        }

        PolicyFileValidator.Includes(includes, path, systems, problems);
    }

    private static void Id(string id, HashSet<string> ids, string path, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(id) || !ids.Add(id))
        {
            problems.Add($"{path} '{id}' is blank or defined twice");
        }
    }
}
