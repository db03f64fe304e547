using System.Text.Json;
using Cds.FhirMapping.Policy;
using Json.Schema;

namespace Cds.FhirMapping.Tests.Policy;

/// <summary>The JSON Schema shipped beside the policy file accepts the file and refuses what the loader refuses.</summary>
public sealed class PolicySchemaTests
{
    private static readonly JsonSchema Schema = ShippedPolicyFile.Schema;

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    public static TheoryData<string> SchemaMutations => new(PolicyMutations.All.Where(m => m.Value.SchemaRejects).Select(m => m.Key));

    [Fact]
    public void GivenTheShippedFile_WhenValidatedAgainstTheSchema_ThenItIsValid()
    {
        // Act
        var result = Evaluate(ShippedPolicyFile.Text);

        // Assert
        Assert.True(result.IsValid, Describe(result));
    }

    [Fact]
    public void GivenTheShippedFile_WhenRead_ThenItDeclaresTheSchemaBesideIt()
    {
        // Act
        using var document = JsonDocument.Parse(ShippedPolicyFile.Text);

        // Assert
        Assert.Equal("./policy.schema.json", document.RootElement.GetProperty("$schema").GetString());
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", JsonDocument.Parse(ShippedPolicyFile.SchemaText).RootElement.GetProperty("$schema").GetString());
    }

    [Theory]
    [MemberData(nameof(SchemaMutations))]
    public void GivenAMutatedFile_WhenValidatedAgainstTheSchema_ThenItIsInvalid(string mutation)
    {
        // Act
        var result = Evaluate(PolicyMutations.All[mutation].Apply(ShippedPolicyFile.Text));

        // Assert
        Assert.False(result.IsValid);
    }

    [Fact]
    public void GivenTheSchema_WhenItsNamesAreRead_ThenTheyAreExactlyThePolicyNames()
    {
        // Arrange
        using var schema = JsonDocument.Parse(ShippedPolicyFile.SchemaText);
        // The DLI module's names: the value sets and patterns its readers look up (a generic policy names its own).
        var properties = schema.RootElement.GetProperty("allOf")[0].GetProperty("then").GetProperty("properties");

        // Act
        string[] Names(string key, string list) =>
            properties.GetProperty(key).GetProperty(list).EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal).ToArray();

        // Assert
        Assert.Equal(PolicyNames.ValueSets.All.Order(StringComparer.Ordinal), Names("valueSets", "required"));
        Assert.Equal(PolicyNames.Patterns.All.Order(StringComparer.Ordinal), Names("textPatterns", "required"));
        Assert.False(properties.GetProperty("valueSets").TryGetProperty("propertyNames", out _), "a generic leaf of the DLI tree may name a value set of its own");
    }

    private static EvaluationResults Evaluate(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Schema.Evaluate(document.RootElement, Options);
    }

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}"));
}
