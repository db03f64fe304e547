using System.Net;
using System.Text.Json.Nodes;
using Cds.Service.Policy;

namespace Cds.Service.Tests.Policy;

/// <summary>
/// Several policies in one deployment (Cds:PolicyFolder): each draft order is decided by the policy that governs its
/// code, with that policy's wording; two policies claiming one code stop the service naming both files; an order no
/// policy governs goes the ungoverned way.
/// </summary>
public sealed class PolicyRoutingTests
{
    [Fact]
    public async Task GivenADliOrderAndAVariantOrder_WhenSigned_ThenEachIsDecidedByItsOwnPolicyInItsOwnWords()
    {
        // Arrange: the variant policy is the 45.03 file with its own code and a full-donor threshold of 70 %, so the
        // same chart (T cells 72 % donor) is mixed chimerism under 45.03 and full donor under the variant.
        using var folder = new PolicyFolder();
        using var factory = new CdsServiceFactory().With("Cds:PolicyFolder", folder.Path);
        using var client = factory.CreateSignedClient();

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, PolicyFolder.TwoPolicyRequest());

        // Assert: a decision per order, each from its own policy.
        Assert.Equal(HttpStatusCode.OK, status);
        var actions = body!["systemActions"]!.AsArray();
        Assert.Equal(2, actions.Count);
        var covered = actions.ToDictionary(a => a!["resource"]!["id"]!.GetValue<string>(), a => Hooks.Code(Hooks.Extension(a!), "covered"));
        Assert.Equal("covered", covered["sr-dli-001"]);
        Assert.Equal("not-covered", covered["sr-var-001"]);
        Assert.Contains(actions, a => a!["description"]!.GetValue<string>() == "Coverage information for ServiceRequest/sr-dli-001 under Medical Policy 45.03 version 2024.1");
        Assert.Contains(actions, a => a!["description"]!.GetValue<string>() == "Coverage information for ServiceRequest/sr-var-001 under Medical Policy V-01 version 1");

        // Each card speaks of its own policy and service.
        var summaries = body["cards"]!.AsArray().Select(c => c!["summary"]!.GetValue<string>()).ToList();
        Assert.Contains("DLI meets policy 45.03 criteria; prior authorization required", summaries);
        Assert.Contains("Variant not covered: not medically necessary under policy V-01 (criterion II)", summaries);
        Assert.DoesNotContain(summaries, s => s.Contains("DLI", StringComparison.Ordinal) && s.Contains("V-01", StringComparison.Ordinal));
        var links = body["cards"]!.AsArray().Where(c => c!["links"] is JsonArray).SelectMany(c => c!["links"]!.AsArray()).Select(l => l!["url"]!.GetValue<string>()).ToList();
        Assert.Contains("http://localhost/policies/dli-45.03?version=2024.1", links);
        Assert.Contains("http://localhost/policies/variant-v01?version=1", links);

