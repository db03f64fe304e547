namespace Cds.FhirMapping.Evaluation.Conditioning;

/// <summary>The intensity of a conditioning regimen under a published definition.</summary>
public enum ConditioningIntensity
{
    Myeloablative,
    ReducedIntensity,
    NonMyeloablative,

    /// <summary>The doses on record do not decide it (a dose or a body measure is missing, or the regimen is not named).</summary>
    Unknown,
}
