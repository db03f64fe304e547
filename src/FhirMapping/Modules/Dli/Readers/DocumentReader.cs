using Cds.FhirMapping.Facts;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>Reads a DocumentReference: a history and physical or chart note (information needed for review).</summary>
internal sealed class DocumentReader(Vocabulary vocabulary)
{
    public void Read(DocumentReference document, FactSink sink)
    {
        if (document.Status is DocumentReferenceStatus.EnteredInError)
        {
            return;
        }

        var when = document.Date is { } date ? FhirDates.Read(date) : null;
        foreach (var coding in Codings(document.Type))
        {
            if (vocabulary.Notes.Contains(coding.System, coding.Code))
            {
                sink.Notes.Add(new DocumentFact(Cite(document, coding, when, coding.Display)));
                return;
            }
        }
    }
}
