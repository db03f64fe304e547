namespace Cds.FhirMapping.Policy;

/// <summary>
/// Criterion I.B from the structured record: the conditioning agents and their doses, total body irradiation, the body
/// measures that normalise a dose, and the published definitions of conditioning intensity, as data a clinical
/// reviewer can check line by line. <see cref="DefaultDefinition"/> names the definition in use; the others stay
/// selectable.
/// </summary>
public sealed record ConditioningDocument
{
    public required string Description { get; init; }

    /// <summary>The key of <see cref="Definitions"/> the service classifies by.</summary>
    public required string DefaultDefinition { get; init; }

    /// <summary>Doses given from this many days before the allogeneic HCT up to its day are its conditioning.</summary>
    public required int DoseWindowDaysBeforeHct { get; init; }

    /// <summary>A weight or height further than this from the first conditioning day does not normalise a dose.</summary>
    public required int BodyMeasureMaxDaysFromConditioning { get; init; }

    /// <summary>
    /// Off by default: in vivo T-cell depletion (ATG, alemtuzumab in the conditioning) is a fact of its own and does not
    /// make the graft T-cell depleted. On: it counts for I.B as a T-cell depleted graft.
    /// </summary>
    public required bool CountInVivoDepletionAsTCellDepleted { get; init; }

    /// <summary>Why the switch is set as it is (shown to the reviewer of the file).</summary>
    public required string CountInVivoDepletionNote { get; init; }

    /// <summary>Body weight Observation codes (LOINC 29463-7).</summary>
    public required IReadOnlyList<IncludeDocument> BodyWeight { get; init; }

    /// <summary>Body height Observation codes (LOINC 8302-2).</summary>
    public required IReadOnlyList<IncludeDocument> BodyHeight { get; init; }

    /// <summary>Routes that decide a threshold (busulfan oral or intravenous), by code or by words.</summary>
    public required IReadOnlyList<RouteDocument> Routes { get; init; }

    public required IReadOnlyList<ConditioningAgentDocument> Agents { get; init; }

    public required IReadOnlyDictionary<string, IntensityDefinitionDocument> Definitions { get; init; }
}

public sealed record RouteDocument
{
    public required string Id { get; init; }
    public required IReadOnlyList<IncludeDocument> Codes { get; init; }
    public required string Pattern { get; init; }
}

/// <summary>One conditioning agent: a drug (by RxNorm ingredient code or by name) or total body irradiation.</summary>
public sealed record ConditioningAgentDocument
{
    public required string Id { get; init; }

    /// <summary>How a clinician abbreviates it in a regimen name ("Flu", "Mel", "TBI").</summary>
    public required string Abbreviation { get; init; }

    /// <summary><c>drug</c> or <c>radiation</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The unit its total dose is stated and compared in: mg/kg, mg/m2, g/m2, mg or Gy.</summary>
    public required string Unit { get; init; }

    /// <summary>ATG, alemtuzumab: in vivo T-cell depletion.</summary>
    public bool InVivoTCellDepletion { get; init; }

    /// <summary>Its codes (RxNorm ingredient); empty for radiation, recognised by words.</summary>
    public required IReadOnlyList<IncludeDocument> Codes { get; init; }

    /// <summary>Its names (generic and brand) in a medication's or procedure's words.</summary>
    public required string Pattern { get; init; }

    /// <summary>Where its codes were checked, or that they were not.</summary>
    public required string Verification { get; init; }
}

/// <summary>A published definition of conditioning intensity.</summary>
public sealed record IntensityDefinitionDocument
{
    /// <summary>How the card names it ("Bacigalupo 2009").</summary>
    public required string Label { get; init; }

    public required string Citation { get; init; }

    /// <summary>Any one of these crossed makes the regimen myeloablative.</summary>
    public required IReadOnlyList<DoseThresholdDocument> Myeloablative { get; init; }

    /// <summary>Named non-myeloablative combinations, tried before <see cref="ReducedIntensity"/>.</summary>
    public required IReadOnlyList<NamedRegimenDocument> NonMyeloablative { get; init; }

    /// <summary>Named reduced-intensity combinations (with no myeloablative threshold crossed).</summary>
    public required IReadOnlyList<NamedRegimenDocument> ReducedIntensity { get; init; }
}

/// <summary>
/// A dose bound of one agent: <see cref="AtLeast"/> (the dose reaches it) or <see cref="Above"/> (exceeds it) for a
/// myeloablative threshold, <see cref="AtMost"/> for a named regimen's limit. <see cref="Route"/> (a route id) and
/// <see cref="Fractionation"/> (<c>single</c>, <c>fractionated</c>) narrow it.
/// </summary>
public sealed record DoseThresholdDocument
{
    public required string Agent { get; init; }
    public required string Unit { get; init; }
    public string? Route { get; init; }
    public string? Fractionation { get; init; }
    public decimal? AtLeast { get; init; }
    public decimal? Above { get; init; }
    public decimal? AtMost { get; init; }
}

/// <summary>A named combination: exactly <see cref="Agents"/>, plus any of <see cref="Optional"/>, within <see cref="Limits"/>.</summary>
public sealed record NamedRegimenDocument
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Agents { get; init; }
    public IReadOnlyList<string>? Optional { get; init; }
    public IReadOnlyList<DoseThresholdDocument>? Limits { get; init; }

    /// <summary>The optional agents (none when the file gives none).</summary>
    public IReadOnlyList<string> OptionalAgents => Optional ?? [];

    /// <summary>The dose limits (none when the file gives none).</summary>
    public IReadOnlyList<DoseThresholdDocument> DoseLimits => Limits ?? [];
}
