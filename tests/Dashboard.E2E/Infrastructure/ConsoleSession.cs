using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Dashboard.E2E.Infrastructure;

/// <summary>The screens the flows use: a grid captain's or officer's phone, a command-room desktop.</summary>
public enum Device
{
    Phone,
    Desktop,
}

/// <summary>
/// The browser contexts of one test (one per person). Every context fails the test on a console error or page error, and
/// aborts (and records) any request whose host is not 127.0.0.1.
/// </summary>
public sealed class ConsoleSession(IBrowser browser, Uri baseAddress) : IAsyncDisposable
{
    private readonly List<IBrowserContext> _contexts = [];
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _foreign = new();
    private int _requests;

    /// <summary>Requests that went through the guard (all of them reached 127.0.0.1).</summary>
    public int Requests => _requests;

    public async Task<IPage> NewPageAsync(Device device, string who)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            ColorScheme = ColorScheme.Dark,
            ViewportSize = device == Device.Phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1600, Height = 900 },
            IsMobile = device == Device.Phone,
            HasTouch = device == Device.Phone,
            DeviceScaleFactor = 1,
        });
        _contexts.Add(context);
        await context.RouteAsync("**/*", async route =>
        {
            var url = route.Request.Url;
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "ws" or "wss" && uri.Host != "127.0.0.1")
            {
                _foreign.Enqueue($"{who}: {route.Request.Method} {url}");
                await route.AbortAsync("blockedbyclient");
                return;
            }

            Interlocked.Increment(ref _requests);
            await route.ContinueAsync();
        });

        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Enqueue($"{who} console ({page.Url}): {message.Text}");
            }
        };
        page.PageError += (_, error) => _errors.Enqueue($"{who} page error ({page.Url}): {error}");
        // WebSockets (the Blazor circuit) are not routed: check where they go.
        page.WebSocket += (_, socket) =>
        {
            if (!Uri.TryCreate(socket.Url, UriKind.Absolute, out var uri) || uri.Host != "127.0.0.1")
            {
                _foreign.Enqueue($"{who}: websocket {socket.Url}");
            }
        };
        return page;
    }

    /// <summary>
    /// A page of <paramref name="user"/> signed in through the real sign-in form, sent on to <paramref name="landing"/> (where the
    /// app sends that role anyway for "/", "/report" and "/field"). Going straight there, not through the home page, keeps
    /// a half-started circuit from being left behind.
    /// </summary>
    public async Task<IPage> SignedInPageAsync(Device device, string user, string landing)
    {
        var page = await NewPageAsync(device, user);
        await page.GotoAsync("/account/login?returnUrl=" + Uri.EscapeDataString(landing));
        await page.Locator("#username").FillAsync(user);
        await page.Locator("#password").FillAsync(ConsoleApp.DemoPassword);
        await page.Locator("form.login-form button[type=submit]").ClickAsync();
        // Pages are prerendered: each flow waits for something only the live circuit draws (a map, a chart, a pushed row).
        await page.WaitForURLAsync(url => new Uri(url).PathAndQuery == landing);
        return page;
    }

    /// <summary>The console and page errors so far, one per line ("none" when there is none).</summary>
    public string Errors => _errors.IsEmpty ? "browser errors: none" : "browser errors:\n" + string.Join('\n', _errors);

    /// <summary>No console or page error in any context, and nothing asked for a host other than 127.0.0.1.</summary>
    public void AssertClean()
    {
        Assert.True(_foreign.IsEmpty, "requests left 127.0.0.1:\n" + string.Join('\n', _foreign));
        Assert.True(_errors.IsEmpty, Errors);
        Assert.True(_requests > 0, "the request guard saw no request at all");
    }

    /// <summary>
    /// Leaves every page the way a closing tab does (unload: Blazor tells the server the circuit is gone, which disposes its
    /// components and their live subscriptions), then closes the contexts. A context closed without unloading leaves a
    /// disconnected circuit behind for minutes (see <see cref="ConsoleFixture.NewSessionAsync"/>).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            foreach (var page in context.Pages)
            {
                try
                {
                    await page.GotoAsync("about:blank");
                }
                catch (PlaywrightException)
                {
                    // A page that already crashed or closed has nothing left to unload.
                }
            }

            await context.CloseAsync();
        }
    }
}
