using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Dtr;
using Cds.FhirMapping.Tests.Fixtures;
using Hl7.Fhir.Model;
using Questionnaire = Hl7.Fhir.Model.Questionnaire;
using Hl7.Fhir.Serialization;

namespace Cds.FhirMapping.Tests.Dtr;

/// <summary>The DTR questionnaire generated from the policy file: its profile, its items, and its pre-population per sample patient.</summary>
public sealed class DtrQuestionnaireTests
{
    private static readonly Uri FhirBase = new("https://cds.example.org/fhir/");
    private static readonly JsonSerializerOptions Fhir = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    private static JsonObject Generated() => QuestionnaireGenerator.Generate(Dli.Policy, FhirBase);

    [Fact]
    public async System.Threading.Tasks.Task The_DTR_package_is_what_the_validator_loaded()
    {
        var profile = await DtrProfileValidator.Shared.ResolveAsync<StructureDefinition>(DtrProfileValidator.QuestionnaireProfile);
        Assert.NotNull(profile);
        Assert.Equal("2.0.1", profile.Version);
        Assert.Equal("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire", profile.BaseDefinition);
    }

    [Fact]
    public void Questionnaire_conforms_to_the_DTR_standard_questionnaire_profile()
    {
        var issues = DtrProfileValidator.Shared.Validate(Generated(), DtrProfileValidator.QuestionnaireProfile);
        Assert.True(issues.All(i => !i.IsError), string.Join("\n", issues));
    }

