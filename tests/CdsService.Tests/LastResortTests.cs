using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Cds.Service.Tests;

/// <summary>The exception handler is the last resort: a bug is a 500 OperationOutcome <c>exception</c>, with no stack and no message.</summary>
public sealed class LastResortTests
{
    [Fact]
    public async Task GivenABugInsideTheHookFlow_WhenCalled_ThenThe500SaysNothingAndTheLogHasOneLineWithoutAStack()
    {
        // Arrange: the EHR's FHIR client breaks in a way the service does not expect.
        using var factory = new CdsServiceFactory().WithServices(services =>
            services.AddHttpClient("fhir").ConfigurePrimaryHttpMessageHandler(() => new BrokenHandler()));
        using var client = factory.CreateSignedClient();
        var request = Hooks.MoveToEhr(Repository.Sample("order-sign-meets-criteria.json"), factory.Ehr, factory.FhirBase, "procedures");

        // Act
        var (status, outcome) = await Hooks.PostAsync(client, Hooks.SignService, request);
        var (after, _) = await Hooks.PostAsync(client, Hooks.SignService, Repository.Sample("order-sign-meets-criteria.json"));

        // Assert
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        InputCheckTests.AssertIssue(outcome, "exception", "An unexpected error occurred");
        Assert.DoesNotContain("secret-in-message", outcome!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.ToJsonString(), StringComparison.Ordinal);
        var logged = Assert.Single(factory.Logs.Lines, l => l.Contains("answered 500", StringComparison.Ordinal));
        Assert.Contains("System.InvalidOperationException", logged, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("secret-in-message", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, after);
    }

    private sealed class BrokenHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("secret-in-message");
    }
}
