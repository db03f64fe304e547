using System.Collections.Frozen;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using static Cds.FhirMapping.Fhir.Direct.DirectDatatypes;
using static Cds.FhirMapping.Fhir.Direct.DirectObject;
using static Cds.FhirMapping.Fhir.Direct.DirectPrimitives;

namespace Cds.FhirMapping.Fhir.Direct;

/// <summary>
/// A DocumentReference in its common elements: id, status, type, category, subject, date, author, description and
/// content (an attachment's contentType, url and title). Anything else (meta, docStatus, context, an attachment's
/// data, an extension …) is not handled.
/// </summary>
internal static class DocumentReferenceReader
{
    // The status codes as Firely's enum spells them; any other string is not handled.
    private static readonly FrozenSet<string> Statuses = Enum.GetValues<DocumentReferenceStatus>().Select(s => s.GetLiteral()).ToFrozenSet(StringComparer.Ordinal);

    public static DocumentReference? Read(JsonElement json)
    {
        var document = new DocumentReference();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            var v = p.Value;
            var ok = p.NameEquals("resourceType"u8) ? Once(ref seen, 1 << 0) && v.ValueEquals("DocumentReference"u8)
                : p.NameEquals("id"u8) ? Once(ref seen, 1 << 1) && (document.IdElement = Id(v)) is not null
                : p.NameEquals("status"u8) ? Once(ref seen, 1 << 2) && Code<DocumentReferenceStatus>(v, Statuses) is { } status && (document.StatusElement = status) is not null
                : p.NameEquals("type"u8) ? Once(ref seen, 1 << 3) && (document.Type = CodeableConcept(v)) is not null
                : p.NameEquals("category"u8) ? Once(ref seen, 1 << 4) && List(v, CodeableConcept) is { } categories && (document.Category = categories) is not null
                : p.NameEquals("subject"u8) ? Once(ref seen, 1 << 5) && (document.Subject = Reference(v)) is not null
                : p.NameEquals("date"u8) ? Once(ref seen, 1 << 6) && (document.DateElement = Instant(v)) is not null
                : p.NameEquals("author"u8) ? Once(ref seen, 1 << 7) && List(v, Reference) is { } authors && (document.Author = authors) is not null
                : p.NameEquals("description"u8) ? Once(ref seen, 1 << 8) && (document.DescriptionElement = String(v)) is not null
                : p.NameEquals("content"u8) && Once(ref seen, 1 << 9) && List(v, Content) is { } content && (document.Content = content) is not null;
            if (!ok)
            {
                return null;
            }
        }

        return document;
    }

    private static DocumentReference.ContentComponent? Content(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var content = new DocumentReference.ContentComponent();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            if (!(p.NameEquals("attachment"u8) && Once(ref seen, 1) && Attachment(p.Value) is { } attachment && (content.Attachment = attachment) is not null))
            {
                return null;
            }
        }

        return seen == 0 ? null : content;
    }

    private static Attachment? Attachment(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var attachment = new Attachment();
        var seen = 0;
        foreach (var p in json.EnumerateObject())
        {
            var v = p.Value;
            var ok = p.NameEquals("contentType"u8) ? Once(ref seen, 1) && (attachment.ContentTypeElement = Code(v)) is not null
                : p.NameEquals("url"u8) ? Once(ref seen, 2) && Uri(v) is { } url && (attachment.UrlElement = new FhirUrl(url.Value)) is not null
                : p.NameEquals("title"u8) && Once(ref seen, 4) && (attachment.TitleElement = String(v)) is not null;
            if (!ok)
            {
                return null;
            }
        }

        return seen == 0 ? null : attachment;
    }
}
