using System.Net;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Policy;

namespace Cds.Service.Tests;

/// <summary>A bad policy file (Cds:PolicyFile) stops the service at start-up, naming the key.</summary>
public sealed class PolicyStartupTests
{
    [Fact]
    public void GivenAPolicyFileWithADeletedThreshold_WhenTheServiceStarts_ThenItFailsNamingTheKey()
    {
        // Arrange
        var policy = ShippedPolicy();
        policy["thresholds"]!.AsObject().Remove("fullDonorChimerismPercent");
        var path = Write(policy);

        try
        {
            // Act
            var error = CdsServiceFactory.StartupFailure(() => new CdsServiceFactory().With("Cds:PolicyFile", path));

            // Assert
            var problem = Assert.IsType<PolicyFileException>(Innermost<PolicyFileException>(error));
            Assert.Contains("thresholds.fullDonorChimerismPercent is required", problem.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task GivenAValidRevisedPolicyFile_WhenTheServiceStarts_ThenItServesTheRevision()
    {
        // Arrange
        var policy = ShippedPolicy();
        policy["title"] = "Donor Lymphocyte Infusion (revised for review)";
        var path = Write(policy);
        using var factory = new CdsServiceFactory().With("Cds:PolicyFile", path);

        try
        {
            // Act
            using var response = await factory.CreateClient().GetAsync(new Uri("/policies/dli-45.03", UriKind.Relative), TestContext.Current.CancellationToken);

            // Assert
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("revised for review", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            Assert.Contains(factory.Logs.Lines, m => m.Contains("Policy dli-45.03 (effective 2024-12-01) loaded and checked", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static JsonObject ShippedPolicy()
    {
        using var stream = typeof(PolicyDefinition).Assembly.GetManifestResourceStream(PolicyDefinition.DefaultPolicyResource)!;
        return JsonNode.Parse(stream)!.AsObject();
    }

    private static string Write(JsonObject policy)
    {
        var path = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, policy.ToJsonString());
        return path;
    }

    private static Exception? Innermost<T>(Exception? error)
        where T : Exception
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is T)
            {
                return e;
            }
        }

        return error;
    }
}
