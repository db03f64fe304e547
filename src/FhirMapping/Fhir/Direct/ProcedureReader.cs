using System.Collections.Frozen;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using static Cds.FhirMapping.Fhir.Direct.DirectDatatypes;
using static Cds.FhirMapping.Fhir.Direct.DirectObject;
using static Cds.FhirMapping.Fhir.Direct.DirectPrimitives;

namespace Cds.FhirMapping.Fhir.Direct;

/// <summary>
/// A Procedure in its common elements: id, status, category, code, subject, encounter, performed (dateTime or
/// Period), location, reasonCode, reasonReference and note. Anything else (meta, performer, statusReason, an
/// extension …) is not handled.
/// </summary>
internal static class ProcedureReader
{
    // The status codes as Firely's enum spells them; any other string is not handled.
    private static readonly FrozenSet<string> Statuses = Enum.GetValues<EventStatus>().Select(s => s.GetLiteral()).ToFrozenSet(StringComparer.Ordinal);

    public static Procedure? Read(JsonElement json)
    {
        var procedure = new Procedure();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            var v = p.Value;
            var ok = p.NameEquals("resourceType"u8) ? Once(ref seen, 1 << 0) && v.ValueEquals("Procedure"u8)
                : p.NameEquals("id"u8) ? Once(ref seen, 1 << 1) && (procedure.IdElement = Id(v)) is not null
                : p.NameEquals("status"u8) ? Once(ref seen, 1 << 2) && Code<EventStatus>(v, Statuses) is { } status && (procedure.StatusElement = status) is not null
                : p.NameEquals("category"u8) ? Once(ref seen, 1 << 3) && (procedure.Category = CodeableConcept(v)) is not null
                : p.NameEquals("code"u8) ? Once(ref seen, 1 << 4) && (procedure.Code = CodeableConcept(v)) is not null
                : p.NameEquals("subject"u8) ? Once(ref seen, 1 << 5) && Reference(v) is { } subject && (procedure.Subject = subject) is not null
                : p.NameEquals("encounter"u8) ? Once(ref seen, 1 << 6) && (procedure.Encounter = Reference(v)) is not null
                : p.NameEquals("performedDateTime"u8) ? Once(ref seen, 1 << 7) && (procedure.Performed = DateTime(v)) is not null
                : p.NameEquals("performedPeriod"u8) ? Once(ref seen, 1 << 7) && (procedure.Performed = Period(v)) is not null
                : p.NameEquals("location"u8) ? Once(ref seen, 1 << 8) && (procedure.Location = Reference(v)) is not null
                : p.NameEquals("reasonCode"u8) ? Once(ref seen, 1 << 9) && List(v, CodeableConcept) is { } codes && (procedure.ReasonCode = codes) is not null
                : p.NameEquals("reasonReference"u8) ? Once(ref seen, 1 << 10) && List(v, Reference) is { } reasons && (procedure.ReasonReference = reasons) is not null
                : p.NameEquals("note"u8) && Once(ref seen, 1 << 11) && List(v, Annotation) is { } notes && (procedure.Note = notes) is not null;
            if (!ok)
            {
                return null;
            }
        }

        return procedure;
    }
}
