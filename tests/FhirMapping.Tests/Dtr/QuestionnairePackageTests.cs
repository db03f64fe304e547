using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Dtr;
using Cds.FhirMapping.Tests.Crd;
using Cds.FhirMapping.Tests.Fixtures;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.FhirPath;

namespace Cds.FhirMapping.Tests.Dtr;

/// <summary>
/// $questionnaire-package input and output against the DTR 2.0.1 Parameters profiles, and the CRD pointer to the
/// questionnaire (the <c>questionnaire</c> sub-extension of coverage-information) against CRD 2.0.1.
/// </summary>
public sealed class QuestionnairePackageTests
{
    private static readonly Uri FhirBase = new("https://cds.example.org/fhir/");

    private static JsonObject Input(params (string Name, string Key, JsonNode Value)[] extra)
    {
        var parameters = new JsonArray(
            new JsonObject { ["name"] = "coverage", ["resource"] = FhirFixtures.Resource("Coverage/cov-regence-ppo") },
            new JsonObject { ["name"] = "order", ["resource"] = FhirFixtures.Resource("ServiceRequest/sr-dli-38242") });
        foreach (var (name, key, value) in extra)
        {
            parameters.Add(new JsonObject { ["name"] = name, [key] = value });
        }

        return new JsonObject { ["resourceType"] = "Parameters", ["parameter"] = parameters };
    }

    private static JsonObject Output(JsonObject input)
    {
        var request = QuestionnairePackage.Parse(FhirFixtures.ToElement(input), out var error);
        Assert.True(request is not null, error);
        return QuestionnairePackage.Answer(Dli.Policy, Dli.Extractor, FhirBase, request)!;
    }

    [Fact]
    public async System.Threading.Tasks.Task The_input_meets_the_DTR_input_profile_as_far_as_this_machine_can_check()
    {
        // The input profile names CRD's Coverage and order profiles, which build on US Core: US Core is not on this
        // machine, so the input is checked against R4 Parameters, its resources against R4, and the profile's own rules
        // (its parameter slices and the dtr-1 invariant, read from the DTR package) are evaluated here.
        var input = Input(("context", "valueString", "order-sign"));
        // (The fixture order claims CRD's profile in meta.profile: that claim is dropped for the R4-only check.)
        var unclaimed = input.DeepClone().AsObject();
        unclaimed["parameter"]![1]!["resource"]!.AsObject().Remove("meta");
        var core = DtrProfileValidator.Shared.Validate(unclaimed, "http://hl7.org/fhir/StructureDefinition/Parameters");
        Assert.True(core.All(i => !i.IsError), string.Join("\n", core));
        var profile = await DtrProfileValidator.Shared.ResolveAsync<StructureDefinition>(DtrProfileValidator.PackageInputProfile);
        var dtr1 = profile!.Snapshot!.Element[0].Constraint.Single(c => c.Key == "dtr-1").Expression!;
        var parameters = input.Deserialize<Parameters>(new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector))!;
        var node = parameters.ToPocoNode(ModelInfo.ModelInspector);
        Assert.True(new FhirPathCompiler().Compile(dtr1).Invoke([node], new EvaluationContext()).Single().Poco is FhirBoolean { Value: true });
        var slices = profile.Snapshot.Element.Where(e => e.Path == "Parameters.parameter" && e.SliceName is not null).ToDictionary(e => e.SliceName!, e => e);
        Assert.Equal(1, slices["coverage"].Min);
        Assert.All(parameters.Parameter, p => Assert.Contains(p.Name, slices.Keys));
        Assert.Equal(slices["coverage"].Min, parameters.Parameter.Count(p => p.Name == "coverage"));

