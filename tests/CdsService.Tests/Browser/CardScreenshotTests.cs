using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cds.Service.Tests.Browser;

/// <summary>
/// Every sample outcome signed in the sandbox page in Chromium, its cards photographed into the test output
/// (<c>screenshots/*.png</c> next to the test binary) for a person to check that the decision and the next step read
/// in five seconds. The assertions check what that reading relies on: the headline first, the next step, no ids.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class CardScreenshotTests(BrowserSandboxFixture fixture) : IClassFixture<BrowserSandboxFixture>
{
    public static TheoryData<string, string, string> Outcomes => new()
    {
        // patient, order, the headline the first card opens with
        { "dli4503-met", "dli", "Meets the policy criteria" },
        { "dli4503-not-met-ia", "dli", "Not covered: not medically necessary" },
        { "dli4503-not-met-ib", "dli", "Cannot be determined yet: 1 record to review" },
        { "dli4503-not-met-ic", "dli", "Not covered: not medically necessary" },
        { "dli4503-investigational", "dli", "Not covered: investigational" },
        { "dli4503-missing-data", "dli", "Cannot be determined yet" },
        { "dli4503-met", "dli-genetically-modified", "Not covered: investigational" },
    };

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task GivenASampleOutcome_WhenSignedInTheSandbox_ThenTheCardsLeadWithTheDecisionAndAreScreenshotted(string patientId, string order, string headline)
    {
        // Arrange
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.BaseAddress.AbsoluteUri);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");

        // Act
        await page.SelectOptionAsync("#hook", "order-sign");
        await page.SelectOptionAsync("#order", order);
        await page.SelectOptionAsync("#patient", patientId);
        await Expect(page.Locator("#request")).ToHaveValueAsync(new Regex(Regex.Escape($"\"patientId\": \"{patientId}\"")));
        await page.ClickAsync("#send");
        await Expect(page.Locator("#status")).ToContainTextAsync("HTTP 200");
        System.IO.Directory.CreateDirectory(Directory);
        var file = Path.Combine(Directory, $"{patientId}-{order}.png");
        await page.Locator("#cards").ScreenshotAsync(new LocatorScreenshotOptions { Path = file });

        // Assert
        var first = page.Locator(".card").First;
        await Expect(first.Locator(".card-detail strong").First).ToContainTextAsync(headline);
        await Expect(first.Locator(".card-detail p").Nth(1)).ToContainTextAsync("Next step:");
        await Expect(page.Locator("#cards")).Not.ToContainTextAsync(new Regex("(Condition|Procedure|Observation|ServiceRequest)/[A-Za-z0-9-]+"));
        Assert.True(new FileInfo(file).Length > 10_000, $"{file} is not a real screenshot");
    }
}
