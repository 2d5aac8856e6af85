using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;

namespace Dashboard.Bench.Live;

/// <summary>
/// A breach storm seen from the operators' browsers: K dashboard tabs (city operator) in headless Chromium, then R reports
/// nobody answers, whose contact clocks all run out a minute later (breaches, escalations, red clocks and map rings in every tab).
/// Measured from the bench: the browser's CPU (Chromium's processes under this one) and how long each tab takes to answer a
/// script call, in a calm window before the reports (the baseline) and in the storm window after the first breaches; then how
/// long each tab takes to leave the page. The server is measured too, and its managed heap per circuit (after one unmeasured
/// tab): calm, with the tabs − before them; in the storm, with the tabs − once they left.
/// </summary>
internal static partial class LiveBench
{
    public sealed record StormSettings(int Reports, int Tabs, double CalmSeconds, double StormSeconds);

    public sealed record StormWindow(string Name, double Seconds, double BrowserCores, double ServerCores, double AnswerP50Ms, double AnswerMaxMs, int Rings);

    public sealed record StormReport(
        StormSettings Settings, int ProcessorCount, StormWindow Calm, StormWindow Storm, double LeaveMaxMs, int Breached, IReadOnlyList<string> Problems,
        double? CalmMbPerCircuit = null, double? StormMbPerCircuit = null)
    {
        public double BrowserCpuRatio => Calm.BrowserCores > 0 ? Storm.BrowserCores / Calm.BrowserCores : double.NaN;

        public bool Passed => Problems.Count == 0;
    }

    // The contact target of the category the storm reports in (the default one minute).
    private static readonly TimeSpan ContactTarget = TimeSpan.FromMinutes(1);

