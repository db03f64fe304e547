namespace Cds.FhirMapping.Engine;

/// <summary>A key of the record whose resources could not all be read, and why (no patient data in the reason).</summary>
public sealed record RecordProblem(string Key, string Reason);
