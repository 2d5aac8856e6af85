using System.Diagnostics;
using Microsoft.Playwright;

namespace Dashboard.Bench.Live;

/// <summary>
/// Server memory per Blazor Server circuit: K tabs of the dashboard home page (signed in as a city operator) in headless
/// Chromium, against K tabs of a bare Blazor page (one interactive component, no layout, no component library) served by
/// the baseline process. Each side: one warm-up tab first (first-use JIT and caches are not per circuit) and one unmeasured round
/// of K tabs (pools that grow once with many connections are not per circuit either), then the working
/// set settled over a few samples, K more tabs each waited until interactive, settled again; (after − before) / K; the managed heap
/// is read before, with the tabs and once more after the K tabs closed, and its figure is (with the tabs − the heap without them
/// at that moment, on the line between the readings before and after) / K: what they held, the server's own drift taken out.
/// Both sides are measured two ways: the working set (all memory, garbage not yet collected included) and the managed heap that
/// survives a full collection, read from each server's diagnostics endpoint (the app maps it only with Diagnostics:Memory=true,
/// for Admin) — what a circuit really keeps. The target is judged on the latter.
/// </summary>
internal static class CircuitBench
{
    public sealed record Side(
        string Name, string Page, int Tabs, double BeforeMb, double AfterMb, double? PerCircuitMb, double OpenSeconds,
        double? ManagedBeforeMb = null, double? ManagedAfterMb = null, double? ManagedPerCircuitMb = null, double? ManagedClosedMb = null,
        double? ManagedOpenedMb = null, double SettleSeconds = 0, double? ManagedVsClosedMb = null, double? ManagedVsBeforeMb = null);

    /// <summary>
    /// The server's managed heap after a full GC, the circuits it holds and its large-object heap (each null when it does not say).
    /// </summary>
    public sealed record Reading(long Managed, int? Circuits, long? LargeObjects = null);

    public sealed record Result(Side Ours, Side Baseline, string Method)
    {
        public double? Ratio => Ours.PerCircuitMb is { } a && Baseline.PerCircuitMb is { } b && b > 0 ? a / b : null;

        public double? ManagedRatio => Ours.ManagedPerCircuitMb is { } a && Baseline.ManagedPerCircuitMb is { } b && b > 0 ? a / b : null;
    }

    public static async Task<Result> RunAsync(
        Uri app, int? appPid, Uri bare, int barePid, int tabs, string user, string password, TextWriter output, string? adminToken = null,
        double settleSeconds = 0)
    {
        using var http = new HttpClient();
        Task<Reading?> Managed(Uri server, string? token) => ReadHeapAsync(http, server, token);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchChromiumAsync(playwright);

        var ours = await MeasureAsync(browser, "ours", new Uri(app, "/"), appPid, tabs, output, () => Managed(app, adminToken),
            context => SignInAsync(context, app, user, password), ".queue-list", settleSeconds);
        var baseline = await MeasureAsync(browser, "baseline", new Uri(bare, "bare"), barePid, tabs, output, () => Managed(bare, null), _ => Task.CompletedTask, "h1.bare-interactive", settleSeconds);
        return new Result(ours, baseline, "retained managed heap after a full GC with the tabs open − without them at that moment (on the line from the reading before opening to the one after closing: the server's own heap drifts), ÷ tabs; working set: after − before, ÷ tabs; after one warm-up tab and one unmeasured round of as many tabs; each tab waited until its circuit had rendered; each heap read before and after waited until the server held no circuit of a closed tab"
            + (settleSeconds > 0 ? $"; before opening, with the tabs and after closing them, the heap read {settleSeconds:F0} s later (median of three reads 5 s apart), once the shared buffer pools had let go of what the load, the opening and the closing used" : ""));
    }

    /// <summary>The machine's Chromium (never a downloaded one), headless, without sandbox, GPU or background traffic.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });

    /// <summary>Signs the context in through the app's sign-in form; its tabs then share the cookie.</summary>
    public static async Task SignInAsync(IBrowserContext context, Uri app, string user, string password)
    {
        var login = await context.NewPageAsync();
        // Twice at most: once in about a dozen full runs the sign-in stayed on the login page, for no reason the bench could see;
        // a second failure names what the page said.
        for (var attempt = 1; ; attempt++)
        {
            await login.GotoAsync(new Uri(app, "account/login").ToString(), new() { Timeout = 60_000 });
            await login.FillAsync("#username", user);
            await login.FillAsync("#password", password);
            await login.ClickAsync("button[type=submit]");
            try
            {
                await login.WaitForURLAsync(u => !u.Contains("/account/login", StringComparison.Ordinal), new() { Timeout = 60_000 });
                break;
            }
            catch (TimeoutException) when (attempt == 1)
            {
            }
            catch (TimeoutException e)
            {
                var said = await login.Locator(".login-error").AllTextContentsAsync();
                throw new TimeoutException($"signing in as {user} stayed on the login page ({(said.Count > 0 ? string.Join(" ", said) : "no message")})", e);
            }
        }

        await login.CloseAsync();
    }

