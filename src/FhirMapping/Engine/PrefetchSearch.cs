using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cds.FhirMapping.Engine;

/// <summary>
/// Answers a CDS Hooks prefetch template from a patient's resources, as a FHIR server would: a read
/// (<c>Patient/{id}</c>) gives the resource, a search gives a searchset Bundle. Only the search parameters the
/// service's templates use are known (patient, subject, status, category, code, type); any other is refused, so a
/// template change cannot silently prefetch the wrong data. The sandbox page builds its sample requests with it, and
/// the reviewer tool reads a patient Bundle through it, so both see what the service's prefetch would hold.
/// </summary>
public static partial class PrefetchSearch
{
    private static readonly HashSet<string> ReferenceParameters = new(StringComparer.Ordinal) { "patient", "subject", "beneficiary" };
    private static readonly HashSet<string> TokenParameters = new(StringComparer.Ordinal) { "status", "category", "code", "type" };

    /// <summary>The prefetch value of one template; null when a token of the template has no value.</summary>
    /// <exception cref="NotSupportedException">The template uses a search parameter this sandbox does not know.</exception>
    public static JsonNode? Prefetch(string template, IReadOnlyDictionary<string, string> context, IReadOnlyList<JsonObject> resources)
    {
        var unresolved = false;
        var query = Token().Replace(template, match =>
        {
            unresolved |= !context.TryGetValue(match.Groups[1].Value, out var value);
            return value ?? string.Empty;
        });
        if (unresolved)
        {
            return null;
        }

        var question = query.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? query : query[..question];
        if (question < 0 && path.Split('/') is [var readType, var readId])
        {
            return resources.FirstOrDefault(r => Text(r, "resourceType") == readType && Text(r, "id") == readId)?.DeepClone();
        }

        var type = path;
        var parameters = (question < 0 ? string.Empty : query[(question + 1)..])
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Uri.UnescapeDataString(p[0]), Value: p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty))
            .ToList();
        foreach (var (name, _) in parameters)
        {
            if (!ReferenceParameters.Contains(name) && !TokenParameters.Contains(name))
            {
                throw new NotSupportedException($"The sandbox cannot answer the search parameter '{name}' of the prefetch template '{template}'.");
            }
        }

        var matches = resources
            .Where(r => Text(r, "resourceType") == type)
            .Where(r => parameters.All(p => Matches(r, p.Name, p.Value)))
            .Select(r => (JsonNode)new JsonObject { ["resource"] = r.DeepClone(), ["search"] = new JsonObject { ["mode"] = "match" } })
            .ToArray();
        return new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "searchset",
            ["total"] = matches.Length,
            ["entry"] = new JsonArray(matches),
        };
    }

    private static bool Matches(JsonObject resource, string name, string value)
    {
        if (ReferenceParameters.Contains(name))
        {
            var target = value.Contains('/', StringComparison.Ordinal) ? value : $"Patient/{value}";
            return ReferenceParameters
                .Select(element => resource[element]?["reference"]?.GetValue<string>())
                .Any(reference => reference == target);
        }

        // Comma-separated values are alternatives (OR), as in FHIR search.
        return value.Split(',').Any(alternative => name == "status"
            ? Text(resource, "status") == alternative
            : Codings(resource[name]).Any(coding => TokenMatches(coding, alternative)));
    }

    private static bool TokenMatches(JsonObject coding, string token)
    {
        var bar = token.IndexOf('|', StringComparison.Ordinal);
        var code = Text(coding, "code");
        return bar < 0
            ? code == token
            : code == token[(bar + 1)..] && (bar == 0 || Text(coding, "system") == token[..bar]);
    }

    // A CodeableConcept or a list of them (category is a list on Observation and Condition, one concept on Procedure).
    private static IEnumerable<JsonObject> Codings(JsonNode? node) => node switch
    {
        JsonArray concepts => concepts.SelectMany(Codings),
        JsonObject concept when concept["coding"] is JsonArray codings => codings.OfType<JsonObject>(),
        _ => [],
    };

    private static string? Text(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    [GeneratedRegex(@"\{\{\s*([A-Za-z.]+)\s*\}\}")]
    private static partial Regex Token();
}
