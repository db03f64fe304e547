using System.Text.Json.Nodes;

namespace Cds.Service.Tests.Crd;

/// <summary>
/// The checks of the Inferno Da Vinci CRD test kit's server suite (inferno-framework/davinci-crd-test-kit,
/// <c>lib/davinci_crd_test_kit/server_tests/</c>, <c>cards_validation.rb</c>, <c>cards_identification.rb</c>),
/// re-expressed as assertions on a response body. Each method names the kit test it stands for.
/// </summary>
internal static class CrdKitChecks
{
    public const string CoverageInformationUrl = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";

    // crd_coverage_info_system_action_received: the request types an order-sign coverage-information action may update.
    private static readonly string[] OrderTypes = ["DeviceRequest", "MedicationRequest", "NutritionOrder", "ServiceRequest", "VisionPrescription"];

    // cards_identification.rb ADDITIONAL_ORDERS_EXPECTED_RESOURCE_TYPES.
    private static readonly string[] AdditionalOrderTypes = ["CommunicationRequest", "Device", "DeviceRequest", "Medication", "MedicationRequest", "NutritionOrder", "ServiceRequest", "VisionPrescription"];

    /// <summary>crd_service_response_validation: <c>cards</c> is an array; order-sign has <c>systemActions</c>; each card and action is valid.</summary>
    public static void ServiceResponse(JsonNode body, string hook)
    {
        Assert.IsType<JsonArray>(body["cards"]);
        if (hook is "order-sign" or "appointment-book" or "order-dispatch")
        {
            Assert.IsType<JsonArray>(body["systemActions"]);
        }

        foreach (var card in Cards(body))
        {
            Assert.False(string.IsNullOrEmpty(card["summary"]?.GetValue<string>()), "card.summary is required");
            Assert.True(card["summary"]!.GetValue<string>().Length < 140, "summary is over the 140-character limit");
            Assert.Contains(card["indicator"]?.GetValue<string>(), new[] { "info", "warning", "critical" });
            Assert.IsType<JsonObject>(card["source"]);
            Assert.False(string.IsNullOrEmpty(card["source"]!["label"]?.GetValue<string>()), "source.label is required");
            Assert.False(string.IsNullOrEmpty(card["source"]!["topic"]?["code"]?.GetValue<string>()), "source.topic.code is required");
            Assert.False(string.IsNullOrEmpty(card["source"]!["topic"]?["system"]?.GetValue<string>()), "source.topic.system is required");
        }

        foreach (var action in body["systemActions"]?.AsArray().Select(a => a!) ?? [])
        {
            Action(action);
        }
    }

    /// <summary>crd_card_optional_fields_validation: uuid, detail, suggestions, overrideReasons and links are well formed.</summary>
    public static void CardOptionalFields(JsonNode body)
    {
        foreach (var card in Cards(body))
        {
            Assert.True(card["uuid"] is null || card["uuid"]!.GetValueKind() == System.Text.Json.JsonValueKind.String);
            Assert.True(card["detail"] is null || card["detail"]!.GetValueKind() == System.Text.Json.JsonValueKind.String);
            if (card["suggestions"] is JsonArray suggestions && suggestions.Count > 0)
            {
                Assert.Contains(card["selectionBehavior"]?.GetValue<string>(), new[] { "at-most-one", "any" });
                foreach (var suggestion in suggestions.Select(s => s!))
                {
                    Assert.False(string.IsNullOrEmpty(suggestion["label"]?.GetValue<string>()), "suggestion.label is required");
                    var actions = Assert.IsType<JsonArray>(suggestion["actions"]);
                    Assert.NotEmpty(actions);
                    Assert.All(actions, a => Action(a!));
                }
            }

            foreach (var reason in card["overrideReasons"]?.AsArray().Select(r => r!) ?? [])
            {
                foreach (var field in new[] { "code", "system", "display" })
                {
                    Assert.False(string.IsNullOrEmpty(reason[field]?.GetValue<string>()), $"overrideReason Coding needs {field}");
                }
            }

            foreach (var link in card["links"]?.AsArray().Select(l => l!) ?? [])
            {
                Assert.False(string.IsNullOrEmpty(link["label"]?.GetValue<string>()), "link.label is required");
                Assert.True(Uri.TryCreate(link["url"]?.GetValue<string>(), UriKind.Absolute, out _), "link.url must be a URL");
                Assert.Contains(link["type"]?.GetValue<string>(), new[] { "absolute", "smart" });
                Assert.False(link["type"]!.GetValue<string>() == "absolute" && link["appContext"] is not null, "appContext only on smart links");
            }
        }
    }

