using Dashboard.Web.Features.Map;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dashboard.E2E.Infrastructure;

[CollectionDefinition(Name)]
public sealed class ConsoleFlows : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}

/// <summary>
/// One app and one headless chromium for every flow (the flows run one after another in one collection). Each test opens
/// its own browser contexts through a <see cref="ConsoleSession"/>.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public ConsoleApp App { get; } = new();

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser did not start");

    public Api Api { get; private set; } = default!;

    /// <summary>Where the operator screen, map and portrait screenshots go: the test output folder.</summary>
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: the end-to-end tests drive Debian's chromium and never download a browser. " +
                ".ci/run installs it (with fonts-noto-cjk); or run: apt-get install chromium fonts-noto-cjk");
        }

        // Playwright must use the system chromium; nothing may fetch its own browser builds.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Assertions.SetDefaultExpectTimeout(15_000);
        Directory.CreateDirectory(ScreenshotFolder);

        App.Start();
        Api = new Api(App);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        await WarmUpAsync();
    }

    /// <summary>
    /// One report through the whole live path (API, store, notifier, a city operator's queue in the browser) in another
    /// district, then cancelled: the flows then measure a running server, not the first call's JIT compilation.
    /// </summary>
    private async Task WarmUpAsync()
    {
        var tree = App.City.Tree;
        var elsewhere = tree.ChildrenOf(tree.ChildrenOf(tree.ChildrenOf(tree.Root.Code)[1].Code)[0].Code)[0];
        await using var session = await NewSessionAsync();
        var page = await session.SignedInPageAsync(Device.Desktop, "city_op", "/");
        await Assertions.Expect(page.Locator(".live-map.leaflet-container")).ToBeVisibleAsync();
        var point = elsewhere.Boundary.InteriorPoint;
        var reported = await Api.PostAsync("city_op", "api/v1/incidents",
            new { clientId = Guid.NewGuid().ToString("N"), category = "ZDJY", description = "预热", lat = point.Y, lon = point.X });
        var id = reported.GetProperty("id").GetInt64();
        await Assertions.Expect(page.Locator($".queue-row[data-incident='{id}']")).ToBeVisibleAsync();
        await Api.PostAsync("city_op", $"api/v1/incidents/{id}/cancel", new { reason = "warm-up" });
        await Assertions.Expect(page.Locator($".queue-row[data-incident='{id}']")).ToHaveAttributeAsync("data-status", "Cancelled");
        session.AssertClean();
    }

    /// <summary>
    /// A new set of browser contexts, once the pages of the previous test are gone from the server. The live position feed
    /// pushes to its map subscribers one after another, and a map whose circuit is disconnected but not yet disposed holds
    /// every push (to every map) until its JS call times out: the flows must not start next to such leftovers.
    /// </summary>
    public async Task<ConsoleSession> NewSessionAsync()
    {
        var feed = App.Services.GetRequiredService<PositionFeed>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (feed.SubscriberCount > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException(
                    $"{feed.SubscriberCount} live map(s) of an earlier test are still subscribed to the position feed 15 s after their pages were left");
            }

            await Task.Delay(50);
        }

        return new ConsoleSession(Browser, App.BaseAddress);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        Api?.Dispose();
        await App.DisposeAsync();
    }
}
