using System.Text.Json;
using Cds.Bench.Corpus;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Tests.Fixtures;
using Cds.FhirMapping.Tests.Reading;
using Cds.FhirMapping.Tests.Text;

namespace Cds.FhirMapping.Tests.Facts;

/// <summary>
/// The records the fact extractor is held to: every hook request and patient Bundle the repository holds (samples, the
/// case folder, the test fixtures), the benchmark corpus patients at several sizes and seeds, every FHIR resource of
/// <see cref="FhirReadCorpus"/> alone as a one-resource record, (<see cref="Variants"/>) its malformed variants, and
/// (<see cref="Crafted"/>) every text of <see cref="TextCorpus"/> written where the readers read words, several times
/// over in one resource (a code's text that is also its display, a note, a specimen, a component).
/// </summary>
internal static class FactCorpus
{
    /// <summary>A record: its items (resources or Bundles) and the patient it belongs to.</summary>
    internal sealed record Input(string Name, IReadOnlyList<JsonElement> Items, string PatientId);

    /// <summary>Whole records: the repository's requests and patient Bundles, and the corpus patients.</summary>
    public static IEnumerable<Input> Records()
    {
        var root = RepositoryRoot.Path;
        foreach (var folder in new[] { "samples", Path.Combine("cases", "45.03"), "tests", Path.Combine("src", "CdsService") })
        {
            var directory = Path.Combine(root, folder);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                     && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                         .Order(StringComparer.Ordinal))
            {
                if (Parse(File.ReadAllText(file)) is { } element)
                {
                    foreach (var input in RecordsIn(Path.GetRelativePath(root, file), element))
                    {
                        yield return input;
                    }
                }
            }
        }

        foreach (var (name, resources, seed) in new[]
                 {
                     ("scale", 10, 4503), ("typical", 50, 4503), ("heavy", 2000, 4503), ("other", 400, 17), ("other", 400, 2024),
                     ("other", 120, 1), ("other", 120, 2), ("other", 120, 3), ("other", 250, 99), ("other", 800, 7),
                 })
        {
            var request = Parse(PatientRecord.HookRequest(name, resources, seed).ToJsonString())!.Value;
            foreach (var input in RecordsIn($"corpus {name} {resources} seed {seed}", request))
            {
                yield return input;
            }
        }
    }

    /// <summary>Every resource of the repository alone, as a record of its own patient.</summary>
    public static IEnumerable<Input> Resources() =>
        FhirReadCorpus.Resources.Select((r, i) => Single($"{r.Source} #{i}", r.Json)).OfType<Input>();

    /// <summary>Malformed variants of the resources (every element given every other JSON shape …), each alone.</summary>
    public static IEnumerable<Input> Variants(int perResource) =>
        FhirReadCorpus.Variants(perResource).Select((r, i) => Single($"{r.Source} variant #{i}", r.Json)).OfType<Input>();

    /// <summary>
    /// Each text of <see cref="TextCorpus"/> as the words of a locally coded procedure, of an allogeneic transplant (completed, and of
    /// unknown status), of a coded chimerism result with a panel component, and of an uncoded result read by its words.
    /// </summary>
    public static IEnumerable<Input> Crafted(PolicyDefinition policy)
    {
        var texts = TextCorpus.Texts(policy);
        for (var i = 0; i < texts.Count; i++)
        {
            var t = JsonSerializer.Serialize(texts[i].Text);
            var source = $"crafted #{i} from {texts[i].Source}";
            const string Patient = "\"subject\":{\"reference\":\"Patient/p\"}";
            var status = i % 2 == 0 ? "completed" : "unknown";
            string[] templates =
            [
                """{"resourceType":"Procedure","id":"local","status":"completed",SUBJECT,"performedDateTime":"2023-03-12","code":{"text":TEXT,"coding":[{"system":"urn:oid:1.2.3.4","code":"L1","display":TEXT}]},"note":[{"text":TEXT}]}""",
                """{"resourceType":"Procedure","id":"hct","status":"STATUS",SUBJECT,"performedDateTime":"2023-03-12","code":{"text":TEXT,"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"38240","display":TEXT}]},"note":[{"text":TEXT},{"text":"Reduced-intensity conditioning."}]}""",
                """{"resourceType":"Observation","id":"chim","status":"final",SUBJECT,"effectiveDateTime":"2024-03-13","code":{"text":TEXT,"coding":[{"system":"http://loinc.org","code":"102113-8","display":TEXT},{"system":"http://www.ama-assn.org/go/cpt","code":"81268","display":TEXT}]},"specimen":{"display":TEXT},"bodySite":{"text":TEXT},"valueQuantity":{"value":88,"unit":"%"},"component":[{"code":{"text":TEXT},"valueQuantity":{"value":70,"unit":"%"}},{"code":{"text":"CD3+ T cells"},"valueString":TEXT}]}""",
                """{"resourceType":"Observation","id":"words","status":"preliminary",SUBJECT,"effectiveDateTime":"2024-03-13","code":{"text":TEXT,"coding":[{"system":"urn:oid:1.2.3.4","code":"W1","display":TEXT}]},"valueString":TEXT,"note":[{"text":TEXT}]}""",
            ];
            foreach (var template in templates)
            {
                if (Parse(template.Replace("SUBJECT", Patient, StringComparison.Ordinal).Replace("STATUS", status, StringComparison.Ordinal).Replace("TEXT", t, StringComparison.Ordinal)) is { } element)
                {
                    yield return new Input($"{source}: {element.GetProperty("resourceType").GetString()}/{element.GetProperty("id").GetString()}", [element], "p");
                }
            }
        }
    }

    private static Input? Single(string name, string json)
    {
        if (Parse(json) is not { } element)
        {
            return null;
        }

        return new Input(name, [element], PatientOf(element) ?? "p");
    }

    // A hook request (its prefetch values, context.patientId) or a Bundle holding a Patient (that patient).
    private static IEnumerable<Input> RecordsIn(string source, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        if (element.TryGetProperty("prefetch", out var prefetch) && prefetch.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object
            && context.TryGetProperty("patientId", out var patient) && patient.ValueKind == JsonValueKind.String && patient.GetString() is { Length: > 0 } patientId)
        {
            yield return new Input(source, [.. prefetch.EnumerateObject().Select(p => p.Value)], patientId);
        }
        else if (element.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("Bundle")
                 && element.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            var patients = entries.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("resource", out _))
                .Select(e => e.GetProperty("resource"))
                .Where(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("resourceType", out var t) && t.ValueKind == JsonValueKind.String && t.ValueEquals("Patient")
                            && r.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                .Select(r => r.GetProperty("id").GetString())
                .ToList();
            var subject = patients.FirstOrDefault() ?? entries.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("resource", out _))
                .Select(e => PatientOf(e.GetProperty("resource")))
                .FirstOrDefault(p => p is not null);
            if (subject is not null)
            {
                yield return new Input(source, [element], subject);
            }
        }
    }

    // The patient a resource names (subject, patient), "Patient/x" → x.
    private static string? PatientOf(JsonElement resource)
    {
        if (resource.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in new[] { "subject", "patient", "beneficiary" })
        {
            if (resource.TryGetProperty(name, out var reference) && reference.ValueKind == JsonValueKind.Object
                && reference.TryGetProperty("reference", out var value) && value.ValueKind == JsonValueKind.String
                && value.GetString() is { } text && text.LastIndexOf('/') is var slash and >= 0 && slash < text.Length - 1)
            {
                return text[(slash + 1)..];
            }
        }

        return null;
    }

    private static JsonElement? Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
