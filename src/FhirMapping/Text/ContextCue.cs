using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Text;

/// <summary>
/// A trigger found in a text: where it is, what it means and which way its scope runs. A bare answer ("CAR-T: no,
/// HSV-TK: yes") answers the label before it and is no forward trigger for what follows.
/// </summary>
internal readonly record struct ContextCue(int Start, int End, Certainty Category, TriggerDirection Direction, string Text, bool BareAnswer)
{
    public bool Overlaps(int start, int end) => Start < end && start < End;
}
