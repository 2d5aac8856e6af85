using Dashboard.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Dashboard.E2E;

/// <summary>Flow 6: the operator switches the console to English and back; no console error, nothing fetched from elsewhere.</summary>
[Collection(ConsoleFlows.Name)]
public sealed class LanguageTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task The_console_switches_to_English_and_back_without_errors_or_outside_requests()
    {
        await using var session = await fixture.NewSessionAsync();
        var page = await session.SignedInPageAsync(Device.Desktop, "township_op", "/");
        await Expect(page.Locator(".live-map.leaflet-container")).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.Locator(".panel-queue .panel-title")).ToContainTextAsync("实时事件队列");

        await page.Locator(".culture-switcher button").First.ClickAsync();
        await page.GetByText("English", new() { Exact = true }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator(".panel-queue .panel-title")).ToContainTextAsync("Live incident queue");
        await Expect(page.Locator(".live-map.leaflet-container")).ToBeVisibleAsync();
        Assert.Equal("/", new Uri(page.Url).AbsolutePath);

        await page.Locator(".culture-switcher button").First.ClickAsync();
        await page.GetByText("中文", new() { Exact = true }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.Locator(".panel-queue .panel-title")).ToContainTextAsync("实时事件队列");
        await Expect(page.Locator(".live-map.leaflet-container")).ToBeVisibleAsync();

        session.AssertClean();
    }

    [Fact]
    public async Task The_request_guard_aborts_and_reports_a_request_to_another_host()
    {
        await using var session = await fixture.NewSessionAsync();
        var page = await session.NewPageAsync(Device.Phone, "guard");
        // A blank page: the app's own pages forbid other hosts by Content-Security-Policy, so the request would never reach the
        // guard there. 192.0.2.1 is TEST-NET-1: never routed; the guard aborts the request before it is even tried.
        await page.GotoAsync("about:blank");
        var outcome = await page.EvaluateAsync<string>(
            "() => fetch('http://192.0.2.1/tile.png').then(() => 'fetched', e => 'failed: ' + e.message)");
        Assert.StartsWith("failed", outcome, StringComparison.Ordinal);
        var failure = Assert.Throws<Xunit.Sdk.TrueException>(session.AssertClean);
        Assert.Contains("guard: GET http://192.0.2.1/tile.png", failure.Message, StringComparison.Ordinal);
    }
}
