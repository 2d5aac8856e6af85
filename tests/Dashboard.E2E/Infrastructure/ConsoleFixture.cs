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
    }

    public Task<ConsoleSession> NewSessionAsync() => Task.FromResult(new ConsoleSession(Browser, App.BaseAddress));

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