    /// <summary>cards_identification.rb instructions_response_type?: no links and no suggestions.</summary>
    public static bool IsInstructions(JsonNode card) => Empty(card["links"]) && Empty(card["suggestions"]);

    /// <summary>cards_identification.rb external_reference_response_type?: links, every one absolute.</summary>
    public static bool IsExternalReference(JsonNode card) =>
        card["links"] is JsonArray links && links.All(l => l!["type"]?.GetValue<string>() == "absolute");

    /// <summary>cards_identification.rb additional_orders_response_type?: every suggestion's actions all create an order type.</summary>
    public static bool IsAdditionalOrders(JsonNode card) =>
        card["suggestions"] is JsonArray suggestions && suggestions.All(s => s!["actions"] is JsonArray actions
            && actions.All(a => a!["type"]?.GetValue<string>() == "create" && AdditionalOrderTypes.Contains(a["resource"]?["resourceType"]?.GetValue<string>())));

    /// <summary>crd_coverage_info_system_action_received: the actions whose order resource has a coverage-information extension.</summary>
    public static IReadOnlyList<JsonNode> CoverageInformationActions(JsonNode body) =>
        [.. body["systemActions"]?.AsArray().Select(a => a!)
            .Where(a => OrderTypes.Contains(a["resource"]?["resourceType"]?.GetValue<string>()))
            .Where(a => a["resource"]!["extension"] is JsonArray extensions && extensions.Any(e => e!["url"]?.GetValue<string>() == CoverageInformationUrl)) ?? []];

    /// <summary>
    /// crd_coverage_info_system_action_validation (less the profile validation, done with the Firely validator in
    /// FhirMapping.Tests): type update; repetitions for the same coverage share one coverage-assertion-id and those for
    /// different coverages have distinct ones.
    /// </summary>
    public static void CoverageInformationAction(JsonNode action)
    {
        Assert.Equal("update", action["type"]?.GetValue<string>());
        var byCoverage = action["resource"]!["extension"]!.AsArray().Select(e => e!)
            .Where(e => e["url"]!.GetValue<string>() == CoverageInformationUrl)
            .GroupBy(e => Part(e, "coverage")?["valueReference"]?["reference"]?.GetValue<string>())
            .ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var coverage in byCoverage)
        {
            var ids = coverage.Select(e => Part(e, "coverage-assertion-id")?["valueString"]?.GetValue<string>()).Distinct().ToList();
            Assert.Single(ids);
            Assert.True(seen.Add(ids[0]!), "repetitions for different coverages SHALL have distinct coverage-assertion-ids");
        }
    }

    public static IEnumerable<JsonNode> Cards(JsonNode body) => body["cards"]!.AsArray().Select(c => c!);

    // suggestion_actions_validation.rb action_fields_validation.
    private static void Action(JsonNode action)
    {
        Assert.Contains(action["type"]?.GetValue<string>(), new[] { "create", "update", "delete" });
        Assert.False(string.IsNullOrEmpty(action["description"]?.GetValue<string>()), "action.description is required");
        if (action["type"]!.GetValue<string>() is "create" or "update")
        {
            Assert.False(string.IsNullOrEmpty(action["resource"]?["resourceType"]?.GetValue<string>()), "create/update actions carry a FHIR resource");
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(action["resourceId"]?.GetValue<string>()), "delete actions carry resourceId");
        }
    }

    private static JsonNode? Part(JsonNode extension, string url) =>
        extension["extension"]!.AsArray().FirstOrDefault(p => p!["url"]?.GetValue<string>() == url);

    private static bool Empty(JsonNode? node) => node is null || (node is JsonArray array && array.Count == 0);
}
