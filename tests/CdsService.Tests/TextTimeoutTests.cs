using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cds.Service.Tests.Policy;

namespace Cds.Service.Tests;

/// <summary>
/// A policy text pattern that runs past its match timeout (a starved CPU, or a pattern that backtracks badly on one
/// text) leaves the record read in part: the hook is answered a fast 503 with Retry-After and an OperationOutcome,
/// never a 500 and never a decision.
/// </summary>
public sealed class TextTimeoutTests
{
    [Fact]
    public async Task GivenAPatternThatBacktracksPastItsTimeout_WhenTheRecordIsRead_ThenTheHookIs503WithRetryAfter()
    {
        // Arrange: the T-cell lineage pattern backtracks exponentially on a run of "a" that does not end the text, and
        // one chimerism result's code text is such a run (the pattern's 2 s match timeout runs out).
        using var folder = new PolicyFolder(withVariant: false);
        var policy = PolicyFolder.Shipped();
        policy["lineages"]![0]!["pattern"] = "^(a+)+$";
        folder.Write(PolicyFolder.DliFile, policy);
        using var factory = new CdsServiceFactory().With("Cds:PolicyFolder", folder.Path);
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var observation = request["prefetch"]!.AsObject()
            .Select(p => p.Value).OfType<JsonObject>()
            .SelectMany(b => b["entry"] is JsonArray entries ? entries : [])
            .Select(e => e!["resource"]!.AsObject())
            .Single(r => r["id"]!.GetValue<string>() == "obs-chim-cd3-2026-10");
        var text = new string('a', 40) + "!";
        observation["code"]!["text"] = text;
        foreach (var coding in observation["code"]!["coding"]!.AsArray())
        {
            coding!["display"] = text;
        }

        // Act
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri($"/cds-services/{Hooks.SignService}", UriKind.Relative), content, TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("1", response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        InputCheckTests.AssertIssue(body, "throttled", "could not be read in time");
        Assert.Contains(factory.Logs.Lines, l => l.Contains("ran past its match timeout; answered 503", StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("answered 500", StringComparison.Ordinal));
    }
}
