using System.Text.Json;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Fhir;

namespace Cds.PolicyTool;

/// <summary>
/// A CDS Hooks request file (order-sign or order-select, e.g. samples/*.json), read as the service reads it: the
/// prefetch keys of the service's discovery document in their order, then completed DTR answers. The tool never
/// queries a FHIR server, so every prefetch key the service would query must be in the file.
/// </summary>
internal static class HookInput
{
    /// <summary>The prefetch key of completed DTR answers, as the service spells it: read with the chart.</summary>
    public const string AnswersKey = RecordKeys.DtrAnswers;

    /// <summary>
    /// The one discovery key whose absence never stops the service's decision: the service reads the Patient from
    /// fhirServer when it can (for the birth-date check) and decides without it when it cannot; the tool, which never
    /// queries, decides without the birth-date check.
    /// </summary>
    private const string PatientKey = "patient";

    public static ReviewInput Read(string path, string? serviceId)
    {
        var root = JsonFiles.Read(path, "hook request");
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ToolInputException($"hook request {path} is not a JSON object");
        }

        var hook = String(root, "hook", path);
        if (hook is not (ReviewInput.OrderSign or ReviewInput.OrderSelect))
        {
            throw new ToolInputException($"hook request {path}: 'hook' is '{hook}'; the service answers order-sign and order-select");
        }

        var (service, templates) = DiscoveryPrefetch.For(hook, serviceId);
        var keys = templates.Select(t => t.Key).ToList();
        if (!root.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object)
        {
            throw new ToolInputException($"hook request {path}: 'context' is required and must be an object");
        }

        var patientId = String(context, "patientId", path, "context.");
        if (!context.TryGetProperty("draftOrders", out var draftOrders))
        {
            throw new ToolInputException($"hook request {path}: 'context.draftOrders' is required");
        }

        if (!DraftOrder.TryParseBundle(draftOrders, out var orders, out var error))
        {
            throw new ToolInputException($"hook request {path}: {error}");
        }

        var selections = Selections(context, hook, path);
        var prefetch = root.TryGetProperty("prefetch", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var missing = keys.Where(k => k != PatientKey && (!TryGet(prefetch, k, out var value) || JsonFiles.ResourceType(value) == "OperationOutcome")).ToList();
        if (missing.Count > 0)
        {
            throw new ToolInputException(
                $"hook request {path}: prefetch {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} absent or an OperationOutcome. The service would query the EHR's FHIR server for "
                + "them (or answer 412 without one); this tool decides only from what the file holds: add them to the prefetch (null when the EHR has no such data), or use --bundle.");
        }

        var items = new List<RecordItem>();
        foreach (var key in keys)
        {
            if (TryGet(prefetch, key, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                items.Add(new RecordItem(key, value));
            }
        }

        if (TryGet(prefetch, AnswersKey, out var answers) && answers.ValueKind == JsonValueKind.Object)
        {
            items.Add(new RecordItem(AnswersKey, answers));
        }

        var ignored = prefetch.ValueKind == JsonValueKind.Object
            ? prefetch.EnumerateObject().Select(k => k.Name).Where(k => k != AnswersKey && !keys.Contains(k, StringComparer.Ordinal)).ToList()
            : [];
        List<string> notes = [$"Read as the service '{service}' reads this request: its discovery prefetch keys{(items.Any(i => i.Key == AnswersKey) ? " and the completed DTR answers" : string.Empty)}."];
        if (ignored.Count > 0)
        {
            notes.Add($"Prefetch keys the service does not read were ignored: {string.Join(", ", ignored)}.");
        }

        return new ReviewInput(hook, patientId, items, orders, selections, notes);
    }

    private static List<string> Selections(JsonElement context, string hook, string path)
    {
        if (!context.TryGetProperty("selections", out var selections))
        {
            return hook == ReviewInput.OrderSelect ? throw new ToolInputException($"hook request {path}: 'context.selections' is required for order-select") : [];
        }

        if (selections.ValueKind != JsonValueKind.Array || selections.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
        {
            throw new ToolInputException($"hook request {path}: 'context.selections' must be an array of strings");
        }

        var list = selections.EnumerateArray().Select(s => s.GetString()!).ToList();
        return hook == ReviewInput.OrderSelect && list.Count == 0 ? throw new ToolInputException($"hook request {path}: 'context.selections' is required for order-select") : list;
    }

    private static string String(JsonElement parent, string name, string path, string prefix = "")
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new ToolInputException($"hook request {path}: '{prefix}{name}' is required and must be a string");
        }

        return value.GetString()!;
    }

    private static bool TryGet(JsonElement prefetch, string key, out JsonElement value)
    {
        value = default;
        return prefetch.ValueKind == JsonValueKind.Object && prefetch.TryGetProperty(key, out value);
    }
}
