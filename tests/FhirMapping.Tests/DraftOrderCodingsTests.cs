using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Fhir.Readers;
using Cds.FhirMapping.Tests.Fixtures;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Tests;

/// <summary>
/// The differential test of the order's code read from its JSON (<see cref="DraftOrder.Codings"/>, used to skip the
/// Firely parse of orders no policy governs) against the Firely reading, the reference: on every fixture and sample
/// order and on odd shapes, the JSON read is either the Firely read exactly or gives up; and an order Firely finds to
/// be a policy order is never ruled out from its JSON.
/// </summary>
public sealed class DraftOrderCodingsTests
{
    public static TheoryData<string, string> FixtureOrders()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.EnumerateFiles(FhirFixtures.PathOf("Resources", "ServiceRequest"), "*.json"))
        {
            data.Add(Path.GetFileName(file), File.ReadAllText(file));
        }

        foreach (var file in Directory.EnumerateFiles(FhirFixtures.PathOf("DraftOrders"), "*.json")
            .Concat(Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Samples"), "*.json")))
        {
            var bundle = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var (entry, i) in bundle["entry"]!.AsArray().Select((e, i) => (e, i)))
            {
                if (entry!["resource"] is JsonObject resource && resource["resourceType"]?.GetValue<string>() is "ServiceRequest" or "MedicationRequest" or "DeviceRequest" or "NutritionOrder")
                {
                    data.Add($"{Path.GetFileName(file)}#{i}", resource.ToJsonString());
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureOrders))]
    public void GivenAFixtureOrSampleOrder_WhenItsCodeIsReadFromJson_ThenItIsTheFirelyReading(string name, string json)
    {
        // Arrange
        var order = Parse(json);

        // Act
        var codings = order.Codings;

        // Assert
        Assert.NotNull(codings); // every real order has the plain shape: none needs Firely just to be screened
        if (order.Resource is ServiceRequest)
        {
            Assert.Equal(FirelyCodings(order), codings);
            Assert.True(Dli.Extractor.MayBePolicyOrder(order) || !Dli.Extractor.IsPolicyOrder(Parse(json)), name);
        }
        else
        {
            Assert.False(Dli.Extractor.MayBePolicyOrder(order), name);
        }
    }

    [Theory]
    [InlineData("several codings, the policy's second", """{"coding":[{"system":"http://loinc.org","code":"58410-2"},{"system":"http://www.ama-assn.org/go/cpt","code":"38242"}]}""", true, true)]
    [InlineData("several codings, none the policy's", """{"coding":[{"system":"http://loinc.org","code":"58410-2"},{"system":"http://www.ama-assn.org/go/cpt","code":"85025"}]}""", true, false)]
    [InlineData("no system", """{"coding":[{"code":"38242"}]}""", true, false)]
    [InlineData("no code", """{"coding":[{"system":"http://www.ama-assn.org/go/cpt","display":"Donor lymphocyte infusion"}]}""", true, false)]
    [InlineData("text only", """{"text":"Donor lymphocyte infusion (CPT 38242)"}""", true, false)]
    [InlineData("empty coding array", """{"coding":[],"text":"DLI"}""", true, false)]
    [InlineData("a primitive extension instead of the code", """{"coding":[{"system":"http://www.ama-assn.org/go/cpt","_code":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]}}]}""", true, false)]
    [InlineData("an extension and version on the coding", """{"coding":[{"extension":[{"url":"http://example.org/x","valueString":"y"}],"system":"http://www.ama-assn.org/go/cpt","version":"2024","code":"38242","userSelected":true}]}""", true, true)]
    [InlineData("the code as a string", "\"38242\"", false, false)]
    [InlineData("coding as an object", """{"coding":{"system":"http://www.ama-assn.org/go/cpt","code":"38242"}}""", false, false)]
    [InlineData("a numeric code", """{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":38242}]}""", false, false)]
    [InlineData("an empty code", """{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":""}]}""", false, false)]
    [InlineData("a null coding", """{"coding":[null,{"system":"http://www.ama-assn.org/go/cpt","code":"38242"}]}""", false, true)]
    public void GivenAnOddlyShapedCode_WhenReadFromJson_ThenItIsTheFirelyReadingOrGivesUp(string shape, string code, bool plain, bool policyOrder)
    {
        // Arrange
        var request = FhirFixtures.Resource("ServiceRequest/sr-dli-38242");
        request["code"] = JsonNode.Parse(code);
        var json = request.ToJsonString();

        // Act
        var codings = OrderCodings.Read(JsonDocument.Parse(json).RootElement);

        // Assert
        Assert.Equal(plain, codings is not null);
        var firely = FhirJson.TryRead(JsonDocument.Parse(json).RootElement);
        if (firely is null)
        {
            // Unreadable for Firely: the JSON reader must have given up, so the order is read (and refused) as before.
            Assert.Null(codings);
            Assert.False(DraftOrder.TryParseBundle(Bundle(json), Dli.Extractor.MayBePolicyOrder, out _, out var error), shape);
            Assert.Equal("context.draftOrders.entry[0].resource is not a FHIR R4 resource.", error);
            return;
        }

        var order = Parse(json);
        if (codings is not null)
        {
            Assert.Equal(FirelyCodings(order), codings);
        }

        Assert.Equal(policyOrder, Dli.Extractor.IsPolicyOrder(order));
        Assert.True(Dli.Extractor.MayBePolicyOrder(order) || !policyOrder, shape);
    }

    [Fact]
    public void GivenAnOrderWithAContainedDliRequest_WhenScreened_ThenOnlyItsOwnCodeCounts()
    {
        // Arrange: a CBC that contains (as a resource of its own) a DLI request; Firely reads only the order's code too.
        var request = FhirFixtures.Resource("ServiceRequest/sr-dli-38242");
        request["code"] = JsonNode.Parse("""{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"85025"}]}""");
        request["contained"] = new JsonArray { FhirFixtures.Resource("ServiceRequest/sr-dli-38242") };
        request["contained"]![0]!["id"] = "inner";
        var json = request.ToJsonString();

        // Act
        var order = Parse(json);

        // Assert
        Assert.Equal(FirelyCodings(order), order.Codings);
        Assert.False(Dli.Extractor.MayBePolicyOrder(order));
        Assert.False(Dli.Extractor.IsPolicyOrder(order));
    }

    [Fact]
    public void GivenANonDliOrderWithAWronglyTypedValue_WhenParsedForTheHook_ThenItIsNotDeserializedAndNotRefused()
    {
        // Arrange: a CBC with a wrongly typed priority (Firely cannot read it); the policy screens it on its code.
        var request = FhirFixtures.Resource("ServiceRequest/sr-dli-38242");
        request["id"] = "sr-cbc";
        request["code"] = JsonNode.Parse("""{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"85025"}]}""");
        request["priority"] = new JsonObject { ["code"] = "routine" };
        var json = request.ToJsonString();
        Assert.Null(FhirJson.TryRead(JsonDocument.Parse(json).RootElement));

        // Act
        var screened = DraftOrder.TryParseBundle(Bundle(json), Dli.Extractor.MayBePolicyOrder, out var orders, out var error);
        var full = DraftOrder.TryParseBundle(Bundle(json), out _, out var fullError);

        // Assert
        Assert.True(screened, error);
        Assert.Equal("ServiceRequest/sr-cbc", Assert.Single(orders).Reference);
        Assert.False(Dli.Extractor.IsPolicyOrder(orders[0]));
        Assert.False(full);
        Assert.Equal("context.draftOrders.entry[0].resource is not a FHIR R4 resource.", fullError);
    }

    private static JsonElement Bundle(string resource) =>
        JsonDocument.Parse($$"""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{{resource}}}]}""").RootElement;

    private static DraftOrder Parse(string json)
    {
        Assert.True(DraftOrder.TryParseBundle(Bundle(json), out var orders, out var error), error);
        return Assert.Single(orders);
    }

    // The reference: what the Firely resource holds (only a ServiceRequest can be a policy order).
    private static List<(string? System, string? Code)> FirelyCodings(DraftOrder order) =>
        [.. RecordText.Codings(Assert.IsType<ServiceRequest>(order.Resource).Code).Select(c => (c.System, c.Code))];
}
