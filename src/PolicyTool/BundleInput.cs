using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Fhir;

namespace Cds.PolicyTool;

/// <summary>
/// A patient Bundle (any Bundle of the patient's resources, e.g. the transaction Bundles in samples/patients) and a
/// draft order (a request resource, or a Bundle of them), read as an order-sign call whose prefetch the EHR answered
/// from the Bundle with the service's discovery templates (<see cref="PrefetchSearch"/>, as the sandbox page does):
/// the service sees what its searches return, so the tool reads that, not every resource of the file.
/// </summary>
internal static class BundleInput
{
    public static ReviewInput Read(string bundlePath, string orderPath, string? patientId, string? serviceId = null)
    {
        var bundle = JsonFiles.Read(bundlePath, "patient Bundle");
        if (JsonFiles.ResourceType(bundle) != "Bundle")
        {
            throw new ToolInputException($"patient Bundle {bundlePath} is not a FHIR Bundle (resourceType '{JsonFiles.ResourceType(bundle) ?? "none"}')");
        }

        var resources = Resources(bundle);
        var patient = patientId ?? ThePatient(resources, bundlePath);
        var orders = Orders(orderPath);
        var (service, templates) = DiscoveryPrefetch.For(ReviewInput.OrderSign, serviceId);
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal) { ["context.patientId"] = patient };
        var items = new List<RecordItem>();
        foreach (var (key, template) in templates)
        {
            JsonNode? answer;
            try
            {
                answer = PrefetchSearch.Prefetch(template, tokens, resources);
            }
            catch (NotSupportedException e)
            {
                throw new ToolInputException($"prefetch '{key}' cannot be answered from a Bundle: {e.Message}", e);
            }
            catch (InvalidOperationException e)
            {
                throw new ToolInputException($"patient Bundle {bundlePath}: a resource's reference or code is not shaped as FHIR ({e.Message})", e);
            }

            if (answer is not null)
            {
                items.Add(new RecordItem(key, JsonSerializer.SerializeToElement(answer)));
            }
        }

        // Completed DTR answers: the EHR sends them with the hook (the service never searches for them).
        var answers = resources.Where(r => r["resourceType"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "QuestionnaireResponse").ToList();
        items.AddRange(answers.Select(a => new RecordItem(HookInput.AnswersKey, JsonSerializer.SerializeToElement(a))));
        List<string> notes = [$"The Bundle is read as the service '{service}' would read this patient from a FHIR server: what its prefetch searches return{(answers.Count > 0 ? ", and the QuestionnaireResponses as DTR answers sent with the hook" : string.Empty)}."];
        return new ReviewInput(ReviewInput.OrderSign, patient, items, orders, [], notes);
    }

    private static List<JsonObject> Resources(JsonElement bundle)
    {
        var resources = new List<JsonObject>();
        if (bundle.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("resource", out var resource) && resource.ValueKind == JsonValueKind.Object)
                {
                    resources.Add(JsonNode.Parse(resource.GetRawText())!.AsObject());
                }
            }
        }

        return resources;
    }

    private static IReadOnlyList<DraftOrder> Orders(string orderPath)
    {
        var order = JsonFiles.Read(orderPath, "draft order");
        var draftOrders = JsonFiles.ResourceType(order) switch
        {
            null => throw new ToolInputException($"draft order {orderPath} is not a FHIR resource (no resourceType)"),
            "Bundle" => order,
            _ => JsonSerializer.SerializeToElement(new JsonObject { ["resourceType"] = "Bundle", ["type"] = "collection", ["entry"] = new JsonArray(new JsonObject { ["resource"] = JsonNode.Parse(order.GetRawText()) }) }),
        };
        return DraftOrder.TryParseBundle(draftOrders, out var orders, out var error)
            ? orders
            : throw new ToolInputException($"draft order {orderPath}: {error!.Replace("context.draftOrders", "the order Bundle", StringComparison.Ordinal)}");
    }

    // The patient whose record it is: the one Patient resource in the Bundle.
    private static string ThePatient(IEnumerable<JsonObject> resources, string path)
    {
        var patients = resources
            .Where(r => r["resourceType"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "Patient")
            .Select(r => r["id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null)
            .OfType<string>()
            .Where(id => !string.IsNullOrWhiteSpace(id))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return patients switch
        {
            [var one] => one,
            [] => throw new ToolInputException($"patient Bundle {path} holds no Patient resource with an id: name the patient with --patient <id>"),
            _ => throw new ToolInputException($"patient Bundle {path} holds several Patients ({string.Join(", ", patients)}): name the patient with --patient <id>"),
        };
    }
}