        // And the parser refuses what dtr-1 refuses: coverage alone.
        var coverageOnly = new JsonObject { ["resourceType"] = "Parameters", ["parameter"] = new JsonArray(input["parameter"]![0]!.DeepClone()) };
        var bare = coverageOnly.Deserialize<Parameters>(new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector))!.ToPocoNode(ModelInfo.ModelInspector);
        Assert.True(new FhirPathCompiler().Compile(dtr1).Invoke([bare], new EvaluationContext()).Single().Poco is FhirBoolean { Value: false });
        Assert.Null(QuestionnairePackage.Parse(FhirFixtures.ToElement(coverageOnly), out var error));
        Assert.Contains("dtr-1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_output_conforms_to_the_DTR_output_profile_and_its_bundle_to_the_package_bundle_profile()
    {
        var output = Output(Input());
        var issues = DtrProfileValidator.Shared.Validate(output, DtrProfileValidator.PackageOutputProfile);
        Assert.True(issues.All(i => !i.IsError), string.Join("\n", issues));
        var bundle = output["parameter"]![0]!["resource"]!.AsObject();
        var bundleIssues = DtrProfileValidator.Shared.Validate(bundle, DtrProfileValidator.PackageBundleProfile);
        Assert.True(bundleIssues.All(i => !i.IsError), string.Join("\n", bundleIssues));

        // The questionnaire inside is the one GET /fhir/Questionnaire/{id} serves, and conforms to its own profile.
        var questionnaire = bundle["entry"]![0]!["resource"]!.AsObject();
        Assert.True(JsonNode.DeepEquals(QuestionnaireGenerator.Generate(Dli.Policy, FhirBase), questionnaire));
        var valueSet = bundle["entry"]![1]!["resource"]!.AsObject();
        Assert.True(DtrProfileValidator.Shared.Validate(valueSet, "http://hl7.org/fhir/StructureDefinition/ValueSet").All(i => !i.IsError));
    }

    [Fact]
    public void The_output_profile_can_fail()
    {
        var output = Output(Input());
        output["parameter"]![0]!["name"] = "Bundle";
        var issues = DtrProfileValidator.Shared.Validate(output, DtrProfileValidator.PackageOutputProfile);
        Assert.Contains(issues, i => i.IsError);
    }

    [Fact]
    public void A_questionnaire_asked_for_by_canonical_is_packaged_even_without_a_policy_order()
    {
        var input = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(
                new JsonObject { ["name"] = "coverage", ["resource"] = FhirFixtures.Resource("Coverage/cov-regence-ppo") },
                new JsonObject { ["name"] = "questionnaire", ["valueCanonical"] = "https://cds.example.org/fhir/Questionnaire/dli-45.03|2024-12-01" }),
        };
        Assert.NotNull(Output(input));
        input["parameter"]![1]!["valueCanonical"] = "https://payer.example/fhir/Questionnaire/home-oxygen";
        var request = QuestionnairePackage.Parse(FhirFixtures.ToElement(input), out _);
        Assert.Null(QuestionnairePackage.Answer(Dli.Policy, Dli.Extractor, FhirBase, request!));
    }

    [Fact]
    public void The_coverage_information_that_asks_for_documentation_names_the_questionnaire_and_conforms_to_CRD()
    {
        var order = Dli.SingleOrder(FhirFixtures.DraftOrders("ServiceRequest/sr-dli-38242"));
        var canonical = QuestionnaireGenerator.Canonical(Dli.Policy, FhirBase);
        var conditional = new CoverageAssertion("Coverage/cov-regence-ppo", "conditional", "auth-needed", "clinical", ["withpa"], ["OTH"], "Cannot be determined", new DateOnly(2026, 11, 24), "a-1");
        var annotated = QuestionnairePointer.Add(CoverageInformation.Annotate(order, conditional), conditional, canonical);
        var extension = annotated["extension"]!.AsArray().Single(e => e!["url"]!.GetValue<string>() == CoverageAssertion.Extension)!;
        var questionnaire = extension["extension"]!.AsArray().Single(p => p!["url"]!.GetValue<string>() == "questionnaire")!;
        Assert.Equal(canonical, questionnaire["valueCanonical"]!.GetValue<string>());
        var issues = CrdProfileValidator.Shared.ValidateCoverageInformation(extension);
        Assert.DoesNotContain(issues, i => i.IsError);

        // Without doc-needed (order-select), a questionnaire would break crd-ci-q1: none is added.
        var noDocs = conditional with { DocNeeded = null, DocPurpose = [] };
        var plain = QuestionnairePointer.Add(CoverageInformation.Annotate(order, noDocs), noDocs, canonical);
        Assert.DoesNotContain("\"questionnaire\"", plain.ToJsonString(), StringComparison.Ordinal);

        // And the validator does catch a questionnaire without doc-needed (crd-ci-q1), so the check above means something.
        var forced = CoverageInformation.Annotate(order, noDocs);
        var bad = forced["extension"]!.AsArray().Single(e => e!["url"]!.GetValue<string>() == CoverageAssertion.Extension)!;
        bad["extension"]!.AsArray().Add(new JsonObject { ["url"] = "questionnaire", ["valueCanonical"] = canonical });
        Assert.Contains(CrdProfileValidator.Shared.ValidateCoverageInformation(bad), i => i.IsError);
    }

    [Fact]
    public void An_order_of_another_patient_is_refused()
    {
        var input = Input();
        input["parameter"]![1]!["resource"]!["subject"] = new JsonObject { ["reference"] = "Patient/someone-else" };
        Assert.Null(QuestionnairePackage.Parse(FhirFixtures.ToElement(input), out var error));
        Assert.Contains("beneficiary", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_answer_code_the_questionnaire_offers_is_in_the_packaged_value_set()
    {
        var valueSet = QuestionnairePackage.AnswerValueSet(Dli.Policy, FhirBase);
        var codes = valueSet["expansion"]!["contains"]!.AsArray().Select(c => c!["code"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var offered = JsonSerializer.Serialize(QuestionnaireGenerator.Generate(Dli.Policy, FhirBase));
        foreach (var option in DtrItems.DiseaseStatus.Concat(DtrItems.Graft).Concat(DtrItems.Conditioning))
        {
            Assert.Contains(option.Code, codes);
            Assert.Contains($"\"code\":\"{option.Code}\"", offered, StringComparison.Ordinal);
        }
    }
}
