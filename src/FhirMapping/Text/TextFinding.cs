using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Text;

/// <summary>
/// One match of a target phrase in a text, read in its context.
/// </summary>
/// <param name="Phrase">The words that matched the target pattern, as written.</param>
/// <param name="Index">Where they start in the text (UTF-16 offset).</param>
/// <param name="Certainty">What the context makes of them (<see cref="Certainty.Confirmed"/> when nothing modifies them).</param>
/// <param name="Trigger">The trigger or answer, as written, that decided <paramref name="Certainty"/>; null when confirmed.</param>
public sealed record TextFinding(string Phrase, int Index, Certainty Certainty, string? Trigger);
