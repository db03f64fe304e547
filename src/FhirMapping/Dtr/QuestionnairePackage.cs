using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Dtr;

/// <summary>A $questionnaire-package request, checked (DTR 2.0.1 <c>dtr-qpackage-input-parameters</c>).</summary>
public sealed record PackageRequest(string PatientId, IReadOnlyList<DraftOrder> Orders, IReadOnlyList<string> Questionnaires, string? Context);

/// <summary>
/// The DTR <c>$questionnaire-package</c> operation for this policy: reads the input Parameters (one or more Coverages
/// of the patient, the orders and/or questionnaire canonicals, a context), and answers with the output Parameters
/// (<c>dtr-qpackage-output-parameters</c>): one <c>PackageBundle</c> (<c>DTR-QPackageBundle</c>, a collection whose first
/// entry is the Questionnaire) holding the questionnaire and the ValueSet of its answer codes.
/// </summary>
public static class QuestionnairePackage
{
    /// <summary>Reads the input Parameters; null with a message saying what is wrong (for a 400/422 OperationOutcome).</summary>
    public static PackageRequest? Parse(JsonElement body, out string? error)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("Parameters"))
        {
            error = "The body must be a FHIR Parameters resource (DTR dtr-qpackage-input-parameters).";
            return null;
        }

        if (!body.TryGetProperty("parameter", out var parameters) || parameters.ValueKind != JsonValueKind.Array || parameters.GetArrayLength() == 0)
        {
            error = "Parameters.parameter is required: at least one 'coverage' and an 'order', 'questionnaire' or 'context'.";
            return null;
        }

        var coverages = new List<JsonElement>();
        var orders = new List<JsonElement>();
        var questionnaires = new List<string>();
        string? context = null;
        foreach (var parameter in parameters.EnumerateArray())
        {
            var name = parameter.ValueKind == JsonValueKind.Object && parameter.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            var resource = parameter.ValueKind == JsonValueKind.Object && parameter.TryGetProperty("resource", out var r) && r.ValueKind == JsonValueKind.Object ? r : (JsonElement?)null;
            switch (name)
            {
                case "coverage" when resource is { } c && ResourceType(c) == "Coverage":
                    coverages.Add(c);
                    break;
                case "order" when resource is { } o && IsOrder(ResourceType(o)):
                    orders.Add(o);
                    break;
                case "questionnaire" when parameter.TryGetProperty("valueCanonical", out var canonical) && canonical.ValueKind == JsonValueKind.String && canonical.GetString() is { Length: > 0 } url:
                    questionnaires.Add(url);
                    break;
                case "context" when parameter.TryGetProperty("valueString", out var value) && value.ValueKind == JsonValueKind.String:
                    context = value.GetString();
                    break;
                case "changedsince":
                    break;
                default:
                    error = $"Parameter '{name ?? "(no name)"}' is not an input of $questionnaire-package, or its value has the wrong type (coverage and order take a resource, questionnaire a valueCanonical, context a valueString).";
                    return null;
            }
        }

        if (coverages.Count == 0)
        {
            error = "At least one 'coverage' parameter with a Coverage resource is required.";
            return null;
        }

        if (orders.Count == 0 && questionnaires.Count == 0 && context is null)
        {
            error = "An 'order', 'questionnaire' or 'context' parameter is required (DTR dtr-1).";
            return null;
        }

        var beneficiary = coverages[0].TryGetProperty("beneficiary", out var b) && b.ValueKind == JsonValueKind.Object && b.TryGetProperty("reference", out var br) && br.ValueKind == JsonValueKind.String ? br.GetString() : null;
        var patientId = beneficiary is not null && beneficiary.Split('/') is { Length: >= 2 } parts && parts[^2] == "Patient" ? parts[^1] : null;
        if (patientId is null || string.IsNullOrEmpty(patientId))
        {
            error = "The Coverage must name its beneficiary (Patient/{id}).";
            return null;
        }

        if (coverages.FirstOrDefault(c => !PatientBinding.IsThePatients("Coverage", c, patientId)) is { ValueKind: JsonValueKind.Object })
        {
            error = "The Coverages name different beneficiaries.";
            return null;
        }

        var bundle = JsonSerializer.SerializeToElement(new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "collection",
            ["entry"] = new JsonArray([.. orders.Select(o => (JsonNode)new JsonObject { ["resource"] = JsonNode.Parse(o.GetRawText()) })]),
        });
        if (!DraftOrder.TryParseBundle(bundle, out var parsed, out error))
        {
            return null;
        }

        if (parsed.FirstOrDefault(o => !o.IsFor(patientId)) is { } foreign)
        {
            error = $"Order {foreign.Reference} is not for the Coverage's beneficiary.";
            return null;
        }

        return new PackageRequest(patientId, parsed, questionnaires, context);
    }

    /// <summary>
    /// The output Parameters when this policy's questionnaire applies (a policy order among the orders, or its canonical
    /// asked for by URL, with or without version); null when none does.
    /// </summary>
    public static JsonObject? Answer(PolicyDefinition policy, FactExtractor extractor, Uri fhirBase, PackageRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(request);
        var canonical = QuestionnaireGenerator.Canonical(policy, fhirBase);
        var asked = request.Questionnaires.Any(q => q.Split('|')[0] == canonical);
        if (!asked && !request.Orders.Any(extractor.IsPolicyOrder))
        {
            return null;
        }

        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["meta"] = new JsonObject { ["profile"] = new JsonArray("http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/DTR-QPackageBundle") },
            ["type"] = "collection",
            ["entry"] = new JsonArray(
                Entry(QuestionnaireGenerator.Generate(policy, fhirBase), canonical),
                Entry(AnswerValueSet(policy, fhirBase), new Uri(fhirBase, $"ValueSet/{policy.Id}-answers").AbsoluteUri)),
        };
        return new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["meta"] = new JsonObject { ["profile"] = new JsonArray("http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-qpackage-output-parameters") },
            ["parameter"] = new JsonArray(new JsonObject { ["name"] = "PackageBundle", ["resource"] = bundle }),
        };
    }

    /// <summary>The codes of the questionnaire's coded answers, expanded (the answer lists are inline answerOptions; this is for clients that check codes).</summary>
    public static JsonObject AnswerValueSet(PolicyDefinition policy, Uri fhirBase)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var system = DtrItems.AnswerSystem(policy.Id);
        var options = DtrItems.DiseaseStatus.Concat(DtrItems.Graft).Concat(DtrItems.Conditioning).ToList();
        return new JsonObject
        {
            ["resourceType"] = "ValueSet",
            ["id"] = $"{policy.Id}-answers",
            ["url"] = new Uri(fhirBase, $"ValueSet/{policy.Id}-answers").AbsoluteUri,
            ["version"] = policy.Document.Effective,
            ["name"] = "MedicalPolicyAnswers",
            ["title"] = $"Answer codes of the Medical Policy {policy.Document.PolicyNumber} questionnaire",
            ["status"] = "active",
            ["compose"] = new JsonObject
            {
                ["include"] = new JsonArray(new JsonObject
                {
                    ["system"] = system,
                    ["concept"] = new JsonArray([.. options.Select(o => (JsonNode)new JsonObject { ["code"] = o.Code, ["display"] = o.Display })]),
                }),
            },
            ["expansion"] = new JsonObject
            {
                ["timestamp"] = policy.Document.Effective + "T00:00:00Z",
                ["contains"] = new JsonArray([.. options.Select(o => (JsonNode)new JsonObject { ["system"] = system, ["code"] = o.Code, ["display"] = o.Display })]),
            },
        };
    }

    private static JsonObject Entry(JsonObject resource, string fullUrl) => new() { ["fullUrl"] = fullUrl, ["resource"] = resource };

    // The order types the input profile allows (CRD's requests, Appointment, Encounter …).
    private static bool IsOrder(string? type) =>
        type is not null && (type.EndsWith("Request", StringComparison.Ordinal) || type is "Appointment" or "Encounter" or "NutritionOrder" or "VisionPrescription" or "ImmunizationRecommendation");

    private static string? ResourceType(JsonElement resource) =>
        resource.TryGetProperty("resourceType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
}
