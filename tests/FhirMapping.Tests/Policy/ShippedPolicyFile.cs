using System.Text;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Policy;
using Json.Schema;

namespace Cds.FhirMapping.Tests.Policy;

/// <summary>The shipped policy file and its schema, as text and as a JSON tree to mutate.</summary>
internal static class ShippedPolicyFile
{
    public const string SchemaResource = "Policies.policy.schema.json";

    public static string Text { get; } = Read(PolicyDefinition.DefaultPolicyResource);

    public static string SchemaText { get; } = Read(SchemaResource);

    /// <summary>The schema, built once: the schema registry refuses a second schema with the same <c>$id</c>.</summary>
    public static JsonSchema Schema { get; } = JsonSchema.FromText(SchemaText);

    /// <summary>A fresh, mutable copy of the shipped file.</summary>
    public static JsonObject Tree() => JsonNode.Parse(Text)!.AsObject();

    public static PolicyDefinition Load(string json)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return PolicyFiles.Load(stream);
    }

    private static string Read(string resource)
    {
        using var stream = typeof(PolicyDefinition).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource '{resource}' is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
