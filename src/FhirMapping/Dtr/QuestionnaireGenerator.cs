using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Policy;
using static Cds.FhirMapping.Dtr.FhirPathText;
using V = Cds.FhirMapping.Policy.PolicyNames.ValueSets;
using P = Cds.FhirMapping.Policy.PolicyNames.Patterns;

namespace Cds.FhirMapping.Dtr;

/// <summary>
/// Writes the DTR questionnaire of a policy from its policy file, so it cannot drift from it: one item group per
/// criterion that can be missing (its label, text and "what is missing" from the file) and per documentation item,
/// SDC pre-population (<c>initialExpression</c> in FHIRPath over <c>x-fhir-query</c> variables, with the file's value
/// sets and text patterns), and <c>enableWhen</c> on the items that depend on an earlier answer. CQL is not used.
/// </summary>
public static class QuestionnaireGenerator
{
    public const string Profile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-std-questionnaire";
    private const string Sdc = "http://hl7.org/fhir/uv/sdc/StructureDefinition/";
    private const string Variable = "http://hl7.org/fhir/StructureDefinition/variable";

    /// <summary>The canonical URL of the policy's questionnaire under <paramref name="fhirBase"/> (the service's <c>/fhir/</c>).</summary>
    public static string Canonical(PolicyDefinition policy, Uri fhirBase)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(fhirBase);
        return new Uri(fhirBase, $"Questionnaire/{DtrItems.QuestionnaireId(policy.Id)}").AbsoluteUri;
    }

    /// <summary>The questionnaire, as FHIR R4 JSON, with its canonical URL under <paramref name="fhirBase"/>.</summary>
    public static JsonObject Generate(PolicyDefinition policy, Uri fhirBase)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var doc = policy.Document;
        var system = DtrItems.AnswerSystem(policy.Id);
        var items = new JsonArray
        {
            Transplant(policy),
            DiseaseStatus(policy, system),
            RelapseRisk(policy, system),
            Chimerism(policy),
        };
        foreach (var documentation in doc.Documentation)
        {
            items.Add(Documentation(documentation));
        }

        var effective = policy.EffectiveDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["resourceType"] = "Questionnaire",
            ["id"] = DtrItems.QuestionnaireId(policy.Id),
            ["meta"] = new JsonObject { ["profile"] = new JsonArray(Profile) },
            ["text"] = new JsonObject
            {
                ["status"] = "generated",
                ["div"] = $"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>{WebUtility.HtmlEncode(doc.Insurer)} Medical Policy {WebUtility.HtmlEncode(doc.PolicyNumber)}: {WebUtility.HtmlEncode(doc.Title)}. Documentation questionnaire, pre-populated from the chart; answer what the chart does not show.</p></div>",
            },
            ["extension"] = Extensions(policy),
            ["url"] = Canonical(policy, fhirBase),
            ["version"] = effective,
            ["name"] = "MedicalPolicy" + new string([.. doc.PolicyNumber.Where(char.IsAsciiLetterOrDigit)]),
            ["title"] = $"{doc.Title} (Medical Policy {doc.PolicyNumber}): documentation",
            ["status"] = "active",
            ["subjectType"] = new JsonArray("Patient"),
            ["date"] = effective,
            ["publisher"] = doc.Insurer,
            ["description"] = $"What {doc.Insurer} needs to decide a {doc.Service.Display} order under Medical Policy {doc.PolicyNumber}, one group per criterion and documentation item. Generated from the policy file.",
            ["effectivePeriod"] = new JsonObject { ["start"] = effective },
            ["item"] = items,
        };
    }

    // The launch context (the patient), the x-fhir-query searches (the prefetch templates of the CDS services), and the
    // FHIRPath variables the items share: the policy's code lists applied to what the searches return.
    private static JsonArray Extensions(PolicyDefinition policy)
    {
        var doc = policy.Document;
        var validCondition = "verificationStatus.coding.code.where($this = 'entered-in-error' or $this = 'refuted').empty()";
        var validResult = "(status = 'final' or status = 'amended' or status = 'corrected')";
        var conditioningText = "(code.text | code.coding.display | note.text)";
        var extensions = new JsonArray
        {
            new JsonObject
            {
                ["url"] = Sdc + "sdc-questionnaire-launchContext",
                ["extension"] = new JsonArray(
                    new JsonObject { ["url"] = "name", ["valueCoding"] = new JsonObject { ["system"] = "http://hl7.org/fhir/uv/sdc/CodeSystem/launchContext", ["code"] = "patient", ["display"] = "Patient" } },
                    new JsonObject { ["url"] = "type", ["valueCode"] = "Patient" },
                    new JsonObject { ["url"] = "description", ["valueString"] = "The patient the DLI is ordered for" }),
            },
            Query("conditions", "Condition?patient={{%patient.id}}"),
            Query("procedures", "Procedure?patient={{%patient.id}}"),
            Query("observations", "Observation?patient={{%patient.id}}&category=laboratory"),
            Path("allo", $"%procedures.entry.resource.ofType(Procedure).where(status = 'completed' and code.coding.where({InValueSet(doc, V.HctAllogeneic)}).exists())"),
            Path("auto", $"%procedures.entry.resource.ofType(Procedure).where(status = 'completed' and code.coding.where({InValueSet(doc, V.HctAutologous)}).exists())"),
            Path("heme", $"%conditions.entry.resource.ofType(Condition).where({validCondition} and code.coding.where({InValueSet(doc, V.HemeMalignancy)}).exists())"),
            Path("relapse", $"%heme.where(code.coding.where({InValueSet(doc, V.HemeInRelapse)}).exists() or clinicalStatus.coding.where({InValueSet(doc, V.StatusRelapse)}).exists())"),
            Path("remission", $"%heme.where(code.coding.where({InValueSet(doc, V.HemeInRemission)}).exists() or clinicalStatus.coding.where({InValueSet(doc, V.StatusRemission)}).exists())"),
            Path("tcd", $"%procedures.entry.resource.ofType(Procedure).where(status = 'completed' and code.coding.where({InValueSet(doc, V.TCellDepletedGraft)}).exists())"),
            Path("replete", $"%procedures.entry.resource.ofType(Procedure).where(status = 'completed' and code.coding.where({InValueSet(doc, V.UnmanipulatedGraft)}).exists())"),
            Path("ric", $"%procedures.entry.resource.ofType(Procedure).where(status = 'completed' and {conditioningText}.where({Matches(policy.Pattern(P.ReducedIntensity).ToString())}).exists())"),
            Path("mac", $"%procedures.entry.resource.ofType(Procedure).where(status = 'completed' and {conditioningText}.where({Matches(policy.Pattern(P.Myeloablative).ToString())}).exists())"),
            Path("chim", $"%observations.entry.resource.ofType(Observation).where({validResult} and code.coding.where({InValueSet(doc, V.ChimerismObservation)}).exists())"),
        };
        foreach (var lineage in Lineages(policy))
        {
            var name = VariableName(lineage);
            var words = "(code.text | code.coding.display)";
            var filter = lineage == DtrItems.UnsortedLineage
                ? $"{words}.where({string.Join(" or ", (doc.Lineages ?? []).Select(l => Matches(l.Pattern)))}).empty()"
                : $"{words}.where({Matches((doc.Lineages ?? []).First(l => l.Id == lineage).Pattern)}).exists()";
            extensions.Add(Path(name, $"%chim.where({filter})"));
            extensions.Add(Path(name + "Latest", $"%{name}.where(effective.ofType(dateTime) = {Latest($"%{name}.effective.ofType(dateTime)")})"));
        }

        return extensions;
    }

    private static JsonObject Transplant(PolicyDefinition policy)
    {
        var criterion = policy.Criterion(CriterionIds.PriorAllogeneicHct);
        return Group(criterion,
            Question(DtrItems.HctAllogeneic, "Has the patient received an allogeneic hematopoietic cell transplant (HCT)?", "boolean", "iif(%allo.exists(), true, iif(%auto.exists(), false))"),
            Question(DtrItems.HctDate, "Date of the latest allogeneic HCT", "date", AsDate(Latest("(%allo.performed.ofType(dateTime) | %allo.performed.ofType(Period).start)")), EnabledWhenTrue(DtrItems.HctAllogeneic)));
    }

    private static JsonObject DiseaseStatus(PolicyDefinition policy, string system)
    {
        var criterion = policy.Criterion(CriterionIds.RelapsedOrRefractory);
        var option = (string code) => $"%questionnaire.repeat(item).where(linkId = {Literal(DtrItems.IaStatus)}).answerOption.value.where(code = {Literal(code)})";
        return Group(criterion,
            Question(DtrItems.IaMalignancy, "Does the patient have a hematologic malignancy (leukemia, lymphoma, myeloma, myelodysplastic syndrome or myeloproliferative neoplasm)?", "boolean", "iif(%heme.exists(), true)"),
            Question(DtrItems.IaStatus, "Current status of the hematologic malignancy, after the transplant", "choice", $"iif(%relapse.exists(), {option(DtrItems.Relapsed)}, iif(%remission.exists(), {option(DtrItems.Remission)}))", EnabledWhenTrue(DtrItems.IaMalignancy), Options(system, DtrItems.DiseaseStatus)),
            Question(DtrItems.IaDate, "Date of that status (the diagnosis or assessment that shows it)", "date", AsDate(Latest("iif(%relapse.exists(), %relapse, %remission).select(onset.ofType(dateTime) | recordedDate)")), EnabledWhenTrue(DtrItems.IaMalignancy)));
    }

    private static JsonObject RelapseRisk(PolicyDefinition policy, string system)
    {
        var criterion = policy.Criterion(CriterionIds.HighRelapseRisk);
        var graft = (string code) => $"%questionnaire.repeat(item).where(linkId = {Literal(DtrItems.IbGraft)}).answerOption.value.where(code = {Literal(code)})";
        var conditioning = (string code) => $"%questionnaire.repeat(item).where(linkId = {Literal(DtrItems.IbConditioning)}).answerOption.value.where(code = {Literal(code)})";
        return Group(criterion,
            Question(DtrItems.IbGraft, "Graft processing of the allogeneic HCT", "choice", $"iif(%tcd.exists(), {graft(DtrItems.TCellDepleted)}, iif(%replete.exists(), {graft(DtrItems.NotTCellDepleted)}))", null, Options(system, DtrItems.Graft)),
            Question(DtrItems.IbConditioning, "Conditioning regimen intensity of the allogeneic HCT", "choice", $"iif(%ric.exists(), {conditioning(DtrItems.ReducedIntensity)}, iif(%mac.exists(), {conditioning(DtrItems.Myeloablative)}))", null, Options(system, DtrItems.Conditioning)));
    }

    private static JsonObject Chimerism(PolicyDefinition policy)
    {
        var criterion = policy.Criterion(CriterionIds.MixedChimerism);
        var threshold = policy.Thresholds.FullDonorChimerismPercent.ToString("0.#", CultureInfo.InvariantCulture);
        var children = new List<JsonObject>
        {
            Question(DtrItems.IcTested, "Has donor chimerism been tested since the transplant?", "boolean", "iif(%chim.exists(), true)"),
        };
        foreach (var lineage in Lineages(policy))
        {
            var name = VariableName(lineage) + "Latest";
            var label = lineage == DtrItems.UnsortedLineage ? "Unsorted (whole sample)" : lineage;
            var group = new JsonObject
            {
                ["linkId"] = DtrItems.IcLineage(lineage),
                ["text"] = $"Latest {label} chimerism result",
                ["type"] = "group",
                ["enableWhen"] = EnabledWhenTrue(DtrItems.IcTested),
                ["item"] = new JsonArray(
                    Question(DtrItems.IcPercent(lineage), $"{label}: percent donor (full donor is at least {threshold}%)", "decimal", $"%{name}.value.ofType(Quantity).value.first()"),
                    Question(DtrItems.IcDate(lineage), $"{label}: date of the result", "date", AsDate($"%{name}.effective.ofType(dateTime)"))),
            };
            children.Add(group);
        }

        return Group(criterion, [.. children]);
    }

    private static JsonObject Documentation(DocumentationDocument documentation)
    {
        var item = documentation.Id switch
        {
            "notes" => Question(DtrItems.NotesAttachment, documentation.Label, "attachment", null),
            _ => Question($"{documentation.Id}.text", documentation.Label, "text", documentation.Id == "indication" ? "(%allo.reasonCode.text | %allo.reasonCode.coding.display | %heme.code.text).first()" : null),
        };
        return new JsonObject
        {
            ["linkId"] = documentation.Id,
            ["text"] = documentation.Label,
            ["type"] = "group",
            ["item"] = new JsonArray(Display($"{documentation.Id}.about", documentation.How), item),
        };
    }

    /// <summary>The lineages a chimerism result can belong to: the policy file's, and unsorted (whole sample).</summary>
    internal static IEnumerable<string> Lineages(PolicyDefinition policy) =>
        (policy.Document.Lineages ?? []).Select(l => l.Id).Append(DtrItems.UnsortedLineage);

    private static string VariableName(string lineage) => "chim" + new string([.. lineage.Where(char.IsAsciiLetterOrDigit)]);

    private static JsonObject Group(CriterionDocument criterion, params JsonObject[] items)
    {
        var children = new JsonArray(Display($"{criterion.Id}.about", criterion.Missing is { } m ? $"{criterion.Text} Needed: {m.What}." : criterion.Text));
        foreach (var item in items)
        {
            children.Add(item);
        }

        return new JsonObject { ["linkId"] = criterion.Id, ["text"] = criterion.Label, ["type"] = "group", ["item"] = children };
    }

    private static JsonObject Display(string linkId, string text) => new() { ["linkId"] = linkId, ["text"] = text, ["type"] = "display" };

    private static JsonObject Question(string linkId, string text, string type, string? initial, JsonArray? enableWhen = null, JsonArray? options = null)
    {
        var item = new JsonObject();
        if (initial is not null)
        {
            item["extension"] = new JsonArray(new JsonObject
            {
                ["url"] = Sdc + "sdc-questionnaire-initialExpression",
                ["valueExpression"] = new JsonObject { ["language"] = "text/fhirpath", ["expression"] = initial },
            });
        }

        item["linkId"] = linkId;
        item["text"] = text;
        item["type"] = type;
        if (enableWhen is not null)
        {
            item["enableWhen"] = enableWhen;
        }

        if (options is not null)
        {
            item["answerOption"] = options;
        }

        return item;
    }

    private static JsonArray EnabledWhenTrue(string linkId) =>
        new(new JsonObject { ["question"] = linkId, ["operator"] = "=", ["answerBoolean"] = true });

    private static JsonArray Options(string system, IEnumerable<DtrOption> options) =>
        [.. options.Select(o => (JsonNode)new JsonObject { ["valueCoding"] = new JsonObject { ["system"] = system, ["code"] = o.Code, ["display"] = o.Display } })];

    private static JsonObject Query(string name, string query) => new()
    {
        ["url"] = Variable,
        ["valueExpression"] = new JsonObject { ["name"] = name, ["language"] = "application/x-fhir-query", ["expression"] = query },
    };

    private static JsonObject Path(string name, string expression) => new()
    {
        ["url"] = Variable,
        ["valueExpression"] = new JsonObject { ["name"] = name, ["language"] = "text/fhirpath", ["expression"] = expression },
    };
}
