using System.Net;
using Cds.Service.Tests.Ledger;

namespace Cds.Service.Tests.Security;

/// <summary>A fhirServer URL carrying a credential is refused with 400, the secret never echoed, logged or kept.</summary>
public sealed class FhirServerCredentialTests
{
    public static TheoryData<string, string> Urls() => new()
    {
        { "https://ehr-user:{secret}@ehr.example.org/fhir", "user information" },
        { "https://{secret}@ehr.example.org/fhir", "user information" },
        { "https://ehr.example.org/fhir?api_key={secret}", "a query string" },
        { "https://ehr.example.org/fhir?password={secret}&x=1", "a query string" },
        { "https://ehr.example.org/fhir/?access_token={secret}", "a query string" },
        { "https://ehr.example.org/fhir#{secret}", "a fragment" },
    };

    [Theory]
    [MemberData(nameof(Urls))]
    public async Task GivenAFhirServerWithACredential_WhenAHookIsCalled_Then400WithoutTheSecretAndNothingKeepsIt(string template, string part)
    {
        // Arrange
        await using var ledger = await LedgerBackend.CreateAsync(LedgerBackend.Sqlite);
        using var factory = ledger.Configure(new CdsServiceFactory());
        using var client = factory.CreateSignedClient();
        var secret = "s3cr3t-" + Guid.NewGuid().ToString("N");
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request["fhirServer"] = template.Replace("{secret}", secret, StringComparison.Ordinal);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);
        var (after, _) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("OperationOutcome", body!["resourceType"]!.GetValue<string>());
        var diagnostics = body["issue"]![0]!["diagnostics"]!.GetValue<string>();
        Assert.Contains(part, diagnostics, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, after);
        Assert.True(await LedgerCalls.EventuallyAsync(async () => await ledger.ScalarAsync("SELECT COUNT(*) FROM hook_call") == 2, factory));
        Assert.DoesNotContain(secret, await ledger.DumpAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public void GivenAFhirServerUrl_WhenRedactedForTheLedger_ThenOnlySchemeHostPortAndPathRemain()
    {
        // Arrange
        var url = new Uri("https://user:pw@ehr.example.org:8443/fhir/r4?key=abc#frag");

        // Act
        var kept = Cds.Service.Contract.FhirServerCredentials.Redacted(url);

        // Assert
        Assert.Equal("https://ehr.example.org:8443/fhir/r4", kept);
    }
}
