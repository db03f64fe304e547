using System.Text.Json;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Direct.DirectObject;
using static Cds.FhirMapping.Fhir.Direct.DirectPrimitives;

namespace Cds.FhirMapping.Fhir.Direct;

/// <summary>
/// The datatypes of the direct readers, in the elements they commonly carry (a Coding's system, version, code and
/// display; a Reference's reference and display …); any other element, an extension or an id makes the datatype, and
/// so the resource, not handled. Each returns null for an empty object.
/// </summary>
internal static class DirectDatatypes
{
    public static Coding? Coding(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var coding = new Coding();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            var ok = p.NameEquals("system"u8) ? Once(ref seen, 1) && (coding.SystemElement = Uri(p.Value)) is not null
                : p.NameEquals("code"u8) ? Once(ref seen, 2) && (coding.CodeElement = Code(p.Value)) is not null
                : p.NameEquals("display"u8) ? Once(ref seen, 4) && (coding.DisplayElement = String(p.Value)) is not null
                : p.NameEquals("version"u8) && Once(ref seen, 8) && (coding.VersionElement = String(p.Value)) is not null;
            if (!ok)
            {
                return null;
            }
        }

        return seen == 0 ? null : coding;
    }

    public static CodeableConcept? CodeableConcept(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var concept = new CodeableConcept();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            var ok = p.NameEquals("coding"u8) ? Once(ref seen, 1) && (concept.Coding = List(p.Value, Coding)) is not null
                : p.NameEquals("text"u8) && Once(ref seen, 2) && (concept.TextElement = String(p.Value)) is not null;
            if (!ok)
            {
                return null;
            }
        }

        return seen == 0 ? null : concept;
    }

    public static ResourceReference? Reference(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var reference = new ResourceReference();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            var ok = p.NameEquals("reference"u8) ? Once(ref seen, 1) && (reference.ReferenceElement = String(p.Value)) is not null
                : p.NameEquals("display"u8) && Once(ref seen, 2) && (reference.DisplayElement = String(p.Value)) is not null;
            if (!ok)
            {
                return null;
            }
        }

        return seen == 0 ? null : reference;
    }

    /// <summary>A Quantity without a comparator.</summary>
    public static Quantity? Quantity(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var quantity = new Quantity();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            var ok = p.NameEquals("value"u8) ? Once(ref seen, 1) && (quantity.ValueElement = Decimal(p.Value)) is not null
                : p.NameEquals("unit"u8) ? Once(ref seen, 2) && (quantity.UnitElement = String(p.Value)) is not null
                : p.NameEquals("system"u8) ? Once(ref seen, 4) && (quantity.SystemElement = Uri(p.Value)) is not null
                : p.NameEquals("code"u8) && Once(ref seen, 8) && (quantity.CodeElement = Code(p.Value)) is not null;
            if (!ok)
            {
                return null;
            }
        }

        return seen == 0 ? null : quantity;
    }

    public static Period? Period(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var period = new Period();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            var ok = p.NameEquals("start"u8) ? Once(ref seen, 1) && (period.StartElement = DateTime(p.Value)) is not null
                : p.NameEquals("end"u8) && Once(ref seen, 2) && (period.EndElement = DateTime(p.Value)) is not null;
            if (!ok)
            {
                return null;
            }
        }

        return seen == 0 ? null : period;
    }

    /// <summary>An Annotation of text alone (an author or a time is not handled).</summary>
    public static Annotation? Annotation(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var annotation = new Annotation();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            if (!(p.NameEquals("text"u8) && Once(ref seen, 1) && (annotation.Text = Markdown(p.Value)) is not null))
            {
                return null;
            }
        }

        return seen == 0 ? null : annotation;
    }
}