        // The decision's log line names each policy revision, and no line says "DLI" for the variant's order.
        var answered = Assert.Single(factory.Logs.Lines, l => l.Contains("policy order(s), decisions", StringComparison.Ordinal));
        Assert.Contains("2 policy order(s)", answered, StringComparison.Ordinal);
        Assert.Contains($"ServiceRequest/sr-dli-001:MeetsCriteria@dli-45.03 2024.1 (2024-12-01, sha256 {PolicyFolder.Sha256(folder.Read(PolicyFolder.DliFile))[..12]})", answered, StringComparison.Ordinal);
        Assert.Contains($"ServiceRequest/sr-var-001:NotMedicallyNecessary@variant-v01 1 (2024-12-01, sha256 {PolicyFolder.Sha256(folder.Read(PolicyFolder.VariantFile))[..12]})", answered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenTwoPolicies_WhenOnlyTheVariantOrderIsSigned_ThenTheDliPolicyIsNotAsked()
    {
        // Arrange
        using var folder = new PolicyFolder();
        using var factory = new CdsServiceFactory().With("Cds:PolicyFolder", folder.Path);
        using var client = factory.CreateSignedClient();
        var request = PolicyFolder.TwoPolicyRequest();
        request["context"]!["draftOrders"]!["entry"]!.AsArray().RemoveAt(0);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        var action = Assert.Single(body!["systemActions"]!.AsArray());
        Assert.Equal("not-covered", Hooks.Code(Hooks.Extension(action!), "covered"));
        Assert.All(body["cards"]!.AsArray(), c => Assert.DoesNotContain("DLI", c!["summary"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Contains(body["cards"]!.AsArray(), c => c!["summary"]!.GetValue<string>() == "Regence Medical Policy V-01: Variant criteria");
    }

    [Fact]
    public async Task GivenTwoPolicies_WhenAnOrderNeitherGovernsIsSigned_ThenItIsUngoverned()
    {
        // Arrange
        using var folder = new PolicyFolder();
        using var factory = new CdsServiceFactory().With("Cds:PolicyFolder", folder.Path);
        using var client = factory.CreateSignedClient();
        var request = PolicyFolder.TwoPolicyRequest();
        var entries = request["context"]!["draftOrders"]!["entry"]!.AsArray();
        entries.RemoveAt(0);
        entries[0]!["resource"]!["code"]!["coding"]![0]!["code"] = "85025";

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert: the coverage-information action of an order no policy governs, and no policy card.
        Assert.Equal(HttpStatusCode.OK, status);
        var action = Assert.Single(body!["systemActions"]!.AsArray());
        Assert.Equal("Coverage information for ServiceRequest/sr-var-001: no policy of this service governs it", action!["description"]!.GetValue<string>());
        Assert.Equal("conditional", Hooks.Code(Hooks.Extension(action), "covered"));
        Assert.Empty(body["cards"]!.AsArray());
    }

    [Fact]
    public void GivenTwoPolicyFilesClaimingOneCode_WhenTheServiceStarts_ThenItFailsNamingBothFiles()
    {
        // Arrange: a second file claiming CPT 38242 (the variant with the DLI code).
        using var folder = new PolicyFolder();
        var variant = JsonNode.Parse(folder.Read(PolicyFolder.VariantFile))!.AsObject();
        variant["service"]!["codes"]![0]!["codes"] = new JsonArray("0999V", "38242");
        folder.Write(PolicyFolder.VariantFile, variant);

        // Act
        var error = CdsServiceFactory.StartupFailure(() => new CdsServiceFactory().With("Cds:PolicyFolder", folder.Path));

        // Assert
        var problem = Innermost<PolicySetException>(error);
        Assert.Equal("policy files dli-45.03.json and variant-v01.json both claim the service code http://www.ama-assn.org/go/cpt|38242", problem.Message);
    }

    [Fact]
    public void GivenTwoPolicyFilesWithOneId_WhenTheServiceStarts_ThenItFailsNamingBothFiles()
    {
        // Arrange
        using var folder = new PolicyFolder();
        var variant = JsonNode.Parse(folder.Read(PolicyFolder.VariantFile))!.AsObject();
        variant["id"] = "dli-45.03";
        folder.Write(PolicyFolder.VariantFile, variant);

        // Act
        var error = CdsServiceFactory.StartupFailure(() => new CdsServiceFactory().With("Cds:PolicyFolder", folder.Path));

        // Assert
        Assert.Equal("policy files dli-45.03.json and variant-v01.json both have the id 'dli-45.03'", Innermost<PolicySetException>(error).Message);
    }

    [Fact]
    public void GivenABrokenFileInTheFolder_WhenTheServiceStarts_ThenItFailsNamingTheFileAndTheKey()
    {
        // Arrange
        using var folder = new PolicyFolder();
        var variant = JsonNode.Parse(folder.Read(PolicyFolder.VariantFile))!.AsObject();
        variant["thresholds"]!.AsObject().Remove("fullDonorChimerismPercent");
        folder.Write(PolicyFolder.VariantFile, variant);

        // Act
        var error = CdsServiceFactory.StartupFailure(() => new CdsServiceFactory().With("Cds:PolicyFolder", folder.Path));

        // Assert
        var problem = Innermost<PolicySetException>(error);
        Assert.StartsWith("policy file variant-v01.json: ", problem.Message, StringComparison.Ordinal);
        Assert.Contains("thresholds.fullDonorChimerismPercent is required", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAnEmptyPolicyFolder_WhenTheServiceStarts_ThenItFailsSayingSo()
    {
        // Arrange
        using var folder = new PolicyFolder(withVariant: false);
        folder.Remove(PolicyFolder.DliFile);

        // Act
        var error = CdsServiceFactory.StartupFailure(() => new CdsServiceFactory().With("Cds:PolicyFolder", folder.Path));

        // Assert
        Assert.Equal("the policy folder holds no policy file (*.json)", Innermost<PolicySetException>(error).Message);
    }

    internal static T Innermost<T>(Exception? error)
        where T : Exception
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} in {error}");
    }
}
