using System.Net;
using System.Text.Json.Nodes;
using Cds.Service.Tests.Ledger;

namespace Cds.Service.Tests.Policy;

/// <summary>
/// Every decision names its policy revision (id, version, effective date, SHA-256 of the file): on the ledger (SQLite and
/// PostgreSQL), on GET /policies and on the card's policy link; a policy past its review date loads with a warning;
/// an order dated before the revision took effect is never paid or denied on it.
/// </summary>
public sealed class PolicyRevisionTests
{
    private const string SignUrl = "http://localhost/cds-services/" + Hooks.SignService;

    [Theory]
    [InlineData(LedgerBackend.Sqlite)]
    [InlineData(LedgerBackend.Postgres)]
    public async Task GivenTwoPolicies_WhenBothDecide_ThenEachLedgerAssertionNamesItsRevision(string kind)
    {
        // Arrange
        await using var backend = await LedgerBackend.CreateAsync(kind);
        using var folder = new PolicyFolder();
        using var factory = PayerIdentityProvider.Trust(backend.Configure(new CdsServiceFactory().With("Cds:PolicyFolder", folder.Path)));
        using var client = factory.CreateClient();
        var jwt = TestTokens.Create(new TestTokens.Spec { Audience = SignUrl, Now = factory.Clock.GetUtcNow() });

        // Act
        var (status, answer) = await LedgerCalls.PostHookAsync(client, Hooks.SignService, PolicyFolder.TwoPolicyRequest(), jwt);
        var policies = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var id in LedgerCalls.AssertionIds(answer))
        {
            var (lookup, body, _) = await LedgerCalls.GetAsync(client, $"/coverage-assertions/{id}", PayerIdentityProvider.Token(factory));
            Assert.Equal(HttpStatusCode.OK, lookup);
            var record = JsonNode.Parse(body)!;
            policies[record["orderReference"]!.GetValue<string>()] = record["decision"]!["policy"]!;
        }

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, policies.Count);
        AssertRevision(policies["ServiceRequest/sr-dli-001"], "dli-45.03", "2024.1", PolicyFolder.Sha256(folder.Read(PolicyFolder.DliFile)));
        AssertRevision(policies["ServiceRequest/sr-var-001"], "variant-v01", "1", PolicyFolder.Sha256(folder.Read(PolicyFolder.VariantFile)));
    }

    [Fact]
    public async Task GivenTheEmbeddedPolicy_WhenPoliciesAreListed_ThenItsRevisionAndHashAreShown()
    {
        // Arrange
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        // Act
        var list = await PolicyFolder.ListAsync(client);

        // Assert
        var policy = Assert.Single(list["policies"]!.AsArray())!;
        Assert.Equal("dli-45.03", policy["id"]!.GetValue<string>());
        Assert.Equal("2024.1", policy["version"]!.GetValue<string>());
        Assert.Equal("2024-12-01", policy["effective"]!.GetValue<string>());
        Assert.Equal("2025-08", policy["nextReview"]!.GetValue<string>());
        Assert.True(policy["reviewOverdue"]!.GetValue<bool>());
        Assert.Equal(PolicyFolder.Sha256(PolicyFolder.ShippedBytes()), policy["sha256"]!.GetValue<string>());
        Assert.Equal("embedded:dli-45.03.json", policy["source"]!.GetValue<string>());
        Assert.Equal(["http://www.ama-assn.org/go/cpt|38242"], policy["serviceCodes"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public void GivenAPolicyPastItsReviewDate_WhenTheServiceStarts_ThenItServesWithAWarning()
    {
        // Arrange: 45.03's next review is August 2025; the test clock says 2026-11-24. The variant's is 2030-01.
        using var folder = new PolicyFolder();
        using var factory = new CdsServiceFactory().With("Cds:PolicyFolder", folder.Path);

        // Act
        using var client = factory.CreateClient();

        // Assert: one warning, for 45.03 only (2025-08-31 to 2026-11-24 is 450 days).
        var warning = Assert.Single(factory.Logs.Lines, l => l.Contains("past its review date", StringComparison.Ordinal));
        Assert.StartsWith("Warning ", warning, StringComparison.Ordinal);
        Assert.Contains("Policy dli-45.03 version 2024.1 is past its review date (2025-08, 450 day(s) ago)", warning, StringComparison.Ordinal);
        Assert.Contains(factory.Logs.Lines, l => l.Contains("Policy variant-v01 (effective 2024-12-01) loaded and checked: version 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenAPolicyBeforeItsReviewDate_WhenTheServiceStarts_ThenThereIsNoWarning()
    {
        // Arrange
        using var folder = new PolicyFolder(withVariant: false);
        var policy = PolicyFolder.Shipped();
        policy["nextReview"] = "2026-11-24";
        folder.Write(PolicyFolder.DliFile, policy);
        using var factory = new CdsServiceFactory().With("Cds:PolicyFolder", folder.Path);

        // Act
        using var client = factory.CreateClient();
        var list = await PolicyFolder.ListAsync(client);

        // Assert: due today is not yet overdue.
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("past its review date", StringComparison.Ordinal));
        Assert.False(list["policies"]![0]!["reviewOverdue"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("authoredOn", "2024-11-30T09:00:00-08:00", "2024-11-30")]
    [InlineData("occurrenceDateTime", "2024-11", "2024-11-01..2024-11-30")]
    [InlineData("authoredOn", "2024", "2024-01-01..2024-12-31")]
    public async Task GivenAnOrderDatedBeforeTheRevisionTookEffect_WhenSigned_ThenItIsConditionalForReview(string field, string value, string shown)
    {
        // Arrange: the chart meets every criterion; only the order's date is before 2024-12-01.
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var order = request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!.AsObject();
        order.Remove("authoredOn");
        order[field] = value;

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert: conditional, never covered on a revision that may not apply, and the card says why.
        Assert.Equal(HttpStatusCode.OK, status);
        var extension = Hooks.Extension(Assert.Single(body!["systemActions"]!.AsArray())!);
        Assert.Equal("conditional", Hooks.Code(extension, "covered"));
        var details = Hooks.CardDetails(body);
        Assert.Contains($"**Policy revision** the order is dated {shown}, before revision 2024.1 of policy 45.03 took effect (2024-12-01); check which revision applies", details, StringComparison.Ordinal);
        Assert.Contains(body["cards"]!.AsArray(), c => c!["summary"]!.GetValue<string>() == "DLI coverage cannot be determined: 1 record to review (policy 45.03)");
    }

    [Fact]
    public async Task GivenAnOrderDatedOnTheEffectiveDay_WhenSigned_ThenTheRevisionDecides()
    {
        // Arrange
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateSignedClient();
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var order = request["context"]!["draftOrders"]!["entry"]![0]!["resource"]!.AsObject();
        order["authoredOn"] = "2024-12-01T08:00:00-08:00";

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(Assert.Single(body!["systemActions"]!.AsArray())!), "covered"));
        Assert.DoesNotContain("Policy revision", Hooks.CardDetails(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenACardLinkOfAnEarlierVersion_WhenThePageIsOpened_ThenItSaysWhichVersionServes()
    {
        // Arrange
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        // Act
        var current = await client.GetStringAsync(new Uri("/policies/dli-45.03?version=2024.1", UriKind.Relative), TestContext.Current.CancellationToken);
        var earlier = await client.GetStringAsync(new Uri("/policies/dli-45.03?version=2023.2", UriKind.Relative), TestContext.Current.CancellationToken);

        // Assert
        Assert.Contains("version 2024.1, sha256 ", current, StringComparison.Ordinal);
        Assert.DoesNotContain("This link was issued for version", current, StringComparison.Ordinal);
        Assert.Contains("This link was issued for version 2023.2; version 2024.1 serves now.", earlier, StringComparison.Ordinal);
    }

    private static void AssertRevision(JsonNode policy, string id, string version, string sha256)
    {
        Assert.Equal(id, policy["id"]!.GetValue<string>());
        Assert.Equal(version, policy["version"]!.GetValue<string>());
        Assert.Equal("2024-12-01", policy["effective"]!.GetValue<string>());
        Assert.Equal(sha256, policy["sha256"]!.GetValue<string>());
    }
}
