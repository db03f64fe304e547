using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Text;
using Hl7.Fhir.Model;
using Evidence = Cds.FhirMapping.Facts.Evidence;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>The small pieces every reader needs: codings and words of a concept, and evidence cited from a resource.</summary>
internal static class RecordText
{
    public static IEnumerable<Coding> Codings(CodeableConcept? concept) =>
        concept?.Coding.Where(c => c is not null) ?? [];

    /// <summary>A concept's text and each coding's display, the words a clinician or a system wrote.</summary>
    public static IEnumerable<string> Texts(CodeableConcept? concept)
    {
        if (concept is null)
        {
            yield break;
        }

        if (!string.IsNullOrWhiteSpace(concept.Text))
        {
            yield return concept.Text;
        }

        foreach (var coding in concept.Coding)
        {
            if (!string.IsNullOrWhiteSpace(coding?.Display))
            {
                yield return coding.Display;
            }
        }
    }

    /// <summary>The words of annotations (notes).</summary>
    public static IEnumerable<string> Notes(IEnumerable<Annotation> notes) =>
        notes.Select(n => n.Text).OfType<string>().Where(t => !string.IsNullOrWhiteSpace(t));

    public static Evidence Cite(Resource resource, Coding? coding, EffectiveTime? when, string? value, SourceKind source = SourceKind.Code, Certainty certainty = Certainty.Confirmed) =>
        new(resource.TypeName, resource.Id, coding?.System, coding?.Code, coding?.Display, when?.First, value)
        {
            Source = source,
            Certainty = certainty,
            When = when,
        };

    /// <summary>Evidence for a phrase found in a record's words.</summary>
    public static Evidence Cite(Resource resource, Coding? coding, EffectiveTime? when, TextFinding finding, SourceKind source) =>
        Cite(resource, coding, when, $"\"{finding.Phrase}\"", source, finding.Certainty);

    /// <summary>The disease a diagnosis names, for grouping statuses: the ICD-10 category (C92) or the code itself.</summary>
    public static string Disease(Coding coding) =>
        coding.System is { } system && system.Contains("icd-10", StringComparison.OrdinalIgnoreCase) && coding.Code is { Length: >= 3 } code
            ? code[..3].ToUpperInvariant()
            : $"{coding.System}|{coding.Code}";
}
