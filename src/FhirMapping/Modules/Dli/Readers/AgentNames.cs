using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>
/// Recognises a conditioning agent in a medication or procedure concept: by its code first (RxNorm ingredient), then
/// by its names through the one text reader (only a name stated as a fact counts).
/// </summary>
internal sealed class AgentNames(Vocabulary vocabulary)
{
    public ConditioningTerms Terms => vocabulary.Policy.Conditioning;

    /// <summary>The agents a concept names, each with the coding that named it (null: named in words).</summary>
    public IReadOnlyList<(ConditioningTerms.Agent Agent, Coding? Coding)> Find(CodeableConcept? concept, bool radiation)
    {
        var found = new List<(ConditioningTerms.Agent, Coding?)>();
        var words = Texts(concept).ToList();
        foreach (var agent in Terms.Agents.Where(a => a.IsRadiation == radiation))
        {
            var coding = Codings(concept).FirstOrDefault(c => agent.Codes.Contains(c.System, c.Code));
            if (coding is not null || words.Any(w => vocabulary.Text.Find(w, agent.Pattern).Any(f => f.Certainty == Certainty.Confirmed)))
            {
                found.Add((agent, coding));
            }
        }

        return found;
    }

    /// <summary>The route id of a route concept (by code, then by words), or null.</summary>
    public string? Route(CodeableConcept? route)
    {
        if (route is null)
        {
            return null;
        }

        var words = Texts(route).ToList();
        return Terms.Routes.FirstOrDefault(r => Codings(route).Any(c => r.Codes.Contains(c.System, c.Code)))?.Id
            ?? Terms.Routes.FirstOrDefault(r => words.Any(w => r.Pattern.IsMatch(w)))?.Id;
    }
}
