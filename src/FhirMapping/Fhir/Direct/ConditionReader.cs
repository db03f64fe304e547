using System.Text.Json;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Direct.DirectDatatypes;
using static Cds.FhirMapping.Fhir.Direct.DirectObject;
using static Cds.FhirMapping.Fhir.Direct.DirectPrimitives;

namespace Cds.FhirMapping.Fhir.Direct;

/// <summary>
/// A Condition in its common elements: id, clinicalStatus, verificationStatus, category, code, subject, encounter,
/// onset and abatement (dateTime or Period), recordedDate and note. Anything else (meta, stage, evidence, an
/// extension …) is not handled.
/// </summary>
internal static class ConditionReader
{
    public static Condition? Read(JsonElement json)
    {
        var condition = new Condition();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            var v = p.Value;
            var ok = p.NameEquals("resourceType"u8) ? Once(ref seen, 1 << 0) && v.ValueEquals("Condition"u8)
                : p.NameEquals("id"u8) ? Once(ref seen, 1 << 1) && (condition.IdElement = Id(v)) is not null
                : p.NameEquals("clinicalStatus"u8) ? Once(ref seen, 1 << 2) && (condition.ClinicalStatus = CodeableConcept(v)) is not null
                : p.NameEquals("verificationStatus"u8) ? Once(ref seen, 1 << 3) && (condition.VerificationStatus = CodeableConcept(v)) is not null
                : p.NameEquals("category"u8) ? Once(ref seen, 1 << 4) && List(v, CodeableConcept) is { } categories && (condition.Category = categories) is not null
                : p.NameEquals("code"u8) ? Once(ref seen, 1 << 5) && (condition.Code = CodeableConcept(v)) is not null
                : p.NameEquals("subject"u8) ? Once(ref seen, 1 << 6) && Reference(v) is { } subject && (condition.Subject = subject) is not null
                : p.NameEquals("encounter"u8) ? Once(ref seen, 1 << 7) && (condition.Encounter = Reference(v)) is not null
                : p.NameEquals("onsetDateTime"u8) ? Once(ref seen, 1 << 8) && (condition.Onset = DateTime(v)) is not null
                : p.NameEquals("onsetPeriod"u8) ? Once(ref seen, 1 << 8) && (condition.Onset = Period(v)) is not null
                : p.NameEquals("abatementDateTime"u8) ? Once(ref seen, 1 << 9) && (condition.Abatement = DateTime(v)) is not null
                : p.NameEquals("abatementPeriod"u8) ? Once(ref seen, 1 << 9) && (condition.Abatement = Period(v)) is not null
                : p.NameEquals("recordedDate"u8) ? Once(ref seen, 1 << 10) && (condition.RecordedDateElement = DateTime(v)) is not null
                : p.NameEquals("note"u8) && Once(ref seen, 1 << 11) && List(v, Annotation) is { } notes && (condition.Note = notes) is not null;
            if (!ok)
            {
                return null;
            }
        }

        return condition;
    }
}
