namespace Cds.FhirMapping.Facts;

/// <summary>
/// Data of one resource type that could not be read or was cut off (a failed or truncated FHIR search, an unreadable
/// resource). No criterion that reads this type may be decided against the patient while the gap exists.
/// </summary>
/// <param name="ResourceType">The FHIR resource type whose data is incomplete, e.g. <c>Observation</c>.</param>
/// <param name="What">What happened, without patient data ("search cut after 10 pages", "Observation/abc unreadable").</param>
public sealed record DataGap(string ResourceType, string What);
