using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cds.FhirMapping.Tests.Reading;

/// <summary>
/// Variants aimed at the direct reader's gates, beside <see cref="FhirReadCorpus.Variants"/> (every element given every
/// other JSON shape, renamed, an <c>_x</c> sibling …): every element dropped, written twice (a duplicate name, as raw
/// text), given an <c>_element</c> sibling; every string given a leading or trailing space, inner whitespace, a control
/// character, odd and impossible dates and codes; every number given exponent forms, negative zero, trailing zeros
/// and more digits than a decimal holds; and every object's elements written in reverse order.
/// </summary>
internal static class DirectReadVariants
{
    private const int MaxVariedLength = 16_384;

    private static readonly string[] Strings =
    [
        "2024", "2024-02", "2024-02-29", "2023-02-29", "2024-02-30", "2024-13", "2024-00-10", "9999-12", "0000", "0001-01-01", "24",
        "2024-01-01T10:00", "2024-01-01T10:00:00", "2024-01-01T10:00:00Z", "2024-01-01T10:00:00.1234567-08:00", "2024-01-01T10:00:00.1234567890Z",
        "2024-01-01T10:00:00+14:00", "2024-01-01T10:00:00+14:30", "2024-01-01T10:00:00-13:59", "2024-01-01T24:00:00Z", "2024-01-01T23:59:60Z",
        "2024-01-01T10:00:00z", "2024-01-01t10:00:00Z", "2024-01-01 10:00:00Z", "2024-01-01T10:00:00+0800", "2024-01-01T10:00:00.Z",
        "final", "Final", "amended", "entered-in-error", "registered", "unknown", "cancelled ", "a b", "a  b", "a\tb", "a\nb", "\u00a0x", "x\u0001",
        "Patient/p", "http://loinc.org", "http://loinc .org", "obs-1", "obs_1", "obs.1", new string('a', 64), new string('a', 65), "\ud83d\ude00",
    ];

    private static readonly string[] Numbers =
    [
        "1e2", "1E2", "1.0e-5", "-0", "-0.0", "-0.00", "0", "0.10", "100.0", "-1.5", "0.0000000000000000000001", "12345678901234567890",
        "1234567890123456789.5", "79228162514264337593543950335", "1.00000000000000000001",
    ];

    /// <summary>The variants of every resource of <paramref name="resourceType"/> whose element layout has not been seen before.</summary>
    public static IEnumerable<(string Source, string Json)> Of(string resourceType)
    {
        var layouts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (source, json) in FhirReadCorpus.Resources)
        {
            if (json.Length > MaxVariedLength || FhirReadCorpus.Editable(json) is not { } root || (string?)root["resourceType"] != resourceType
                || !layouts.Add(FhirReadCorpus.Layout(root)))
            {
                continue;
            }

            foreach (var variant in Mutations(root))
            {
                yield return (source, variant);
            }
        }
    }

    private static IEnumerable<string> Mutations(JsonObject root)
    {
        var paths = new List<object[]>();
        Paths(root, [], paths);
        foreach (var path in paths)
        {
            yield return Edit(root, path, (parent, key) => Remove(parent, key));
            var value = Get(root, path);
            if (path[^1] is string name)
            {
                yield return Duplicated(root, path);
                yield return Edit(root, path, (parent, _) => parent.AsObject()["_" + name] = JsonNode.Parse("""{"id":"a"}"""));
            }

            switch (value?.GetValueKind())
            {
                case JsonValueKind.String:
                    var text = value.GetValue<string>();
                    foreach (var replacement in Strings.Concat([" " + text, text + " ", text + "\t", text.ToUpperInvariant()]))
                    {
                        yield return Edit(root, path, (parent, key) => Set(parent, key, JsonValue.Create(replacement)));
                    }

                    break;
                case JsonValueKind.Number:
                    foreach (var replacement in Numbers)
                    {
                        yield return Edit(root, path, (parent, key) => Set(parent, key, JsonNode.Parse(replacement)));
                    }

                    break;
                case JsonValueKind.Object:
                    yield return Edit(root, path, (parent, key) => Set(parent, key, Reversed(value.AsObject())));
                    break;
            }
        }

        yield return Reversed(root).ToJsonString();
    }

    // Every element and array item, by its path (names and indexes) from the root.
    private static void Paths(JsonNode node, object[] path, List<object[]> paths)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    object[] at = [.. path, name];
                    paths.Add(at);
                    if (value is not null)
                    {
                        Paths(value, at, paths);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    object[] at = [.. path, i];
                    paths.Add(at);
                    if (array[i] is { } item)
                    {
                        Paths(item, at, paths);
                    }
                }

                break;
        }
    }

    private static JsonNode? Get(JsonNode root, object[] path)
    {
        JsonNode? node = root;
        foreach (var key in path)
        {
            node = key is string name ? node![name] : node![(int)key];
        }

        return node;
    }

    // A copy of the resource with the element at the path changed by edit (given its parent and its key).
    private static string Edit(JsonObject root, object[] path, Action<JsonNode, object> edit)
    {
        var copy = root.DeepClone();
        edit(Get(copy, path[..^1])!, path[^1]);
        return copy.ToJsonString();
    }

    private static void Remove(JsonNode parent, object key)
    {
        if (key is string name)
        {
            parent.AsObject().Remove(name);
        }
        else
        {
            parent.AsArray().RemoveAt((int)key);
        }
    }

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (key is string name)
        {
            parent.AsObject()[name] = value;
        }
        else
        {
            parent.AsArray()[(int)key] = value;
        }
    }

    private static JsonObject Reversed(JsonObject obj) => new(obj.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

    // The resource as raw text with the element at the path written twice (a JsonNode cannot hold a duplicate name).
    private static string Duplicated(JsonObject root, object[] path)
    {
        var target = Get(root, path[..^1]);
        var name = (string)path[^1];
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(root, writer, target!, name);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(JsonNode? node, Utf8JsonWriter writer, JsonNode target, string name)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj)
                {
                    var times = ReferenceEquals(obj, target) && key == name ? 2 : 1;
                    for (var i = 0; i < times; i++)
                    {
                        writer.WritePropertyName(key);
                        Write(value, writer, target, name);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var value in array)
                {
                    Write(value, writer, target, name);
                }

                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
