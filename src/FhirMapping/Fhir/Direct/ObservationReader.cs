using System.Collections.Frozen;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using static Cds.FhirMapping.Fhir.Direct.DirectDatatypes;
using static Cds.FhirMapping.Fhir.Direct.DirectObject;
using static Cds.FhirMapping.Fhir.Direct.DirectPrimitives;

namespace Cds.FhirMapping.Fhir.Direct;

/// <summary>
/// An Observation in its common elements: id, status, category, code, subject, encounter, effective (dateTime or
/// Period), issued, performer, value (Quantity, CodeableConcept or string), interpretation, note, bodySite, method,
/// specimen, referenceRange (low, high, text) and component (code, value, interpretation). Anything else (meta, an
/// extension, a primitive's <c>_element</c>, another choice of value …) is not handled.
/// </summary>
internal static class ObservationReader
{
    // The status codes as Firely's enum spells them; any other string is not handled.
    private static readonly FrozenSet<string> Statuses = Enum.GetValues<ObservationStatus>().Select(s => s.GetLiteral()).ToFrozenSet(StringComparer.Ordinal);

    public static Observation? Read(JsonElement json)
    {
        var observation = new Observation();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            var v = p.Value;
            var ok = p.NameEquals("resourceType"u8) ? Once(ref seen, 1 << 0) && v.ValueEquals("Observation"u8)
                : p.NameEquals("id"u8) ? Once(ref seen, 1 << 1) && (observation.IdElement = Id(v)) is not null
                : p.NameEquals("status"u8) ? Once(ref seen, 1 << 2) && Code<ObservationStatus>(v, Statuses) is { } status && (observation.StatusElement = status) is not null
                : p.NameEquals("category"u8) ? Once(ref seen, 1 << 3) && List(v, CodeableConcept) is { } categories && (observation.Category = categories) is not null
                : p.NameEquals("code"u8) ? Once(ref seen, 1 << 4) && CodeableConcept(v) is { } code && (observation.Code = code) is not null
                : p.NameEquals("subject"u8) ? Once(ref seen, 1 << 5) && (observation.Subject = Reference(v)) is not null
                : p.NameEquals("encounter"u8) ? Once(ref seen, 1 << 6) && (observation.Encounter = Reference(v)) is not null
                : p.NameEquals("effectiveDateTime"u8) ? Once(ref seen, 1 << 7) && (observation.Effective = DateTime(v)) is not null
                : p.NameEquals("effectivePeriod"u8) ? Once(ref seen, 1 << 7) && (observation.Effective = Period(v)) is not null
                : p.NameEquals("issued"u8) ? Once(ref seen, 1 << 8) && (observation.IssuedElement = Instant(v)) is not null
                : p.NameEquals("performer"u8) ? Once(ref seen, 1 << 9) && List(v, Reference) is { } performers && (observation.Performer = performers) is not null
                : p.NameEquals("valueQuantity"u8) ? Once(ref seen, 1 << 10) && (observation.Value = Quantity(v)) is not null
                : p.NameEquals("valueCodeableConcept"u8) ? Once(ref seen, 1 << 10) && (observation.Value = CodeableConcept(v)) is not null
                : p.NameEquals("valueString"u8) ? Once(ref seen, 1 << 10) && (observation.Value = String(v)) is not null
                : p.NameEquals("interpretation"u8) ? Once(ref seen, 1 << 11) && List(v, CodeableConcept) is { } interpretations && (observation.Interpretation = interpretations) is not null
                : p.NameEquals("note"u8) ? Once(ref seen, 1 << 12) && List(v, Annotation) is { } notes && (observation.Note = notes) is not null
                : p.NameEquals("bodySite"u8) ? Once(ref seen, 1 << 13) && (observation.BodySite = CodeableConcept(v)) is not null
                : p.NameEquals("method"u8) ? Once(ref seen, 1 << 14) && (observation.Method = CodeableConcept(v)) is not null
                : p.NameEquals("specimen"u8) ? Once(ref seen, 1 << 15) && (observation.Specimen = Reference(v)) is not null
                : p.NameEquals("referenceRange"u8) ? Once(ref seen, 1 << 16) && List(v, ReferenceRange) is { } ranges && (observation.ReferenceRange = ranges) is not null
                : p.NameEquals("component"u8) && Once(ref seen, 1 << 17) && List(v, Component) is { } components && (observation.Component = components) is not null;
            if (!ok)
            {
                return null;
            }
        }

        return observation;
    }

    private static Observation.ReferenceRangeComponent? ReferenceRange(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var range = new Observation.ReferenceRangeComponent();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            var ok = p.NameEquals("low"u8) ? Once(ref seen, 1) && (range.Low = Quantity(p.Value)) is not null
                : p.NameEquals("high"u8) ? Once(ref seen, 2) && (range.High = Quantity(p.Value)) is not null
                : p.NameEquals("text"u8) && Once(ref seen, 4) && (range.TextElement = String(p.Value)) is not null;
            if (!ok)
            {
                return null;
            }
        }

        return seen == 0 ? null : range;
    }

    private static Observation.ComponentComponent? Component(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var component = new Observation.ComponentComponent();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            var v = p.Value;
            var ok = p.NameEquals("code"u8) ? Once(ref seen, 1) && CodeableConcept(v) is { } code && (component.Code = code) is not null
                : p.NameEquals("valueQuantity"u8) ? Once(ref seen, 2) && (component.Value = Quantity(v)) is not null
                : p.NameEquals("valueCodeableConcept"u8) ? Once(ref seen, 2) && (component.Value = CodeableConcept(v)) is not null
                : p.NameEquals("valueString"u8) ? Once(ref seen, 2) && (component.Value = String(v)) is not null
                : p.NameEquals("interpretation"u8) && Once(ref seen, 4) && List(v, CodeableConcept) is { } interpretations && (component.Interpretation = interpretations) is not null;
            if (!ok)
            {
                return null;
            }
        }

        return seen == 0 ? null : component;
    }
}
