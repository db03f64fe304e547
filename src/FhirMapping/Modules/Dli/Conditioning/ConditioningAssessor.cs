using System.Globalization;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Evaluation.Conditioning;

/// <summary>
/// Turns the conditioning records of a transplant into a regimen: the doses and radiation dated from the policy file's
/// window before the HCT up to its day, summed per agent and normalised to the agent's unit with the body size nearest
/// the first conditioning day, then classified. An absolute dose without the weight or height it needs is unknown.
/// </summary>
internal sealed class ConditioningAssessor(ConditioningTerms terms)
{
    public ConditioningAssessment? Assess(ConditioningRecord record, EffectiveTime transplant)
    {
        var from = transplant.DaysBeforeFirst(terms.Document.DoseWindowDaysBeforeHct);
        var to = transplant.Last;
        bool InWindow(Evidence e) => e.When is { } when && when.Within(from, to);
        var doses = record.Doses.Where(d => InWindow(d.Evidence)).ToList();
        var unreadable = record.UnreadableDoses.Where(d => InWindow(d.Evidence)).ToList();
        var radiation = record.Radiation.Where(r => InWindow(r.Evidence) && r.Evidence.Certainty == Certainty.Confirmed).ToList();
        if (doses.Count == 0 && unreadable.Count == 0 && radiation.Count == 0)
        {
            return null;
        }

        var firstDay = doses.Select(d => d.Evidence.When!.First)
            .Concat(unreadable.Select(d => d.Evidence.When!.First))
            .Concat(radiation.Select(r => r.Evidence.When!.First))
            .Min();
        var size = BodySize.Nearest(record.BodyMeasures, firstDay, terms.Document.BodyMeasureMaxDaysFromConditioning);
        var regimen = new List<AgentTotal>();
        foreach (var agent in terms.Agents)
        {
            if (agent.IsRadiation)
            {
                if (radiation.Count > 0)
                {
                    regimen.Add(Radiation(agent, radiation));
                }

                continue;
            }

            var given = doses.Where(d => d.Agent == agent.Id).ToList();
            var missing = unreadable.Where(d => d.Agent == agent.Id).ToList();
            if (given.Count > 0 || missing.Count > 0)
            {
                regimen.Add(Drug(agent, given, missing, size));
            }
        }

        var classification = ConditioningClassifier.Classify(regimen, terms.Definition);
        var measures = new[] { size.Weight, size.Height }.OfType<BodyMeasureFact>().Select(m => m.Evidence);
        var evidence = regimen.SelectMany(a => a.Evidence).Concat(measures).ToList();
        var inVivo = doses.Where(d => terms.AgentById(d.Agent)?.Document.InVivoTCellDepletion == true).Select(d => d.Evidence).ToList();
        return new ConditioningAssessment(classification, evidence, inVivo, doses.Count > 0 && doses.All(d => d.FromOrder));
    }

    private static AgentTotal Radiation(ConditioningTerms.Agent agent, List<RadiationFact> records)
    {
        var evidence = records.Select(r => r.Evidence).ToList();
        var total = records.All(r => r.TotalGy is not null) ? records.Sum(r => r.TotalGy!.Value) : (decimal?)null;
        var fractions = records.All(r => r.Fractions is not null) ? records.Sum(r => r.Fractions!.Value) : (int?)null;
        var days = records.Select(r => r.Evidence.When!.First).Distinct().Count();
        return new AgentTotal(agent.Id, agent.Document.Abbreviation, agent.Document.Unit, total, null, fractions, days, evidence, total is null ? "the total dose in Gy is not recorded" : null);
    }

    private static AgentTotal Drug(ConditioningTerms.Agent agent, List<DoseFact> given, List<UnreadableDoseFact> missing, BodySize size)
    {
        var unit = agent.Document.Unit;
        var evidence = given.Select(d => d.Evidence).Concat(missing.Select(m => m.Evidence)).ToList();
        var routes = given.Select(d => d.Route).Distinct().ToList();
        var route = routes is [{ } only] ? only : null;
        var days = given.Select(d => d.Evidence.When!.First).Concat(missing.Select(m => m.Evidence.When!.First)).Distinct().Count();
        string? why = missing.Count > 0 ? missing[0].Why : null;
        decimal? total = why is null ? 0m : null;
        foreach (var dose in given)
        {
            if (Normalise(dose, unit, size, out var why2) is { } value && total is { } sum)
            {
                total = sum + value;
            }
            else
            {
                total = null;
                why ??= why2;
            }
        }

        return new AgentTotal(agent.Id, agent.Document.Abbreviation, unit, total is { } t ? decimal.Round(t, 2) : null, route, null, days, evidence, why);
    }

    // A dose in mg, mg/kg or mg/m2 in the agent's unit (mg/kg, mg/m2, g/m2 or mg), with the body size it needs.
    private static decimal? Normalise(DoseFact dose, string unit, BodySize size, out string? why)
    {
        why = null;
        decimal? mg = dose.Unit switch
        {
            "mg" => dose.Amount,
            "mg/kg" => size.Kg is { } kg ? dose.Amount * kg : null,
            "mg/m2" => size.SquareMetres is { } m2 ? dose.Amount * m2 : null,
            _ => null,
        };
        var perUnit = unit switch
        {
            "mg/kg" when dose.Unit == "mg/kg" => dose.Amount,
            "mg/m2" when dose.Unit == "mg/m2" => dose.Amount,
            "g/m2" when dose.Unit == "mg/m2" => dose.Amount / 1000m,
            "mg" => mg,
            "mg/kg" => mg is { } m && size.Kg is { } kg ? m / kg : null,
            "mg/m2" => mg is { } m && size.SquareMetres is { } bsa ? m / bsa : null,
            "g/m2" => mg is { } m && size.SquareMetres is { } bsa ? m / bsa / 1000m : null,
            _ => null,
        };
        if (perUnit is null)
        {
            var needs = unit == "mg/kg" && dose.Unit == "mg" ? "a body weight" : "a body weight and height";
            why = string.Create(CultureInfo.InvariantCulture, $"{dose.Amount:0.##} {dose.Unit} on record without {needs} near the conditioning");
        }

        return perUnit;
    }
}
