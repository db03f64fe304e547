using System.Net;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests;

/// <summary>Bad input gets a 4xx with an OperationOutcome that says what is wrong; never a 500, never a stack trace.</summary>
public sealed class ErrorContractTests(CdsServiceFactory factory) : IClassFixture<CdsServiceFactory>
{
    public static TheoryData<string, string, HttpStatusCode, string, string> BadRequests()
    {
        var valid = Repository.Sample("order-sign-meets-criteria.json");
        JsonObject Without(string path)
        {
            var copy = valid.DeepClone().AsObject();
            var parts = path.Split('.');
            var parent = parts[..^1].Aggregate((JsonNode)copy, (node, part) => node[part]!).AsObject();
            parent.Remove(parts[^1]);
            return copy;
        }

        JsonObject With(string path, JsonNode? value)
        {
            var copy = valid.DeepClone().AsObject();
            var parts = path.Split('.');
            var parent = parts[..^1].Aggregate((JsonNode)copy, (node, part) => node[part]!).AsObject();
            parent[parts[^1]] = value;
            return copy;
        }

        return new()
        {
            { Hooks.SignService, "{\"hook\": \"order-sign\",", HttpStatusCode.BadRequest, "invalid", "not valid JSON" },
            { Hooks.SignService, "[1,2,3]", HttpStatusCode.BadRequest, "invalid", "must be a JSON object" },
            { Hooks.SignService, Without("hookInstance").ToJsonString(), HttpStatusCode.BadRequest, "invalid", "'hookInstance' is required" },
            { Hooks.SignService, Without("context.patientId").ToJsonString(), HttpStatusCode.BadRequest, "invalid", "'context.patientId' is required" },
            { Hooks.SignService, Without("context.draftOrders").ToJsonString(), HttpStatusCode.BadRequest, "invalid", "'context.draftOrders' is required" },
            { Hooks.SignService, With("context.draftOrders", JsonNode.Parse("""{"resourceType":"Patient","id":"x"}""")).ToJsonString(), HttpStatusCode.BadRequest, "invalid", "must be a FHIR Bundle" },
            { Hooks.SignService, With("context.draftOrders", JsonNode.Parse("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"ServiceRequest","status":"draft"}}]}""")).ToJsonString(), HttpStatusCode.BadRequest, "invalid", "has no id" },
            { Hooks.SignService, With("hook", "order-select").ToJsonString(), HttpStatusCode.BadRequest, "invalid", "answers the 'order-sign' hook" },
            { Hooks.SignService, With("fhirServer", "not a url").ToJsonString(), HttpStatusCode.BadRequest, "invalid", "'fhirServer' must be an absolute" },
            { Hooks.SignService, With("fhirAuthorization", JsonNode.Parse("""{"token_type":"Bearer"}""")).ToJsonString(), HttpStatusCode.BadRequest, "invalid", "access_token" },
            { Hooks.SignService, With("prefetch.conditions", "a string").ToJsonString(), HttpStatusCode.BadRequest, "invalid", "'prefetch.conditions'" },
            { Hooks.SignService, With("context", 42).ToJsonString(), HttpStatusCode.BadRequest, "invalid", "'context' is required" },
            { Hooks.SignService, With("extension", JsonNode.Parse("""{"davinci-crd.requestedVersion":"9.9"}""")).ToJsonString(), HttpStatusCode.UnprocessableEntity, "not-supported", "CRD version '9.9'" },
            { Hooks.SelectService, With("hook", "order-select").ToJsonString(), HttpStatusCode.BadRequest, "required", "'context.selections' is required" },
            { "no-such-service", valid.ToJsonString(), HttpStatusCode.NotFound, "not-found", "no CDS service 'no-such-service'" },
        };
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task GivenABadHookRequest_WhenPosted_ThenA4xxOperationOutcomeSaysWhatIsWrong(string service, string body, HttpStatusCode expected, string code, string diagnostics)
    {
        // Arrange
        using var client = factory.CreateSignedClient();

        // Act
        var (status, outcome) = await Hooks.PostRawAsync(client, $"/cds-services/{service}", body);

        // Assert
        Assert.Equal(expected, status);
        Assert.Equal("OperationOutcome", outcome!["resourceType"]!.GetValue<string>());
        var issue = outcome["issue"]![0]!;
        Assert.Equal("error", issue["severity"]!.GetValue<string>());
        Assert.Equal(code, issue["code"]!.GetValue<string>());
        Assert.Contains(diagnostics, issue["diagnostics"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", issue["diagnostics"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenDeeplyNestedJson_WhenPosted_ThenItIsRefusedWith400()
    {
        // Arrange
        using var client = factory.CreateSignedClient();
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200);

        // Act
        var (status, outcome) = await Hooks.PostRawAsync(client, $"/cds-services/{Hooks.SignService}", deep);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("OperationOutcome", outcome!["resourceType"]!.GetValue<string>());
    }
}
