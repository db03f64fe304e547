using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests;

public sealed class DraftOrderTests
{
    private const string MixedBundle = "draft-orders-dli-lab-medication.json";

    [Fact]
    public void GivenADraftOrdersBundle_WhenParsed_ThenEveryEntryIsAnOrderWithItsIdAndItsJsonAsReceived()
    {
        // Arrange
        var bundle = FhirFixtures.File("DraftOrders", MixedBundle);

        // Act
        var parsed = DraftOrder.TryParseBundle(bundle, out var orders, out var error);

        // Assert
        Assert.True(parsed, error);
        Assert.Null(error);
        Assert.Equal(
            ["ServiceRequest/sr-dli-0611", "ServiceRequest/sr-chimerism-0611", "ServiceRequest/sr-dli-not-now-0611", "MedicationRequest/mr-rux-0611"],
            orders.Select(o => o.Reference));
        var entries = bundle.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource")).ToList();
        for (var i = 0; i < orders.Count; i++)
        {
            Assert.True(JsonElement.DeepEquals(entries[i], orders[i].Json), $"{orders[i].Reference} must keep its JSON as received");
        }
    }

    [Fact]
    public void GivenABundleWithoutEntries_WhenParsed_ThenItIsValidAndHoldsNoOrders()
    {
        // Arrange
        var bundle = JsonDocument.Parse("""{ "resourceType": "Bundle", "type": "collection" }""").RootElement;

        // Act
        var parsed = DraftOrder.TryParseBundle(bundle, out var orders, out var error);

        // Assert
        Assert.True(parsed);
        Assert.Null(error);
        Assert.Empty(orders);
    }

    [Theory]
    [InlineData("""{ "resourceType": "ServiceRequest", "id": "sr-1", "status": "draft", "intent": "order", "subject": { "reference": "Patient/pat-dli-001" } }""", "context.draftOrders must be a FHIR Bundle.")]
    [InlineData("""[ { "resourceType": "ServiceRequest", "id": "sr-1" } ]""", "context.draftOrders must be a FHIR Bundle.")]
    [InlineData("""{ "type": "collection", "entry": [] }""", "context.draftOrders must be a FHIR Bundle.")]
    [InlineData("""{ "resourceType": "Bundle", "type": "collection", "entry": { "resource": { "resourceType": "ServiceRequest", "id": "sr-1" } } }""", "context.draftOrders.entry must be an array.")]
    [InlineData("""{ "resourceType": "Bundle", "type": "collection", "entry": [ { "fullUrl": "urn:uuid:5b0f0bb2-3d51-4e0b-a4d9-0c5f3c1f2a10" } ] }""", "context.draftOrders.entry[0] has no resource.")]
    [InlineData("""{ "resourceType": "Bundle", "type": "collection", "entry": [ { "resource": { "resourceType": "ServiceRequest", "status": "draft", "intent": "order", "code": { "coding": [ { "system": "http://www.ama-assn.org/go/cpt", "code": "38242" } ] }, "subject": { "reference": "Patient/pat-dli-001" } } } ] }""", "context.draftOrders.entry[0] (ServiceRequest) has no id.")]
    [InlineData("""{ "resourceType": "Bundle", "type": "collection", "entry": [ { "resource": { "resourceType": "ServiceRequest", "id": "sr-1", "status": "draft", "intent": "order", "subject": { "reference": "Patient/pat-dli-001" } } }, { "resource": { "resourceType": "MedicationRequest", "status": "draft", "intent": "order", "subject": { "reference": "Patient/pat-dli-001" } } } ] }""", "context.draftOrders.entry[1] (MedicationRequest) has no id.")]
    [InlineData("""{ "resourceType": "Bundle", "type": "collection", "entry": [ { "resource": { "resourceType": "DonorLymphocyteOrder", "id": "x-1" } } ] }""", "context.draftOrders.entry[0].resource is not a FHIR R4 resource.")]
    public void GivenMalformedDraftOrders_WhenParsed_ThenParsingFailsWithTheReason(string json, string expectedError)
    {
        // Arrange
        var element = JsonDocument.Parse(json).RootElement;

        // Act
        var parsed = DraftOrder.TryParseBundle(element, out var orders, out var error);

        // Assert
        Assert.False(parsed);
        Assert.Equal(expectedError, error);
        Assert.Empty(orders);
    }

    [Theory]
    [InlineData("ServiceRequest/sr-dli-0611", true)] // CPT 38242 under urn:oid:2.16.840.1.113883.6.12
    [InlineData("ServiceRequest/sr-chimerism-0611", false)] // CPT 81268: another service
    [InlineData("ServiceRequest/sr-dli-not-now-0611", false)] // CPT 38242 with doNotPerform = true
    [InlineData("MedicationRequest/mr-rux-0611", false)]
    public void GivenADraftOrder_WhenCheckedForThePolicy_ThenOnlyAPerformableCpt38242RequestIsAPolicyOrder(string reference, bool expected)
    {
        // Arrange
        Assert.True(DraftOrder.TryParseBundle(FhirFixtures.File("DraftOrders", MixedBundle), out var orders, out var error), error);
        var order = Assert.Single(orders, o => o.Reference == reference);

        // Act
        var isPolicyOrder = Dli.Extractor.IsPolicyOrder(order);

        // Assert
        Assert.Equal(expected, isPolicyOrder);
    }

    [Theory]
    [InlineData("http://www.ama-assn.org/go/cpt", "38242", "draft", true)]
    [InlineData("urn:oid:2.16.840.1.113883.6.12", "38242", "active", true)]
    [InlineData("http://www.ama-assn.org/go/cpt", "38241", "draft", false)]
    [InlineData("http://www.ama-assn.org/go/cpt", "38240", "draft", false)]
    [InlineData("http://snomed.info/sct", "38242", "draft", false)]
    [InlineData("http://www.ama-assn.org/go/cpt", "38242", "revoked", false)]
    [InlineData("http://www.ama-assn.org/go/cpt", "38242", "entered-in-error", false)]
    [InlineData("http://www.ama-assn.org/go/cpt", "38242", "completed", false)]
    public void GivenAServiceRequestCodeAndStatus_WhenCheckedForThePolicy_ThenOnlyAnOpenCpt38242RequestIsAPolicyOrder(string system, string code, string status, bool expected)
    {
        // Arrange
        var request = FhirFixtures.Resource("ServiceRequest/sr-dli-38242");
        request["status"] = status;
        request["code"] = new JsonObject
        {
            ["coding"] = new JsonArray { new JsonObject { ["system"] = system, ["code"] = code } },
        };
        var order = Dli.SingleOrder(FhirFixtures.DraftOrders([request]));

        // Act
        var isPolicyOrder = Dli.Extractor.IsPolicyOrder(order);

        // Assert
        Assert.Equal(expected, isPolicyOrder);
    }
}
