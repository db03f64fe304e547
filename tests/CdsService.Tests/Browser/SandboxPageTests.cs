using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cds.Service.Tests.Browser;

/// <summary>
/// The sandbox page in a real browser (headless Debian Chromium): pick a sample patient and a DLI order, sign, and see
/// the cards as an EHR renders them, the coverage-information, and the raw exchange.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class SandboxPageTests(BrowserSandboxFixture fixture) : IClassFixture<BrowserSandboxFixture>
{
    public static TheoryData<string> Patients() => SamplePatients.Ids();

    [Theory]
    [MemberData(nameof(Patients))]
    public async Task GivenEachSamplePatient_WhenTheDliOrderIsSigned_ThenTheCardAndCoverageInformationShowTheDocumentedOutcome(string patientId)
    {
        // Arrange
        var expected = SamplePatients.Expected(patientId);
        var covered = expected["covered"]!.GetValue<string>();
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await OpenAsync(context);

        // Act
        await SignAsync(page, patientId);

        // Assert
        var card = page.Locator(".card").First;
        await Expect(card).ToHaveAttributeAsync("data-indicator", covered == "covered" ? "info" : "warning");
        await Expect(card.Locator(".card-summary")).ToContainTextAsync(expected["summary"]!.GetValue<string>());
        await Expect(card.Locator(".card-source")).ToContainTextAsync("Regence");
        await Expect(card.Locator(".card-detail table tbody tr")).Not.ToHaveCountAsync(0);
        await Expect(page.Locator(".coverage-info tr[data-field='covered'] td")).ToHaveTextAsync(covered);
        await Expect(page.Locator("#status")).ToContainTextAsync("HTTP 200");
        foreach (var criterion in expected["notMet"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [])
        {
            var row = card.Locator(".card-detail table tbody tr", new() { HasText = criterion + " " });
            await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("Not met");
        }
    }

    [Fact]
    public async Task GivenTheMetPatient_WhenSigned_ThenTheMarkdownTableLinksCoverageAndRawExchangeAreRenderedLikeAnEhr()
    {
        // Arrange
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await OpenAsync(context);

        // Act
        await SignAsync(page, "dli4503-met");

        // Assert: an info Instructions card (text only) whose detail is real HTML (bold, a table), not Markdown source,
        // then the External Reference card with the policy link.
        var cards = page.Locator(".card");
        await Expect(cards).ToHaveCountAsync(2);
        var card = cards.First;
        await Expect(card).ToHaveClassAsync(new Regex("card--info"));
        await Expect(card.Locator(".card-indicator")).ToHaveTextAsync("info");
        await Expect(card.Locator(".card-detail strong").First).ToHaveTextAsync("Meets the policy criteria: covered, prior authorization required.");
        await Expect(card.Locator(".card-links")).ToHaveCountAsync(0);
        await Expect(card.Locator(".card-detail table thead th")).ToHaveTextAsync(["Criterion", "Status", "Evidence"]);
        var chimerism = card.Locator(".card-detail tbody tr", new() { HasText = "I.C Mixed donor chimerism" });
        await Expect(chimerism.Locator("td").Nth(1)).ToHaveTextAsync("Met");
        await Expect(card.Locator(".card-detail")).Not.ToContainTextAsync("**");
        await Expect(card.Locator(".card-detail")).Not.ToContainTextAsync("|---");

        var link = cards.Nth(1).Locator(".card-links a");
        await Expect(link).ToHaveTextAsync("Regence Medical Policy 45.03, version 2024.1 (criteria)");
        await Expect(link).ToHaveAttributeAsync("href", new Uri(fixture.BaseAddress, "policies/dli-45.03?version=2024.1").AbsoluteUri);
        await Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");

        await Expect(page.Locator(".coverage-info h4")).ToHaveTextAsync("update ServiceRequest/sr-dli");
        await Expect(page.Locator(".coverage-info tr[data-field='pa-needed'] td")).ToHaveTextAsync("auth-needed");
        await Expect(page.Locator(".coverage-info tr[data-field='billingCode'] td")).ToContainTextAsync("38242");
        await Expect(page.Locator(".coverage-info tr[data-field='coverage'] td")).ToHaveTextAsync("Coverage/dli4503-met-cov-regence-001");
        await Expect(page.Locator("#status")).ToHaveTextAsync(new Regex("^HTTP 200 · 2 cards · \\d+ ms$"));

        var response = JsonNode.Parse(await page.Locator("#response").TextContentAsync() ?? "null")!;
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(response["systemActions"]![0]!), "covered"));
        var request = JsonNode.Parse(await page.Locator("#request").InputValueAsync())!;
        Assert.Equal("dli4503-met", request["context"]!["patientId"]!.GetValue<string>());
        Assert.NotNull(request["prefetch"]!["conditions"]);
    }

    [Fact]
    public async Task GivenThePatientWithMissingData_WhenSigned_ThenTheSecondCardListsWhatIsNeededAndTheDocumentation()
    {
        // Arrange
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await OpenAsync(context);

        // Act
        await SignAsync(page, "dli4503-missing-data");

        // Assert
        var cards = page.Locator(".card");
        await Expect(cards).ToHaveCountAsync(4);
        var needed = cards.Nth(1);
        await Expect(needed).ToHaveAttributeAsync("data-indicator", "warning");
        await Expect(needed.Locator(".card-summary")).ToContainTextAsync("send 2 missing items");
        await Expect(needed.Locator(".card-detail ul").First.Locator("li > strong")).ToHaveTextAsync(["I.B", "I.C"]);
        await Expect(needed.Locator(".card-detail")).ToContainTextAsync("Attach for review");
        await Expect(cards.Nth(2).Locator("button.suggestion")).ToHaveCountAsync(2);
        await Expect(cards.Nth(3).Locator(".card-links a")).ToHaveCountAsync(2);
        await Expect(page.Locator(".coverage-info tr[data-field='covered'] td")).ToHaveTextAsync("conditional");
        await Expect(page.Locator(".coverage-info tr[data-field='doc-needed'] td")).ToHaveTextAsync("clinical");
    }

    [Fact]
    public async Task GivenTheGeneticallyModifiedOrderOrTheShippedInvestigationalRequest_WhenSigned_ThenCriterionIVDecides()
    {
        // Arrange
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await OpenAsync(context);

        // Act: a sample patient who would otherwise meet the criteria, with genetically modified donor T cells.
        await SignAsync(page, "dli4503-met", order: "dli-genetically-modified");
        var fromPatient = await page.Locator(".card .card-summary").First.TextContentAsync();

        // ... and the shipped samples/order-sign-investigational.json, sent as it is.
        await page.Locator("details.more summary").ClickAsync();
        await page.SelectOptionAsync("#request-file", "order-sign-investigational.json");
        await Expect(page.Locator("#request")).ToHaveValueAsync(new Regex("\"hookInstance\": \"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\""));
        await Expect(page.Locator("#send")).ToBeEnabledAsync();
        await page.ClickAsync("#send");
        await Expect(page.Locator("#status")).ToContainTextAsync("HTTP 200");

        // Assert
        Assert.Contains("investigational under policy 45.03 (criterion IV)", fromPatient, StringComparison.Ordinal);
        await Expect(page.Locator(".card .card-summary").First).ToContainTextAsync("investigational under policy 45.03 (criterion IV)");
        await Expect(page.Locator(".coverage-info tr[data-field='covered'] td")).ToHaveTextAsync("not-covered");
    }

    [Fact]
    public async Task GivenAnOrderThatIsNotADli_WhenSigned_ThenThePageSaysThereAreNoCardsButShowsTheCoverageInformation()
    {
        // Arrange
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await OpenAsync(context);

        // Act
        await SignAsync(page, "dli4503-met", order: "bone-marrow-biopsy");

        // Assert
        await Expect(page.Locator(".card")).ToHaveCountAsync(0);
        await Expect(page.Locator(".no-cards")).ToContainTextAsync("No cards");
        await Expect(page.Locator(".coverage-info tr[data-field='covered'] td")).ToHaveTextAsync("conditional");
        await Expect(page.Locator("#status")).ToContainTextAsync("HTTP 200 · 0 cards");
    }

    [Fact]
    public async Task GivenOrderSelect_WhenTheDliIsSelected_ThenOneHeadsUpCardComesBack()
    {
        // Arrange
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await OpenAsync(context);

        // Act
        await SignAsync(page, "dli4503-not-met-ic", hook: "order-select");

        // Assert
        await Expect(page.Locator(".card")).ToHaveCountAsync(2);
        await Expect(page.Locator(".card .card-summary").First).ToContainTextAsync("not medically necessary");
        await Expect(page.Locator(".card .card-detail table")).ToHaveCountAsync(0);
        var request = JsonNode.Parse(await page.Locator("#request").InputValueAsync())!;
        Assert.Equal("order-select", request["hook"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenAServiceThatIsNotInDevelopmentMode_WhenItAnswers401_ThenThePageExplainsTheJwtTrust()
    {
        // Arrange: the service answers as it does outside development mode when the call has no valid JWT.
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await OpenAsync(context);
        await page.RouteAsync("**/cds-services/**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 401,
            ContentType = "application/fhir+json",
            Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" },
            Body = """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"login","diagnostics":"Authentication required."}]}""",
        }));

        // Act
        await SignAsync(page, "dli4503-met");

        // Assert
        var status = page.Locator("#status");
        await Expect(status).ToHaveClassAsync(new Regex("status--error"));
        await Expect(status).ToContainTextAsync("HTTP 401");
        await Expect(status).ToContainTextAsync("Cds:Security:DevelopmentMode=true");
        await Expect(status).ToContainTextAsync("Cds:Security:Clients");
        await Expect(page.Locator(".card")).ToHaveCountAsync(0);
        await Expect(page.Locator("#response")).ToContainTextAsync("Authentication required.");
    }

    [Fact]
    public async Task GivenACardWithSuggestionsLinksAndHostileMarkdown_WhenRendered_ThenItShowsThemAsTextAndButtonsNeverAsHtml()
    {
        // Arrange: a response from any CDS service may carry suggestions, SMART links and markup it should not.
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await OpenAsync(context);
        var dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };
        var card = new JsonObject
        {
            ["uuid"] = "c1",
            ["summary"] = "Critical <b>alert</b>",
            ["indicator"] = "critical",
            ["source"] = new JsonObject { ["label"] = "Other service", ["topic"] = new JsonObject { ["code"] = "x", ["display"] = "Topic X" } },
            ["detail"] = "**Bold** and *em* and `code` <img src=x onerror=alert(1)> [bad](javascript:alert(2)) [good](https://example.org/doc)\n\n1. first\n2. second",
            ["suggestions"] = new JsonArray(new JsonObject
            {
                ["label"] = "Add a chimerism order",
                ["isRecommended"] = true,
                ["actions"] = new JsonArray(new JsonObject { ["type"] = "create", ["description"] = "Order chimerism", ["resource"] = new JsonObject { ["resourceType"] = "ServiceRequest", ["id"] = "sr-chim" } }),
            }),
            ["links"] = new JsonArray(new JsonObject { ["label"] = "DTR app", ["url"] = "https://dtr.example.org/launch", ["type"] = "smart" }),
        };
        await page.RouteAsync("**/cds-services/**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "application/json",
            Body = new JsonObject { ["cards"] = new JsonArray(card) }.ToJsonString(),
        }));

        // Act
        await SignAsync(page, "dli4503-met");
        var rendered = page.Locator(".card");
        await rendered.Locator("button.suggestion").ClickAsync();

        // Assert
        await Expect(rendered).ToHaveAttributeAsync("data-indicator", "critical");
        await Expect(rendered.Locator(".card-summary")).ToHaveTextAsync("Critical <b>alert</b>");
        await Expect(rendered.Locator(".card-source")).ToHaveTextAsync("Source: Other service · Topic X");
        await Expect(rendered.Locator(".card-detail strong")).ToHaveTextAsync("Bold");
        await Expect(rendered.Locator(".card-detail em")).ToHaveTextAsync("em");
        await Expect(rendered.Locator(".card-detail code")).ToHaveTextAsync("code");
        await Expect(rendered.Locator(".card-detail ol li")).ToHaveTextAsync(["first", "second"]);
        await Expect(rendered.Locator("img, b")).ToHaveCountAsync(0);
        await Expect(rendered.Locator(".card-detail")).ToContainTextAsync("<img src=x onerror=alert(1)>");
        await Expect(rendered.Locator(".card-detail a")).ToHaveCountAsync(1);
        await Expect(rendered.Locator(".card-detail a")).ToHaveAttributeAsync("href", "https://example.org/doc");
        await Expect(rendered.Locator("button.suggestion.recommended")).ToHaveTextAsync("Add a chimerism order");
        await Expect(rendered.Locator(".suggestion-actions li")).ToHaveTextAsync("create: Order chimerism ServiceRequest/sr-chim");
        await Expect(rendered.Locator(".card-links a")).ToHaveTextAsync("DTR app (SMART app)");
        Assert.Equal(0, dialogs);
    }

    private async Task<IPage> OpenAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.BaseAddress.AbsoluteUri);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(page.Locator("#mode")).ToContainTextAsync("Development mode");
        return page;
    }

    // Picks the hook, order and patient as a user would, waits for the request they make, and signs.
    private static async Task SignAsync(IPage page, string patientId, string order = "dli", string hook = "order-sign")
    {
        await page.SelectOptionAsync("#hook", hook);
        await page.SelectOptionAsync("#order", order);
        await page.SelectOptionAsync("#patient", patientId);
        await Expect(page.Locator("#send")).ToBeEnabledAsync();
        await Expect(page.Locator("#request")).ToHaveValueAsync(new Regex(Regex.Escape($"\"patientId\": \"{patientId}\"")));
        await page.ClickAsync("#send");
        await Expect(page.Locator("#status")).ToHaveClassAsync(new Regex("status--(ok|error)"));
    }
}