    public static async Task<StormReport> RunStormAsync(StormSettings settings, TextWriter output)
    {
        var root = Directory.CreateTempSubdirectory("dashboard-storm-");
        var problems = new List<string>();
        try
        {
            await using var app = await StartAppAsync(Path.Combine(root.FullName, "storm.db"), root.FullName);
            output.WriteLine($"storm: app at {app.BaseAddress}; {settings.Tabs} tabs of the city operator's dashboard, then {settings.Reports} reports nobody answers; {Environment.ProcessorCount} cores");
            var (tree, _, _) = DemoCity(20261123);
            var places = Places(tree, 1, settings.Reports);
            using var api = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var token = await TokenAsync(api, DemoUsers.CityOperator, DemoPassword);
            var category = await CategoryAsync(api, token);
            var admin = await TokenAsync(api, DemoUsers.Admin, DemoPassword);
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            // The admin's token on each diagnostics request, the operator's on the rest.
            async Task<(double Mb, int Circuits)> HeapAsync() =>
                await CircuitBench.ReadHeapAsync(api, app.BaseAddress, admin) is { Circuits: { } circuits } reading
                    ? (reading.Managed / (1024.0 * 1024), circuits)
                    : throw new InvalidOperationException("the app's diagnostics endpoint did not answer (Diagnostics:Memory)");

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await CircuitBench.LaunchChromiumAsync(playwright);
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 900 } });
            await CircuitBench.SignInAsync(context, app.BaseAddress, DemoUsers.CityOperator, DemoPassword);
            async Task<IPage> OpenAsync()
            {
                var tab = await context.NewPageAsync();
                await tab.GotoAsync(app.BaseAddress.ToString(), new() { Timeout = 60_000 });
                await tab.WaitForSelectorAsync(".live-map.leaflet-container", new() { Timeout = 60_000 });
                return tab;
            }

            // One tab first, open throughout and not measured: what the first console initialises once (caches, pools) is not per circuit.
            await OpenAsync();
            await Task.Delay(3000);
            var heapBefore = await HeapAsync();
            var tabs = new List<IPage>();
            for (var i = 0; i < settings.Tabs; i++)
            {
                tabs.Add(await OpenAsync());
            }

            await Task.Delay(5000);
            var calm = await WatchAsync("calm (baseline)", tabs, app.ProcessId, settings.CalmSeconds);
            var heapCalm = await HeapAsync();

            var first = Stopwatch.StartNew();
            var failed = 0;
            await Parallel.ForAsync(0, settings.Reports, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, ct) =>
            {
                var body = JsonSerializer.SerializeToUtf8Bytes(new
                {
                    clientId = $"storm-{k.ToString(CultureInfo.InvariantCulture)}",
                    category,
                    description = $"storm report {k.ToString(CultureInfo.InvariantCulture)}: 占道经营, nobody answers",
                    lat = places[k].Lat,
                    lon = places[k].Lon,
                });
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await api.PostAsync("api/v1/incidents", content, ct);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failed);
                }
            });
            output.WriteLine($"storm: {settings.Reports - failed} reports in {first.Elapsed.TotalSeconds:F1} s; the first contact clocks run out {ContactTarget.TotalSeconds:F0} s after the first");
            if (failed > 0)
            {
                problems.Add($"{failed} reports refused");
            }

            var untilBreach = ContactTarget - first.Elapsed - TimeSpan.FromSeconds(1);
            if (untilBreach > TimeSpan.Zero)
            {
                await Task.Delay(untilBreach);
            }

            var storm = await WatchAsync("breach storm", tabs, app.ProcessId, settings.StormSeconds);
            var breached = await tabs[0].EvaluateAsync<int>("() => document.querySelectorAll('.queue-row [data-clock=contact][data-colour=red]').length");
            var heapStorm = await HeapAsync();

            var leave = new List<double>();
            foreach (var tab in tabs)
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    await tab.GotoAsync("about:blank", new() { Timeout = 30_000 });
                    leave.Add(clock.Elapsed.TotalMilliseconds);
                }
                catch (TimeoutException)
                {
                    leave.Add(double.PositiveInfinity);
                    problems.Add("a tab did not leave its page within 30 s");
                }
            }

            // What the tabs held in the storm: the heap with them − once their circuits are gone (a closed tab tells the server).
            var heapClosed = await HeapAsync();
            for (var wait = Stopwatch.StartNew(); heapClosed.Circuits > 1 && wait.Elapsed < TimeSpan.FromSeconds(30); heapClosed = await HeapAsync())
            {
                await Task.Delay(500);
            }

            var calmPerCircuit = (heapCalm.Mb - heapBefore.Mb) / settings.Tabs;
            var stormPerCircuit = (heapStorm.Mb - heapClosed.Mb) / settings.Tabs;
            output.WriteLine($"storm: managed heap after GC {heapBefore.Mb:F1} MB with the unmeasured first tab, {heapCalm.Mb:F1} MB with the {settings.Tabs} tabs too ({heapCalm.Circuits} circuits), "
                + $"{heapStorm.Mb:F1} MB with them in the storm, {heapClosed.Mb:F1} MB once they left ({heapClosed.Circuits} circuit)");

            if (storm.AnswerMaxMs > 1000)
            {
                problems.Add($"a tab took {storm.AnswerMaxMs:F0} ms to answer during the storm (over 1 s)");
            }

            var report = new StormReport(settings, Environment.ProcessorCount, calm, storm, leave.Max(), breached, problems, calmPerCircuit, stormPerCircuit);
            PrintStorm(report, output);
            return report;
        }
        finally
        {
            try
            {
                root.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Every 2 s: one script call per tab, timed (a tab whose main thread is busy answers late); CPU over the window.</summary>
    private static async Task<StormWindow> WatchAsync(string name, List<IPage> tabs, int serverPid, double seconds)
    {
        var server = Process.GetProcessById(serverPid);
        server.Refresh();
        var serverCpu = server.TotalProcessorTime;
        var browserCpu = DescendantCpuSeconds("chrom");
        var clock = Stopwatch.StartNew();
        var answers = new List<double>();
        var rings = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            await Task.Delay(2000);
            foreach (var tab in tabs)
            {
                var call = Stopwatch.StartNew();
                rings = Math.Max(rings, await tab.EvaluateAsync<int>("() => document.querySelectorAll('.lm-pulse').length"));
                answers.Add(call.Elapsed.TotalMilliseconds);
            }
        }

        var wall = clock.Elapsed.TotalSeconds;
        server.Refresh();
        answers.Sort();
        return new StormWindow(name, wall, (DescendantCpuSeconds("chrom") - browserCpu) / wall, (server.TotalProcessorTime - serverCpu).TotalSeconds / wall,
            answers[answers.Count / 2], answers[^1], rings);
    }

    /// <summary>CPU seconds of this process's descendants whose name starts with <paramref name="prefix"/> (Linux /proc).</summary>
    private static double DescendantCpuSeconds(string prefix)
    {
        var parents = new Dictionary<int, int>();
        var ticks = new Dictionary<int, long>();
        var names = new Dictionary<int, string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                names[pid] = stat[(open + 1)..close];
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                ticks[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended while the directory was read.
            }
        }

        var self = Environment.ProcessId;
        bool Under(int pid)
        {
            for (var hops = 0; hops < 64 && parents.TryGetValue(pid, out var parent); hops++, pid = parent)
            {
                if (parent == self)
                {
                    return true;
                }
            }

            return false;
        }

        // USER_HZ is 100 on Linux.
        return ticks.Where(t => names[t.Key].StartsWith(prefix, StringComparison.Ordinal) && Under(t.Key)).Sum(t => t.Value) / 100.0;
    }

    public static void PrintStorm(StormReport r, TextWriter o)
    {
        var ic = CultureInfo.InvariantCulture;
        o.WriteLine();
        o.WriteLine($"{"",-28} {"calm (baseline)",16} {"breach storm",16} {"ratio",8}");
        o.WriteLine($"{"browser CPU (cores)",-28} {r.Calm.BrowserCores.ToString("F2", ic),16} {r.Storm.BrowserCores.ToString("F2", ic),16} {(r.BrowserCpuRatio.ToString("F1", ic) + "×"),8}");
        o.WriteLine($"{"server CPU (cores)",-28} {r.Calm.ServerCores.ToString("F2", ic),16} {r.Storm.ServerCores.ToString("F2", ic),16}");
        o.WriteLine($"{"tab answers p50 (ms)",-28} {r.Calm.AnswerP50Ms.ToString("F0", ic),16} {r.Storm.AnswerP50Ms.ToString("F0", ic),16}");
        o.WriteLine($"{"tab answers max (ms)",-28} {r.Calm.AnswerMaxMs.ToString("F0", ic),16} {r.Storm.AnswerMaxMs.ToString("F0", ic),16}");
        o.WriteLine($"{"map rings per tab",-28} {r.Calm.Rings,16} {r.Storm.Rings,16}");
        o.WriteLine($"{"server heap per circuit (MB)",-28} {r.CalmMbPerCircuit?.ToString("F2", ic),16} {r.StormMbPerCircuit?.ToString("F2", ic),16}");
        o.WriteLine("  heap per circuit: calm = with the tabs − before them, read right after opening (the shared buffer pools still hold what "
            + "the first renders used; the live bench's --settle waits for them); storm = with the tabs − once they left");
        o.WriteLine($"  {r.Settings.Tabs} tabs, {r.Settings.Reports} reports, {r.Breached} red contact clocks in the first tab's queue at the end; "
            + $"windows {r.Calm.Seconds:F0} s and {r.Storm.Seconds:F0} s; leaving the page took at most {r.LeaveMaxMs:F0} ms");
        o.WriteLine(r.Passed ? "storm: every tab answered within 1 s and left its page" : "storm problems: " + string.Join("; ", r.Problems));
    }
}
