using System.Globalization;
using Cds.FhirMapping.Facts;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>Reads body weight (kg) and height (cm) Observations, which normalise conditioning doses (I.B).</summary>
internal sealed class BodyMeasureReader(AgentNames names)
{
    public BodyMeasure? Kind(Observation observation)
    {
        var codings = Codings(observation.Code).ToList();
        return codings.Any(c => names.Terms.BodyWeight.Contains(c.System, c.Code)) ? BodyMeasure.Weight
            : codings.Any(c => names.Terms.BodyHeight.Contains(c.System, c.Code)) ? BodyMeasure.Height
            : null;
    }

    public static void Read(Observation observation, BodyMeasure measure, EffectiveTime? when, Certainty certainty, FactSink sink)
    {
        if (certainty != Certainty.Confirmed || observation.Value is not Quantity { Value: { } value } quantity || value <= 0)
        {
            return;
        }

        var unit = (quantity.Code ?? quantity.Unit ?? string.Empty).Trim();
        decimal? normalised = (measure, unit) switch
        {
            (BodyMeasure.Weight, "kg") => value,
            (BodyMeasure.Weight, "g") => value / 1000m,
            (BodyMeasure.Weight, "[lb_av]" or "lb" or "lbs") => value * 0.45359237m,
            (BodyMeasure.Height, "cm") => value,
            (BodyMeasure.Height, "m") => value * 100m,
            (BodyMeasure.Height, "[in_i]" or "in") => value * 2.54m,
            _ => null,
        };
        if (normalised is not { } v)
        {
            return;
        }

        var text = measure == BodyMeasure.Weight ? string.Create(CultureInfo.InvariantCulture, $"weight {decimal.Round(v, 1)} kg") : string.Create(CultureInfo.InvariantCulture, $"height {decimal.Round(v, 1)} cm");
        sink.BodyMeasures.Add(new BodyMeasureFact(Cite(observation, Codings(observation.Code).FirstOrDefault(), when, text, SourceKind.StructuredValue), measure, v));
    }
}
