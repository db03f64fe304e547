using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cds.Bench.Corpus;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests.Reading;

/// <summary>
/// Every FHIR resource the repository holds, for the differential test of the resource reader: the JSON files of the
/// sample requests and patients, the case folder and every test project (fixtures, CRD and DTR packages, EHR stubs), the
/// JSON literals of the test sources, and the benchmark corpus patients (generated as the benchmarks generate them).
/// Each object with a <c>resourceType</c> counts, wherever it sits (a Bundle entry, a contained resource, a draft
/// order, a prefetch value). Then malformed variants of them: every element given a value of every other JSON shape, a
/// bad date, bad base64, an empty value, wrapped in or taken out of an array, renamed to a wrong-cased or unknown name,
/// and an unknown element added to every object.
/// </summary>
internal static partial class FhirReadCorpus
{
    private const int MaxVariedLength = 16_384;

    private static readonly Lazy<IReadOnlyList<(string Source, string Json)>> AllResources = new(Collect);

    // The values an element is given in turn: every JSON shape, and strings the typed getters parse.
    private static readonly string[] Replacements =
    [
        "42", "4.5", "-1", "12345678901234567890", "true", "\"text\"", "\"\"", "\"2024-13-99\"", "\"2024-01-01T25:61:00Z\"", "\"@@ not base64 @@\"",
        "null", "{}", "{\"x\":1}", "{\"text\":\"t\"}", "{\"value\":1}", "[]", "[1]", "[\"a\"]", "[null]", "[{\"text\":\"t\"}]", "[[1]]",
    ];

    /// <summary>The distinct resources (by their JSON text), with where each was first found.</summary>
    public static IReadOnlyList<(string Source, string Json)> Resources => AllResources.Value;

