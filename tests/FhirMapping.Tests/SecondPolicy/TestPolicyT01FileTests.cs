using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Tests.Policy;
using Json.Schema;

namespace Cds.FhirMapping.Tests.SecondPolicy;

/// <summary>The generic module's file rules, on the T-01 file: the same strict loading and schema as the DLI file.</summary>
public sealed class TestPolicyT01FileTests
{
    public static TheoryData<string> Mutations => new(All.Keys);

    private static IReadOnlyDictionary<string, (Action<JsonObject> Change, string Named, bool SchemaRejects)> All { get; } =
        new Dictionary<string, (Action<JsonObject>, string, bool)>(StringComparer.Ordinal)
        {
            ["a DLI evaluator in a generic file"] = (p => Leaf(p, "T.A")["evaluator"] = "dli.priorAllogeneicHct",
                "decision.tree[0].evaluator 'dli.priorAllogeneicHct' belongs to module 'dli', not to module 'generic'", false),
            ["a threshold without its unit"] = (p => Leaf(p, "T.B").Remove("unit"), "decision.tree[1].unit is required", false),
            ["a threshold with two bounds"] = (p => Leaf(p, "T.B")["below"] = 5, "decision.tree[1] must give exactly one of atLeast or below", false),
            ["a coded leaf on a resource it cannot read"] = (p => Leaf(p, "T.C")["resource"] = "MedicationRequest", "decision.tree[2].resource 'MedicationRequest' must be one of Condition, Procedure, Observation", true),
            ["an absent rule that is not one"] = (p => Leaf(p, "T.D")["absent"] = "met", "decision.tree[3].absent 'met' must be 'unknown' or 'not-met'", true),
            ["a leaf naming a value set the file lacks"] = (p => Leaf(p, "T.A")["valueSet"] = "t01-indications", "decision.tree[0].valueSet 't01-indications' names no value set under valueSets", false),
            ["a DLI section in a generic file"] = (p => p["thresholds"] = JsonNode.Parse("""{"fullDonorChimerismPercent": 95, "conditioningWindowDaysBeforeHct": 60, "graftWindowDaysAfterHct": 7, "earliestPlausibleYear": 1957, "futureToleranceDays": 1}"""),
                "thresholds is read only by module 'dli', not by module 'generic'", true),
            ["a DLI documentation check in a generic file"] = (p => p["documentation"]![0]!["satisfiedBy"] = "dli.indication", "documentation[0].satisfiedBy 'dli.indication' belongs to module 'dli'", false),
            ["a notes check without its value set"] = (p => p["documentation"]![0]!["valueSet"] = null, "documentation[0].valueSet is required: 'notes' finds notes", false),
            ["a reason with a label the deciding node has no text for"] = (p => p["decision"]!["outcomes"]![1]!["reason"] = "{label}", "decision.outcomes[1].reason uses {label} or {summary}, but criteria has no text for 'T'", false),
            ["a combinator with a threshold"] = (p => Leaf(p, "T")["atLeast"] = 1, "decision.tree[5] ('T') is a combinator: only a leaf takes latestRecordDecides or evaluator parameters", false),
        };

    private static readonly JsonSchema Schema = ShippedPolicyFile.Schema;

    [Fact]
    public void GivenTheT01File_WhenValidatedAgainstTheShippedSchema_ThenItIsValid()
    {
        // Act
        var result = Evaluate(T01.Text);

        // Assert
        Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}")));
    }

    [Theory]
    [MemberData(nameof(Mutations))]
    public void GivenTheT01FileWithOneMutation_WhenLoaded_ThenLoadingFailsNamingTheKey(string mutation)
    {
        // Arrange
        var (change, named, schemaRejects) = All[mutation];
        var tree = JsonNode.Parse(T01.Text)!.AsObject();
        change(tree);
        var json = tree.ToJsonString();

        // Act
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var error = Assert.Throws<PolicyFileException>(() => PolicyFiles.Load(stream));

        // Assert
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Equal(!schemaRejects, Evaluate(json).IsValid);
    }

    private static JsonObject Leaf(JsonObject root, string id) =>
        root["decision"]!["tree"]!.AsArray().Single(n => (string?)n!["id"] == id)!.AsObject();

    private static EvaluationResults Evaluate(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
    }
}
