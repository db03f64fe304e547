namespace Cds.FhirMapping.Evaluation.Conditioning;

/// <summary>
/// The intensity of a regimen with what decided it: <see cref="Regimen"/> as a clinician writes it ("Flu 150 mg/m² +
/// Mel 140 mg/m²"), the <see cref="Definition"/> label, and the <see cref="Reason"/> (the threshold crossed, the
/// named combination, or what is missing).
/// </summary>
public sealed record ConditioningClassification(ConditioningIntensity Intensity, string Regimen, string Definition, string Reason)
{
    /// <summary>"Flu 150 mg/m² + Mel 140 mg/m²: reduced intensity per Bacigalupo 2009 (Flu/Mel)".</summary>
    public string Statement => Intensity switch
    {
        ConditioningIntensity.Myeloablative => $"{Regimen}: myeloablative per {Definition} ({Reason})",
        ConditioningIntensity.ReducedIntensity => $"{Regimen}: reduced intensity per {Definition} ({Reason})",
        ConditioningIntensity.NonMyeloablative => $"{Regimen}: non-myeloablative per {Definition} ({Reason})",
        _ => $"{Regimen}: intensity unknown per {Definition} ({Reason})",
    };
}