    /// <summary>
    /// Malformed variants of the resources whose element layout has not been seen before (one resource per layout, so
    /// the hundreds of alike corpus resources are varied once), at most <paramref name="perResource"/> per resource.
    /// </summary>
    public static IEnumerable<(string Source, string Json)> Variants(int perResource)
    {
        var layouts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (source, json) in Resources)
        {
            // Bundles and the other large resources are varied through their entries (each a resource of its own here).
            if (json.Length > MaxVariedLength || Editable(json) is not { } root || !layouts.Add(Layout(root)))
            {
                continue;
            }

            var count = 0;
            foreach (var variant in Mutations(root))
            {
                if (count++ >= perResource)
                {
                    break;
                }

                yield return (source, variant);
            }
        }
    }

    private static List<(string, string)> Collect()
    {
        var found = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string source, string? text)
        {
            if (text is null || TryParse(text) is not { } document)
            {
                return;
            }

            using (document)
            {
                foreach (var json in ResourcesIn(document.RootElement))
                {
                    if (seen.Add(json))
                    {
                        found.Add((source, json));
                    }
                }
            }
        }

        var root = RepositoryRoot.Path;
        foreach (var folder in new[] { "samples", Path.Combine("cases", "45.03"), "tests" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.json", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                     && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                         .Order(StringComparer.Ordinal))
            {
                Add(Path.GetRelativePath(root, file), File.ReadAllText(file));
            }
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var source = File.ReadAllText(file);
            foreach (Match literal in RawLiteral().Matches(source))
            {
                Add(Path.GetRelativePath(root, file), literal.Groups["s"].Value);
            }

            foreach (Match literal in EscapedLiteral().Matches(source))
            {
                Add(Path.GetRelativePath(root, file), Unescape(literal.Groups["s"].Value));
            }
        }

        foreach (var (name, resources, seed) in new[] { ("typical", 50, 4503), ("heavy", 2000, 4503), ("other", 400, 17), ("other", 400, 2024) })
        {
            var request = PatientRecord.HookRequest(name, resources, seed);
            Add($"corpus {name} {resources} seed {seed}", request.ToJsonString());
            Add($"corpus {name} {resources} seed {seed}, non-DLI order", PatientRecord.WithNonPolicyOrder(request).ToJsonString());
        }

        return found;
    }

    // Raw text as written: a test of bad input may hold duplicate keys or a lone surrogate escape, kept as they are.
    private static IEnumerable<string> ResourcesIn(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String)
                {
                    yield return element.GetRawText();
                }

                foreach (var property in element.EnumerateObject())
                {
                    foreach (var inner in ResourcesIn(property.Value))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var value in element.EnumerateArray())
                {
                    foreach (var inner in ResourcesIn(value))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    // Each mutation is applied to the resource in place, written out, and undone.
    private static IEnumerable<string> Mutations(JsonObject resource)
    {
        var slots = new List<(JsonNode Parent, string? Name, int Index)>();
        Slots(resource, slots);
        foreach (var (parent, name, index) in slots)
        {
            var original = Get(parent, name, index);
            var alternatives = Replacements.Select(r => JsonNode.Parse(r)).ToList();
            alternatives.Add(original is JsonArray { Count: > 0 } array ? array[0]?.DeepClone() : new JsonArray(original?.DeepClone()));
            foreach (var alternative in alternatives)
            {
                Set(parent, name, index, alternative);
                yield return resource.ToJsonString();
            }

            Set(parent, name, index, original);
            if (parent is JsonObject obj && name is { Length: > 0 } && name != "resourceType")
            {
                foreach (var renamed in new[] { char.ToUpperInvariant(name[0]) + name[1..], name + "Unknown", "_" + name })
                {
                    if (obj.ContainsKey(renamed))
                    {
                        continue;
                    }

                    var value = original?.DeepClone();
                    obj[renamed] = value;
                    obj.Remove(name);
                    yield return resource.ToJsonString();
                    obj.Remove(renamed);
                    obj[name] = original;
                }
            }
        }

        // An unknown element in every object, and a primitive's extension object ("_x") beside every string element.
        var objects = new List<JsonObject>();
        Objects(resource, objects);
        foreach (var obj in objects)
        {
            obj["unknownElement"] = 5;
            yield return resource.ToJsonString();
            obj.Remove("unknownElement");
            foreach (var name in obj.Where(p => p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String && !obj.ContainsKey("_" + p.Key)).Select(p => p.Key).ToList())
            {
                obj["_" + name] = JsonNode.Parse("""{"extension":[{"url":"http://example.org/x","valueString":"x"}]}""");
                yield return resource.ToJsonString();
                obj.Remove("_" + name);
            }
        }
    }

    private static void Slots(JsonNode node, List<(JsonNode, string?, int)> slots)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    slots.Add((obj, name, -1));
                    if (value is not null)
                    {
                        Slots(value, slots);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add((array, null, i));
                    if (array[i] is { } item)
                    {
                        Slots(item, slots);
                    }
                }

                break;
        }
    }

    private static void Objects(JsonNode? node, List<JsonObject> objects)
    {
        switch (node)
        {
            case JsonObject obj:
                objects.Add(obj);
                foreach (var (_, value) in obj)
                {
                    Objects(value, objects);
                }

                break;
            case JsonArray array:
                foreach (var value in array)
                {
                    Objects(value, objects);
                }

                break;
        }
    }

    private static JsonNode? Get(JsonNode parent, string? name, int index) => name is not null ? parent[name] : parent[index];

    private static void Set(JsonNode parent, string? name, int index, JsonNode? value)
    {
        if (value?.Parent is not null)
        {
            value = value.DeepClone();
        }

        if (name is not null)
        {
            parent.AsObject()[name] = value;
        }
        else
        {
            parent.AsArray()[index] = value;
        }
    }

    // The element names and JSON kinds at every path, array positions folded: alike resources share one layout.
    internal static string Layout(JsonNode node)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        void Walk(JsonNode? n, string path)
        {
            switch (n)
            {
                case JsonObject obj:
                    foreach (var (name, value) in obj)
                    {
                        Walk(value, path + "." + name);
                    }

                    break;
                case JsonArray array:
                    foreach (var value in array)
                    {
                        Walk(value, path + "[]");
                    }

                    break;
                default:
                    paths.Add(path + ":" + (n?.GetValueKind() ?? JsonValueKind.Null));
                    break;
            }
        }

        Walk(node, string.Empty);
        return string.Join('|', paths);
    }

    private static JsonDocument? TryParse(string text)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A resource as an editable tree, or null when no JsonNode can hold it (duplicate keys, a lone surrogate).
    internal static JsonObject? Editable(string json)
    {
        try
        {
            var root = JsonNode.Parse(json)!.AsObject();
            _ = root.ToJsonString();
            _ = Layout(root);
            return root;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Unescape(string literal)
    {
        try
        {
            return Regex.Unescape(literal);
        }
        catch (ArgumentException)
        {
            return literal;
        }
    }

    [GeneratedRegex("\"\"\"(?<s>[\\s\\S]*?)\"\"\"", RegexOptions.CultureInvariant)]
    private static partial Regex RawLiteral();

    [GeneratedRegex(@"(?<![@""])""(?<s>\{(?:[^""\\\r\n]|\\.)*\})""", RegexOptions.CultureInvariant)]
    private static partial Regex EscapedLiteral();
}
