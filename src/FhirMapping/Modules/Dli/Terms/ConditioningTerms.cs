using System.Text.RegularExpressions;

namespace Cds.FhirMapping.Policy;

/// <summary>The policy file's <c>conditioning</c> section compiled: agents and routes with their codes and patterns.</summary>
public sealed class ConditioningTerms
{
    internal ConditioningTerms(ConditioningDocument document, CodeSystems systems, Func<string, Regex> compile)
    {
        Document = document;
        Agents = document.Agents
            .Select(a => new Agent(a, new ValueSet($"conditioning.agents.{a.Id}", Set(a.Id, a.Codes), systems), compile(a.Pattern)))
            .ToArray();
        Routes = document.Routes
            .Select(r => new Route(r.Id, new ValueSet($"conditioning.routes.{r.Id}", Set(r.Id, r.Codes), systems), compile(r.Pattern)))
            .ToArray();
        BodyWeight = new ValueSet("conditioning.bodyWeight", Set("body weight", document.BodyWeight), systems);
        BodyHeight = new ValueSet("conditioning.bodyHeight", Set("body height", document.BodyHeight), systems);
        Definition = document.Definitions[document.DefaultDefinition];
    }

    public ConditioningDocument Document { get; }

    public IReadOnlyList<Agent> Agents { get; }

    public IReadOnlyList<Route> Routes { get; }

    public ValueSet BodyWeight { get; }

    public ValueSet BodyHeight { get; }

    /// <summary>The definition the service classifies by (<c>defaultDefinition</c>).</summary>
    public IntensityDefinitionDocument Definition { get; }

    public Agent? AgentById(string id) => Agents.FirstOrDefault(a => a.Document.Id == id);

    private static ValueSetDocument Set(string name, IReadOnlyList<IncludeDocument> include) => new() { Description = name, Include = include };

    public sealed record Agent(ConditioningAgentDocument Document, ValueSet Codes, Regex Pattern)
    {
        public string Id => Document.Id;

        public bool IsRadiation => Document.Kind == "radiation";
    }

    public sealed record Route(string Id, ValueSet Codes, Regex Pattern);
}
