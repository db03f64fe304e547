using System.Text.Json.Nodes;
using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Tests.Crd;

/// <summary>
/// The orders a card suggests (chimerism testing for I.C) as the Inferno CRD kit checks them
/// (<c>crd_additional_orders_card_validation</c>): each action's resource conforms to CRD 2.0.1 profile-servicerequest.
/// </summary>
public sealed class SuggestedOrderProfileTests
{
    private const string Profile = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/profile-servicerequest";

    [Fact]
    public void GivenThePolicysSuggestedOrders_WhenBuilt_ThenEachConformsToTheCrdServiceRequestProfile()
    {
        // Arrange
        var guidance = new CardGuidance(PolicyFiles.LoadDefault());
        var requester = new JsonObject { ["reference"] = "PractitionerRole/pr-bmt-attending", ["display"] = "Dr. Priya Raman" };

        // Act
        var orders = guidance.For("I.C").Select(s => SuggestedOrder.Build(s, "pat-dli-001", requester, new DateTimeOffset(2026, 11, 24, 18, 15, 0, TimeSpan.Zero))).ToList();

        // Assert
        Assert.Equal(["81267", "81268"], orders.Select(o => o["code"]!["coding"]![0]!["code"]!.GetValue<string>()));
        Assert.All(orders, o => Assert.Equal("http://www.ama-assn.org/go/cpt", o["code"]!["coding"]![0]!["system"]!.GetValue<string>()));
        // The CRD profile derives from US Core, which is not available offline: validate against R4 with the Firely
        // validator, and check every element the CRD profile makes required (its differential, min >= 1).
        var required = RequiredElements();
        Assert.Contains("authoredOn", required);
        Assert.Contains("requester", required);
        foreach (var order in orders)
        {
            var issues = CrdProfileValidator.Shared.ValidateResource(order);
            Assert.True(!issues.Any(i => i.IsError), string.Join("\n", issues));
            Assert.All(required, element => Assert.True(order[element] is not null, $"{Profile} requires ServiceRequest.{element}"));
        }
    }

    [Fact]
    public void GivenAPolicyFileWhoseSuggestionNamesAnUnknownCodeSystem_WhenLoaded_ThenItFailsAtStartUp()
    {
        // Arrange
        var policy = PolicyFiles.LoadDefault();
        var broken = policy.Document with
        {
            OrderSuggestions = [new OrderSuggestionDocument { Criterion = "I.C", Label = "x", System = "no-such-system", Code = "1", Display = "x" }],
        };

        // Act: the policy file's own check refuses it while loading, before any card is built.
        var error = Assert.Throws<PolicyFileException>(() => new CardGuidance(Load(broken)));

        // Assert
        Assert.Contains("no-such-system", error.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<string> RequiredElements()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "crd-2.0.1", "StructureDefinition-profile-servicerequest.json");
        var profile = JsonNode.Parse(File.ReadAllText(path))!;
        return [.. profile["differential"]!["element"]!.AsArray()
            .Where(e => e!["min"]?.GetValue<int>() >= 1)
            .Select(e => e!["path"]!.GetValue<string>())
            .Where(p => p.Count(c => c == '.') == 1)
            .Select(p => p["ServiceRequest.".Length..])];
    }

    private static PolicyDefinition Load(PolicyDocument document)
    {
        using var stream = new MemoryStream(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(document, PolicyJsonContext.Default.PolicyDocument));
        return PolicyFiles.Load(stream);
    }
}
