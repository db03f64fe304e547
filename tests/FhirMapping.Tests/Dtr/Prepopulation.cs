using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.FhirPath;

namespace Cds.FhirMapping.Tests.Dtr;

/// <summary>
/// SDC pre-population of a questionnaire with Firely FHIRPath, as a DTR client would run it: the <c>patient</c>
/// launch context, each <c>x-fhir-query</c> variable answered from the patient's resources (a searchset of the
/// resources of that type that name the patient, filtered by the query's <c>category</c> token, the only other
/// parameter the questionnaire uses), each FHIRPath variable in order, then every item's <c>initialExpression</c>.
/// </summary>
internal static class Prepopulation
{
    private const string VariableUrl = "http://hl7.org/fhir/StructureDefinition/variable";
    private const string InitialUrl = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-initialExpression";

    private static readonly JsonSerializerOptions Fhir = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);
    private static readonly FhirPathCompiler Compiler = new();

    /// <summary>linkId → the values its initialExpression gives (FHIR primitives as strings, Codings as their code).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<object>> Run(JsonObject questionnaireJson, IReadOnlyList<Resource> chart, string patientId)
    {
        var questionnaire = questionnaireJson.Deserialize<Questionnaire>(Fhir)!;
        var patient = chart.OfType<Patient>().Single(p => p.Id == patientId);
        var environment = new Dictionary<string, IEnumerable<PocoNode>>(StringComparer.Ordinal)
        {
            ["patient"] = [patient.ToPocoNode(ModelInfo.ModelInspector)],
            ["questionnaire"] = [questionnaire.ToPocoNode(ModelInfo.ModelInspector)],
        };
        foreach (var extension in questionnaire.Extension.Where(e => e.Url == VariableUrl))
        {
            var expression = (Expression)extension.Value!;
            environment[expression.Name!] = expression.Language switch
            {
                "application/x-fhir-query" => [Search(expression.Expression_!, chart, patientId).ToPocoNode(ModelInfo.ModelInspector)],
                "text/fhirpath" => [.. Evaluate(expression.Expression_!, patient, environment)],
                _ => throw new InvalidOperationException($"Variable {expression.Name}: language {expression.Language} is not SDC FHIRPath or x-fhir-query"),
            };
        }

        var answers = new Dictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal);
        foreach (var item in All(questionnaire.Item))
        {
            if (item.Extension.FirstOrDefault(e => e.Url == InitialUrl)?.Value is Expression initial)
            {
                Assert.Equal("text/fhirpath", initial.Language);
                answers[item.LinkId!] = [.. Evaluate(initial.Expression_!, patient, environment).Select(Plain)];
            }
        }

        return answers;
    }

    private static IEnumerable<PocoNode> Evaluate(string expression, Patient patient, Dictionary<string, IEnumerable<PocoNode>> environment)
    {
        var focus = patient.ToPocoNode(ModelInfo.ModelInspector);
        var context = new EvaluationContext { Environment = new Dictionary<string, IEnumerable<PocoNode>>(environment, StringComparer.Ordinal) };
        return [.. Compiler.Compile(expression).Invoke([focus], context)];
    }

    private static object Plain(PocoNode node) => node.Poco switch
    {
        Coding coding => coding.Code!,
        PrimitiveType primitive => primitive.ToString()!,
        var other => other,
    };

    private static IEnumerable<Questionnaire.ItemComponent> All(IEnumerable<Questionnaire.ItemComponent> items) =>
        items.SelectMany(i => All(i.Item).Prepend(i));

    private static string? Subject(Resource resource) => resource switch
    {
        Procedure p => p.Subject?.Reference,
        Condition c => c.Subject?.Reference,
        Observation o => o.Subject?.Reference,
        _ => null,
    };

    // "Procedure?patient={{%patient.id}}&category=laboratory" over the chart.
    private static Bundle Search(string query, IReadOnlyList<Resource> chart, string patientId)
    {
        var parts = query.Replace("{{%patient.id}}", patientId, StringComparison.Ordinal).Split('?', 2);
        var type = parts[0];
        var parameters = parts[1].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        Assert.Equal(patientId, parameters["patient"]);
        Assert.All(parameters.Keys, k => Assert.Contains(k, new[] { "patient", "category" }));
        var matches = chart
            .Where(r => r.TypeName == type)
            .Where(r => Subject(r) == $"Patient/{patientId}")
            .Where(r => !parameters.TryGetValue("category", out var category) || (r is Observation o && o.Category.SelectMany(c => c.Coding).Any(c => c.Code == category)));
        return new Bundle { Type = Bundle.BundleType.Searchset, Entry = [.. matches.Select(r => new Bundle.EntryComponent { Resource = r })] };
    }
}