    [Fact]
    public void A_broken_questionnaire_fails_the_profile()
    {
        // The validator must be able to fail: DTR requires text (narrative) and subjectType Patient.
        var broken = Generated();
        broken.Remove("text");
        broken["subjectType"] = new JsonArray("Practitioner");
        var issues = DtrProfileValidator.Shared.Validate(broken, DtrProfileValidator.QuestionnaireProfile);
        Assert.Contains(issues, i => i.IsError && i.Message.Contains("'text'", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.IsError && i.Location.Contains("subjectType", StringComparison.Ordinal));
    }

    [Fact]
    public void One_group_per_criterion_that_can_be_missing_and_per_documentation_item_with_the_policy_files_words()
    {
        var q = Generated().Deserialize<Questionnaire>(Fhir)!;
        Assert.Equal(["HCT", "I.A", "I.B", "I.C", "notes", "indication"], q.Item.Select(i => i.LinkId));
        Assert.All(q.Item, g => Assert.Equal(Questionnaire.QuestionnaireItemType.Group, g.Type));
        foreach (var criterion in Dli.Policy.Document.Criteria.Where(c => c.Missing is not null))
        {
            var group = q.Item.Single(i => i.LinkId == criterion.Id);
            Assert.Equal(criterion.Label, group.Text);
            Assert.Contains(criterion.Missing!.What, group.Item[0].Text, StringComparison.Ordinal);
        }

        Assert.Equal("https://cds.example.org/fhir/Questionnaire/dli-45.03", q.Url);
        Assert.Equal("2024-12-01", q.Version);

        // One chimerism group per lineage of the policy file, and unsorted.
        var lineages = q.Item.Single(i => i.LinkId == "I.C").Item.Where(i => i.Type == Questionnaire.QuestionnaireItemType.Group).Select(i => i.LinkId);
        Assert.Equal([.. Dli.Policy.Document.Lineages!.Select(l => $"I.C.{l.Id}"), "I.C.Unsorted"], lineages);
    }

    [Fact]
    public void Dependent_items_are_enabled_only_by_the_answer_they_depend_on()
    {
        var q = Generated().Deserialize<Questionnaire>(Fhir)!;
        var all = q.Item.SelectMany(g => g.Item.SelectMany(i => i.Item.Prepend(i))).ToDictionary(i => i.LinkId!);
        foreach (var (item, on) in new[] { ("HCT.date", "HCT.allogeneic"), ("I.A.status", "I.A.malignancy"), ("I.A.date", "I.A.malignancy"), ("I.C.T-cell", "I.C.tested") })
        {
            var when = Assert.Single(all[item].EnableWhen);
            Assert.Equal(on, when.Question);
            Assert.Equal(Questionnaire.QuestionnaireItemOperator.Equal, when.Operator);
            Assert.Equal(true, ((FhirBoolean)when.Answer!).Value);
            Assert.True(all.ContainsKey(on), $"{item} depends on an item that exists");
        }
    }

    [Fact]
    public void Pre_population_is_SDC_FHIRPath_over_x_fhir_query_with_a_patient_launch_context_and_no_CQL()
    {
        var q = Generated().Deserialize<Questionnaire>(Fhir)!;
        var launch = Assert.Single(q.Extension, e => e.Url == "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-launchContext");
        Assert.Equal("patient", ((Coding)launch.GetExtension("name")!.Value!).Code);
        Assert.Equal("Patient", ((Code)launch.GetExtension("type")!.Value!).Value);
        var variables = q.Extension.Where(e => e.Url == "http://hl7.org/fhir/StructureDefinition/variable").Select(e => (Expression)e.Value!).ToList();
        Assert.Equal(["Condition?patient={{%patient.id}}", "Procedure?patient={{%patient.id}}", "Observation?patient={{%patient.id}}&category=laboratory"],
            variables.Where(v => v.Language == "application/x-fhir-query").Select(v => v.Expression_));
        Assert.All(variables, v => Assert.Contains(v.Language!, new[] { "application/x-fhir-query", "text/fhirpath" }));
        Assert.DoesNotContain(q.Extension, e => e.Url!.Contains("cqf-library", StringComparison.Ordinal));

        // The policy file's codes, not copies: the allogeneic HCT variable names CPT 38240 and the ICD-10-PCS pattern.
        var allo = variables.Single(v => v.Name == "allo").Expression_!;
        Assert.Contains("'38240'", allo, StringComparison.Ordinal);
        Assert.Contains("^302[3-6][03][GXYU][1-4]$", allo, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> Samples() => new()
    {
        // file, patient id, expected pre-population ("linkId=value" ; "-" for nothing), item by item.
        { "dli-met.json", "dli4503-met", "HCT.allogeneic=true HCT.date=2025-03-12 I.A.malignancy=true I.A.status=relapsed I.A.date=2026-09-15 I.B.graft=not-t-cell-depleted I.B.conditioning=reduced-intensity I.C.tested=true I.C.T-cell.percent=72 I.C.T-cell.date=2026-10-20 I.C.Myeloid.percent=97 I.C.Myeloid.date=2026-10-20 I.C.B-cell.percent=- I.C.Unsorted.percent=-" },
        { "dli-missing-data.json", "dli4503-missing-data", "HCT.allogeneic=true HCT.date=2025-03-12 I.A.malignancy=true I.A.status=relapsed I.A.date=2026-09-15 I.B.graft=not-t-cell-depleted I.B.conditioning=- I.C.tested=- I.C.T-cell.percent=- I.C.Myeloid.percent=- I.C.Unsorted.percent=-" },
        { "dli-not-met-ia.json", "dli4503-not-met-ia", "HCT.allogeneic=true I.A.malignancy=true I.A.status=remission I.A.date=2026-09-15 I.B.conditioning=reduced-intensity I.C.T-cell.percent=72 I.C.Myeloid.percent=97" },
        { "dli-not-met-ib.json", "dli4503-not-met-ib", "HCT.allogeneic=true I.A.status=relapsed I.B.graft=not-t-cell-depleted I.B.conditioning=myeloablative I.C.T-cell.percent=72" },
        { "dli-not-met-ic.json", "dli4503-not-met-ic", "I.A.status=relapsed I.B.conditioning=reduced-intensity I.C.T-cell.percent=99 I.C.Myeloid.percent=98 I.C.Myeloid.date=2026-10-20" },
        { "dli-investigational.json", "dli4503-investigational", "HCT.allogeneic=true HCT.date=2025-06-18 I.A.malignancy=- I.A.status=- I.B.graft=not-t-cell-depleted I.B.conditioning=reduced-intensity I.C.tested=true I.C.T-cell.percent=- I.C.Myeloid.percent=38" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Pre_population_of_each_sample_patient_item_by_item(string file, string patientId, string expected)
    {
        var bundle = JsonSerializer.Deserialize<Bundle>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", file)), Fhir)!;
        var chart = bundle.Entry.Select(e => e.Resource!).ToList();
        var answers = Prepopulation.Run(Generated(), chart, patientId);
        foreach (var pair in expected.Split(' '))
        {
            var (linkId, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            Assert.True(answers.ContainsKey(linkId), $"{linkId} has an initialExpression");
            var actual = answers[linkId];
            if (value == "-")
            {
                Assert.True(actual.Count == 0, $"{file} {linkId}: expected nothing, got {string.Join(", ", actual)}");
            }
            else
            {
                Assert.True(actual.Count == 1 && string.Equals(actual[0].ToString(), value, StringComparison.OrdinalIgnoreCase), $"{file} {linkId}: expected {value}, got [{string.Join(", ", actual)}]");
            }
        }
    }
}
