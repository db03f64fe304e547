namespace Cds.FhirMapping.Text;

/// <summary>Which side of a trigger its scope lies on.</summary>
internal enum TriggerDirection
{
    /// <summary>The scope runs after the trigger: "no T-cell depletion", "history of CAR-T".</summary>
    Forward,

    /// <summary>The scope runs before the trigger: "clinical trial declined", "retrovirus panel non-reactive".</summary>
    Backward,

    /// <summary>Either side: "declined the trial" and "trial declined".</summary>
    Both,
}
