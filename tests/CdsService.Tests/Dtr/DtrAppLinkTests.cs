using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Cds.Service.Tests.Dtr;

/// <summary>With a DTR app configured (<c>Cds:Dtr:AppUrl</c>), the missing-data card offers a SMART launch of it with the questionnaire, order and coverage.</summary>
public sealed class DtrAppLinkTests : IDisposable
{
    private readonly CdsServiceFactory _factory = new CdsServiceFactory()
        .With("Cds:Sandbox:Enabled", "true")
        .With("Cds:Dtr:AppUrl", "https://dtr.example.org/launch");

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task The_missing_data_card_launches_the_DTR_app_with_the_questionnaire_in_its_app_context()
    {
        using var sandbox = _factory.CreateClient();
        var request = (await sandbox.GetFromJsonAsync<JsonObject>("/sandbox/api/requests?patient=dli4503-missing-data&order=dli", TestContext.Current.CancellationToken))!;
        using var client = _factory.CreateSignedClient();
        var (status, answer) = await Hooks.PostAsync(client, Hooks.SignService, request);

        Assert.Equal(HttpStatusCode.OK, status);
        var links = answer!["cards"]!.AsArray().SelectMany(c => c!["links"]?.AsArray() ?? []).ToList();
        var smart = Assert.Single(links, l => l!["type"]!.GetValue<string>() == "smart" && l["url"]!.GetValue<string>() == "https://dtr.example.org/launch");
        var context = JsonNode.Parse(smart!["appContext"]!.GetValue<string>())!;
        Assert.Equal("http://localhost/fhir/Questionnaire/dli-45.03", context["questionnaire"]![0]!.GetValue<string>());
        Assert.Equal("ServiceRequest/sr-dli", context["order"]![0]!.GetValue<string>());
        Assert.StartsWith("Coverage/", context["coverage"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
