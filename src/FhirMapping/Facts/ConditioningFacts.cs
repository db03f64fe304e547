namespace Cds.FhirMapping.Facts;

/// <summary>
/// One recorded dose of a conditioning agent, as written: <see cref="Amount"/> in <see cref="Unit"/> (UCUM: mg, g,
/// mg/kg, mg/m2, g/m2), the <see cref="Route"/> id when recognised, and whether it is an order or statement rather than
/// an administration (<see cref="FromOrder"/>). <see cref="Total"/> is true when the record gives the course total.
/// </summary>
public sealed record DoseFact(Evidence Evidence, string Agent, decimal Amount, string Unit, string? Route, bool FromOrder, bool Total = false);

/// <summary>A conditioning agent on record whose dose could not be read (no dose, or a unit that is not a mass).</summary>
public sealed record UnreadableDoseFact(Evidence Evidence, string Agent, string Why);

/// <summary>Total body irradiation: the total dose in Gy and the number of fractions, when the record gives them.</summary>
public sealed record RadiationFact(Evidence Evidence, decimal? TotalGy, int? Fractions);

public enum BodyMeasure
{
    /// <summary>Body weight in kg.</summary>
    Weight,

    /// <summary>Body height in cm.</summary>
    Height,
}

/// <summary>A body weight (kg) or height (cm) Observation.</summary>
public sealed record BodyMeasureFact(Evidence Evidence, BodyMeasure Measure, decimal Value);

/// <summary>What the record holds about the conditioning: doses, radiation and the body measures that normalise them.</summary>
public sealed record ConditioningRecord
{
    public IReadOnlyList<DoseFact> Doses { get; init; } = [];

    public IReadOnlyList<UnreadableDoseFact> UnreadableDoses { get; init; } = [];

    public IReadOnlyList<RadiationFact> Radiation { get; init; } = [];

    public IReadOnlyList<BodyMeasureFact> BodyMeasures { get; init; } = [];
}
