using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Evaluation.Conditioning;

/// <summary>
/// The weight and height that normalise a regimen's doses: the Observations nearest its first day, within the policy
/// file's limit (ties: the later record, then the reference). BSA by Mosteller: √(height cm × weight kg / 3600).
/// </summary>
public sealed record BodySize(BodyMeasureFact? Weight, BodyMeasureFact? Height)
{
    public decimal? Kg => Weight?.Value;

    public decimal? SquareMetres => Weight is { } w && Height is { } h ? (decimal)Math.Sqrt((double)(h.Value * w.Value / 3600m)) : null;

    public static BodySize Nearest(IReadOnlyList<BodyMeasureFact> measures, DateOnly day, int maxDays) =>
        new(Nearest(measures, BodyMeasure.Weight, day, maxDays), Nearest(measures, BodyMeasure.Height, day, maxDays));

    private static BodyMeasureFact? Nearest(IReadOnlyList<BodyMeasureFact> measures, BodyMeasure measure, DateOnly day, int maxDays) =>
        measures
            .Where(m => m.Measure == measure && m.Evidence.When is not null)
            .Select(m => (Fact: m, Distance: Distance(m.Evidence.When!, day)))
            .Where(m => m.Distance <= maxDays)
            .OrderBy(m => m.Distance)
            .ThenByDescending(m => m.Fact.Evidence.When!.Last)
            .ThenBy(m => m.Fact.Evidence.Reference, StringComparer.Ordinal)
            .Select(m => m.Fact)
            .FirstOrDefault();

    private static int Distance(EffectiveTime when, DateOnly day) =>
        day < when.First ? when.First.DayNumber - day.DayNumber
        : day > when.Last ? day.DayNumber - when.Last.DayNumber
        : 0;
}
