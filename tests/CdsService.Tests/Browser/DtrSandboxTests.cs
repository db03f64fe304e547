using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cds.Service.Tests.Browser;

/// <summary>
/// DTR on the sandbox page in headless Chromium: sign for the missing-data patient, open the questionnaire the
/// coverage-information names, answer what is missing (enableWhen shows the dependent items), submit, and see the new
/// decision.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class DtrSandboxTests(BrowserSandboxFixture fixture) : IClassFixture<BrowserSandboxFixture>
{
    private static ILocator Item(IPage page, string linkId) => page.Locator($"#dtr-form [data-link-id='{linkId}']");

    [Fact]
    public async Task GivenTheMissingDataPatient_WhenTheQuestionnaireIsFilledAndSubmitted_ThenTheNewDecisionIsCovered()
    {
        // Arrange: sign, and get a conditional answer that names the questionnaire.
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.BaseAddress.AbsoluteUri);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await page.SelectOptionAsync("#hook", "order-sign");
        await page.SelectOptionAsync("#order", "dli");
        await page.SelectOptionAsync("#patient", "dli4503-missing-data");
        await Expect(page.Locator("#request")).ToHaveValueAsync(new Regex(Regex.Escape("\"patientId\": \"dli4503-missing-data\"")));
        await page.ClickAsync("#send");
        await Expect(page.Locator(".coverage-info tr[data-field='covered'] td")).ToHaveTextAsync("conditional");

        // Act: open the questionnaire and answer what is missing.
        await page.Locator("button.dtr-open").ClickAsync();
        await Expect(page.Locator("#dtr-form fieldset legend").First).ToContainTextAsync("Prior allogeneic HCT");
        await Expect(Item(page, "I.C.T-cell.percent")).ToBeHiddenAsync();
        await Item(page, "I.B.conditioning").SelectOptionAsync(new SelectOptionValue { Label = "Reduced-intensity conditioning" });
        await Item(page, "I.C.tested").SelectOptionAsync(new SelectOptionValue { Label = "Yes" });
        await Expect(Item(page, "I.C.T-cell.percent")).ToBeVisibleAsync();
        await Item(page, "I.C.T-cell.percent").FillAsync("70");
        await Item(page, "I.C.T-cell.date").FillAsync("2026-11-02");
        await page.ClickAsync("#dtr-submit");

        // Assert: the new decision, with a new assertion id.
        await Expect(page.Locator("#dtr-result tr[data-field='covered'] td")).ToHaveTextAsync("covered");
        var before = await page.Locator(".coverage-info tr[data-field='coverage-assertion-id'] td").TextContentAsync();
        var after = await page.Locator("#dtr-result tr[data-field='coverage-assertion-id'] td").TextContentAsync();
        Assert.False(string.IsNullOrWhiteSpace(after));
        Assert.NotEqual(before, after);
        await Expect(page.Locator("#dtr-result .dtr-card").First).ToContainTextAsync("meets");
    }

    [Fact]
    public async Task GivenACoveredAnswer_WhenShown_ThenNoQuestionnaireIsOffered()
    {
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.BaseAddress.AbsoluteUri);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await page.SelectOptionAsync("#patient", "dli4503-met");
        await Expect(page.Locator("#request")).ToHaveValueAsync(new Regex(Regex.Escape("\"patientId\": \"dli4503-met\"")));
        await page.ClickAsync("#send");
        await Expect(page.Locator(".coverage-info tr[data-field='covered'] td")).ToHaveTextAsync("covered");
        await Expect(page.Locator("button.dtr-open")).ToHaveCountAsync(0);
        await Expect(page.Locator("#dtr")).ToBeHiddenAsync();
    }
}