    /// <summary>
    /// The server's managed heap after a full GC, its open circuits and its large-object heap, from its diagnostics endpoint
    /// (the app maps it only with Diagnostics:Memory=true, for Admin); null when it does not answer.
    /// </summary>
    public static async Task<Reading?> ReadHeapAsync(HttpClient http, Uri server, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "api/v1/diagnostics/memory"));
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        // Generations 0, 1, 2, then the large-object heap, then the pinned one.
        long? large = root.TryGetProperty("generationBytes", out var generations) && generations.GetArrayLength() > 3 ? generations[3].GetInt64() : null;
        return new Reading(root.GetProperty("managedBytes").GetInt64(), root.TryGetProperty("circuits", out var circuits) ? circuits.GetInt32() : null, large);
    }

    private static async Task<Side> MeasureAsync(
        IBrowser browser, string name, Uri page, int? pid, int tabs, TextWriter output, Func<Task<Reading?>> managed, Func<IBrowserContext, Task> signIn, string interactiveSelector,
        double settleSeconds)
    {
        await using var context = await browser.NewContextAsync();
        await signIn(context);
        await OpenAsync(context, page, interactiveSelector);
        if (pid is null)
        {
            return new Side(name, page.AbsolutePath, 0, 0, 0, null, 0);
        }

        // A first round of K tabs grows what a server keeps once for many connections (buffer pools, serializer caches): open
        // and close it unmeasured, so the measured round sees what each further circuit costs.
        var warm = new List<IPage>();
        for (var i = 0; i < tabs; i++)
        {
            warm.Add(await OpenAsync(context, page, interactiveSelector));
        }

        await CloseAllAsync(warm);
        await Task.Delay(2000);

        const double Mb = 1024 * 1024;
        // Only the warm-up tab is open now; the closed tabs' circuits must be gone before the heap is read.
        var readBefore = await SettledAsync(managed, circuits: 1);
        if (settleSeconds > 0)
        {
            readBefore = await SettledHeapAsync(managed, settleSeconds);
        }

        var timeline = Stopwatch.StartNew();
        var managedBefore = readBefore?.Managed;
        var before = await ProcessSampler.SettledWorkingSetAsync(pid.Value);
        var clock = Stopwatch.StartNew();
        var opened = new List<IPage>();
        for (var i = 0; i < tabs; i++)
        {
            opened.Add(await OpenAsync(context, page, interactiveSelector));
        }

        var open = clock.Elapsed.TotalSeconds;
        await Task.Delay(1000);
        var after = await ProcessSampler.SettledWorkingSetAsync(pid.Value, samples: 5);
        var readWith = await managed();
        var readOpened = readWith;
        if (settleSeconds > 0)
        {
            readWith = await SettledHeapAsync(managed, settleSeconds);
        }

        var managedAfter = readWith?.Managed;
        var atWith = timeline.Elapsed.TotalSeconds;

        // Close the tabs the way a browser does (unload disposes the circuit) and read the heap again without them.
        await CloseAllAsync(opened);
        await Task.Delay(2000);
        var readClosed = await SettledAsync(managed, circuits: 1);
        if (settleSeconds > 0)
        {
            readClosed = await SettledHeapAsync(managed, settleSeconds);
        }

        var managedClosed = readClosed?.Managed;
        var atClosed = timeline.Elapsed.TotalSeconds;
        // The server's own heap drifts over the minutes this takes (pools let go of what the load before used, clocks breach): the
        // heap without the tabs at the moment of the reading with them is taken on the line from the reading before opening to the
        // one after closing, both settled alike. (with − after closing) alone counts a falling heap's drift as the tabs'.
        double? withoutTabs = managedBefore + (managedClosed - managedBefore) * (atWith / atClosed);
        double? PerTab(double? without) => (managedAfter - without) / Mb / tabs;
        var perCircuit = PerTab(withoutTabs);
        var closedOnly = PerTab(managedClosed);
        var beforeOnly = PerTab(managedBefore);
        var side = new Side(name, page.AbsolutePath, tabs, before / Mb, after / Mb, (after - before) / Mb / tabs, open,
            managedBefore / Mb, managedAfter / Mb, perCircuit, managedClosed / Mb, readOpened?.Managed / Mb, settleSeconds, closedOnly, beforeOnly);
        output.WriteLine($"circuits {name}: {tabs} tabs of {page.AbsolutePath} in {open:F1} s; server working set {side.BeforeMb:F1} → {side.AfterMb:F1} MB, {side.PerCircuitMb:F2} MB per circuit; "
            + $"managed heap after GC {side.ManagedBeforeMb:F1} → {side.ManagedAfterMb:F1} MB with the tabs, {side.ManagedClosedMb:F1} MB after closing them, {side.ManagedPerCircuitMb:F2} MB per circuit "
            + $"({side.ManagedVsClosedMb:F2} against the closed reading alone, {side.ManagedVsBeforeMb:F2} against the one before); "
            + $"circuits held {readBefore?.Circuits} → {readWith?.Circuits} → {readClosed?.Circuits}"
            + (settleSeconds > 0 ? $"; read {settleSeconds:F0} s after opening and after closing; right after opening the heap was {side.ManagedOpenedMb:F1} MB" : "")
            + (readOpened?.LargeObjects is { } large ? $"; large-object heap {large / Mb:F1} MB right after opening, {readWith?.LargeObjects / Mb:F1} MB when read, {readClosed?.LargeObjects / Mb:F1} MB closed" : ""));
        return side;
    }

    /// <summary>
    /// A heap reading once the server holds no more than <paramref name="circuits"/> circuits (at most 20 s): a closed tab's
    /// circuit lives on until its unload reaches the server, and until then its memory would count for the tabs measured next.
    /// </summary>
    private static async Task<Reading?> SettledAsync(Func<Task<Reading?>> managed, int circuits)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var reading = await managed();
            if (reading?.Circuits is not { } held || held <= circuits || waited.Elapsed > TimeSpan.FromSeconds(20))
            {
                return reading;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The heap once the shared buffer pools have settled: the array pool keeps a buffer for up to a minute after its last use, so
    /// right after many tabs opened (or closed) it holds what their first renders used, which no circuit keeps. Waits, then takes
    /// the median of three reads 5 s apart.
    /// </summary>
    private static async Task<Reading?> SettledHeapAsync(Func<Task<Reading?>> managed, double seconds)
    {
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var reads = new List<Reading>();
        for (var i = 0; i < 3; i++)
        {
            if (i > 0)
            {
                await Task.Delay(5000);
            }

            if (await managed() is { } reading)
            {
                reads.Add(reading);
            }
        }

        return reads.Count == 0 ? null : reads.OrderBy(r => r.Managed).ElementAt(reads.Count / 2);
    }

    /// <summary>Leaves each tab the way a browser does (unload tells the server to dispose the circuit), then closes it.</summary>
    private static async Task CloseAllAsync(List<IPage> pages)
    {
        foreach (var tab in pages)
        {
            await tab.GotoAsync("about:blank");
            await tab.CloseAsync();
        }
    }

    /// <summary>Opens a tab and waits until the circuit is up: its /_blazor WebSocket has received frames and the page shows the interactive marker.</summary>
    private static async Task<IPage> OpenAsync(IBrowserContext context, Uri url, string interactiveSelector)
    {
        var page = await context.NewPageAsync();
        var frames = 0;
        page.WebSocket += (_, ws) =>
        {
            if (ws.Url.Contains("/_blazor", StringComparison.Ordinal))
            {
                ws.FrameReceived += (_, _) => Interlocked.Increment(ref frames);
            }
        };
        await page.GotoAsync(url.ToString(), new() { WaitUntil = WaitUntilState.Load, Timeout = 60_000 });
        await page.WaitForSelectorAsync(interactiveSelector, new() { Timeout = 60_000 });
        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref frames) < 3)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{url}: the circuit never started (no /_blazor frames)");
            }

            await Task.Delay(50);
        }

        await Task.Delay(200);
        return page;
    }

    public static void Print(Result r, TextWriter o)
    {
        static string F(double? v) => v is { } x ? x.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
        o.WriteLine($"{"circuit managed heap (MB/circuit)",-34} {F(r.Ours.ManagedPerCircuitMb),14} {F(r.Baseline.ManagedPerCircuitMb),14} {(r.ManagedRatio is { } m ? m.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "×" : ""),8}");
        o.WriteLine($"{"circuit working set (MB/circuit)",-34} {F(r.Ours.PerCircuitMb),14} {F(r.Baseline.PerCircuitMb),14} {(r.Ratio is { } x ? x.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "×" : ""),8}");
        o.WriteLine($"  ours: {r.Ours.Tabs} tabs of the dashboard home page {r.Ours.Page}; baseline: {r.Baseline.Tabs} tabs of a bare Blazor page "
            + $"{r.Baseline.Page} (one interactive component); {r.Method}");
    }
}
