using System.Globalization;
using Cds.FhirMapping.Facts;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>
/// Reads total body irradiation (I.B) from a radiation Procedure (mCODE radiotherapy course summary: the
/// dose-delivered-to-volume extension's totalDoseDelivered and fractionsDelivered) or an Observation (valueQuantity
/// in Gy or cGy, a fractions component). The procedure or observation is recognised by the radiation agent's words.
/// </summary>
internal sealed class RadiationReader(AgentNames names)
{
    public void Read(Procedure procedure, FactSink sink)
    {
        if (procedure.Status is not (EventStatus.Completed or EventStatus.InProgress or EventStatus.Stopped))
        {
            return;
        }

        if (names.Find(procedure.Code, radiation: true).Count == 0)
        {
            return;
        }

        decimal? total = null;
        int? fractions = null;
        foreach (var extension in procedure.Extension)
        {
            foreach (var part in extension.Extension.Prepend(extension))
            {
                var url = part.Url ?? string.Empty;
                if (url.EndsWith("totalDoseDelivered", StringComparison.Ordinal) && part.Value is Quantity dose)
                {
                    total = DoseUnits.Gray(dose) ?? total;
                }
                else if ((url.EndsWith("fractionsDelivered", StringComparison.Ordinal) || url.EndsWith("radiotherapy-sessions", StringComparison.Ordinal)) && Integer(part.Value) is { } n)
                {
                    fractions = n;
                }
            }
        }

        var when = FhirDates.Read(procedure.Performed);
        sink.Radiation.Add(new RadiationFact(Cite(procedure, Codings(procedure.Code).FirstOrDefault(), when, Describe(total, fractions), SourceKind.StructuredValue), total, fractions));
    }

    public bool IsRadiation(Observation observation) => names.Find(observation.Code, radiation: true).Count > 0;

    public static void Read(Observation observation, EffectiveTime? when, Certainty certainty, FactSink sink)
    {
        var total = DoseUnits.Gray(observation.Value as Quantity);
        var fractions = observation.Component
            .Where(c => Texts(c.Code).Any(t => t.Contains("fraction", StringComparison.OrdinalIgnoreCase)))
            .Select(c => Integer(c.Value))
            .FirstOrDefault(n => n is not null);
        var evidence = Cite(observation, Codings(observation.Code).FirstOrDefault(), when, Describe(total, fractions), SourceKind.StructuredValue, certainty);
        sink.Radiation.Add(new RadiationFact(evidence, total, fractions));
    }

    private static int? Integer(DataType? value) => value switch
    {
        UnsignedInt { Value: { } n } => n,
        PositiveInt { Value: { } n } => n,
        Integer { Value: { } n } => n,
        Quantity { Value: { } q } when q == decimal.Truncate(q) && q is > 0 and < 1000 => (int)q,
        _ => null,
    };

    private static string Describe(decimal? total, int? fractions) =>
        string.Create(CultureInfo.InvariantCulture, $"TBI {(total is { } t ? $"{t:0.##} Gy" : "dose not stated")}{(fractions is { } f ? $" in {f} fraction{(f == 1 ? string.Empty : "s")}" : string.Empty)}");
}
