using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Text;

/// <summary>One match of a target phrase in a text, with the certainty its context gives it.</summary>
public sealed record TextFinding(string Phrase, int Index, Certainty Certainty, string? Trigger);
