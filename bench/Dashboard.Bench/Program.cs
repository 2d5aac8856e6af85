using System.Globalization;
using System.Text.Json;
using Dashboard.Bench;
using Dashboard.Bench.Live;

// dotnet run -c Release --project bench/Dashboard.Bench -- [live] [--quick] [--json out.json] [--url http://host:port] [--clients N] [--reports R] [--positions P] [--seconds S] [--circuits K] [--settle S]
// dotnet run -c Release --project bench/Dashboard.Bench -- positions [--quick] [--json out.json] [--producers N]
// dotnet run -c Release --project bench/Dashboard.Bench -- recommend [--quick] [--json out.json]
// dotnet run -c Release --project bench/Dashboard.Bench -- metrics [--quick] [--json out.json]
// dotnet run -c Release --project bench/Dashboard.Bench -- storm [--quick] [--json out.json] [--reports N] [--tabs K]
const string Usage = """
    usage: Dashboard.Bench [live] [--quick] [--json out.json] [--url http://host:port] [--clients N] [--reports R/s]
                           [--positions P/s] [--seconds S] [--warmup S] [--circuits K] [--settle S] [--no-circuits] [--seed N]
           Dashboard.Bench scaleout [--quick] [--json out.json] [--clients N] [--reports R/s] [--positions P/s] [--seconds S]
           Dashboard.Bench positions [--quick] [--json out.json] [--producers N]
           Dashboard.Bench recommend [--quick] [--json out.json]
           Dashboard.Bench metrics [--quick] [--json out.json] [--db file-to-reuse-and-keep]
           Dashboard.Bench storm [--quick] [--json out.json] [--reports N] [--tabs K]
    """;

var mode = args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal) ? "live" : args[0];
if (mode == "baseline-server")
{
    // The bare hub of the live bench's baseline, started by the live mode as its own child process.
    return await Dashboard.Bench.Live.BareServer.RunAsync(args[1..]);
}

if (mode is not ("live" or "scaleout" or "positions" or "recommend" or "metrics" or "storm"))
{
    await Console.Error.WriteLineAsync(Usage);
    return 2;
}

var quick = args.Contains("--quick");

// The load options both live modes take: --clients --reports --positions --seconds --warmup.
LiveBench.Settings WithLoadOptions(LiveBench.Settings settings) => settings with
{
    Clients = Int("--clients") ?? settings.Clients,
    ReportsPerSecond = Double("--reports") ?? settings.ReportsPerSecond,
    PositionsPerSecond = Int("--positions") ?? settings.PositionsPerSecond,
    Seconds = Double("--seconds") ?? settings.Seconds,
    WarmUpSeconds = Double("--warmup") ?? (quick ? 2 : 5),
};
var json = ValueOf("--json");
object report;
bool passed;
if (mode == "scaleout")
{
    var settings = quick
        ? new LiveBench.Settings(Clients: 200, ReportsPerSecond: 20, PositionsPerSecond: 5_000, Seconds: 8, Circuits: 0, Url: null, Seed: 20261123, Circuit: false)
        : new LiveBench.Settings(Clients: 500, ReportsPerSecond: 50, PositionsPerSecond: 10_000, Seconds: 30, Circuits: 0, Url: null, Seed: 20261123, Circuit: false);
    settings = WithLoadOptions(settings);
    var scaleOut = await LiveBench.RunScaleOutAsync(settings, Console.Out);
    (report, passed) = (scaleOut, scaleOut.Passed);
}
else if (mode == "live")
{
    var settings = quick
        // 30,000 positions/s: above the 25,000/s durable target, so the durable rate (never above what is offered) can show it.
        ? new LiveBench.Settings(Clients: 200, ReportsPerSecond: 20, PositionsPerSecond: 30_000, Seconds: 8, Circuits: 8, Url: null, Seed: 20261123, Circuit: true)
        : new LiveBench.Settings(Clients: 500, ReportsPerSecond: 50, PositionsPerSecond: 30_000, Seconds: 40, Circuits: 30, Url: null, Seed: 20261123, Circuit: true);
    settings = WithLoadOptions(settings) with
    {
        Circuits = Int("--circuits") ?? settings.Circuits,
        Url = ValueOf("--url") is { } url ? new Uri(url.EndsWith('/') ? url : url + "/") : null,
        Seed = Int("--seed") ?? settings.Seed,
        Circuit = !args.Contains("--no-circuits"),
        // The full run reads the circuits' heap once the shared buffer pools have let go of what opening 30 tabs used (a minute);
        // --quick reads it at once, so it stays under two minutes, and its 8 tabs leave little in the pools.
        SettleSeconds = Double("--settle") ?? (quick ? 0 : 65),
    };
    var live = await LiveBench.RunAsync(settings, Console.Out);
    (report, passed) = (live, live.Passed);
}
else if (mode == "storm")
{
    // R reports nobody answers breach together a minute later, in front of K open dashboards.
    var settings = quick ? new LiveBench.StormSettings(Reports: 500, Tabs: 3, CalmSeconds: 10, StormSeconds: 20) : new LiveBench.StormSettings(Reports: 1_500, Tabs: 5, CalmSeconds: 20, StormSeconds: 40);
    settings = settings with { Reports = Int("--reports") ?? settings.Reports, Tabs = Int("--tabs") ?? settings.Tabs };
    var storm = await LiveBench.RunStormAsync(settings, Console.Out);
    (report, passed) = (storm, storm.Passed);
}
else if (mode == "positions")
{
    var producers = ValueOf("--producers") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 4;
    var settings = quick
        ? new PositionsBench.Settings(Officers: 5_000, Fixes: 300_000, Producers: producers)
        : new PositionsBench.Settings(Officers: 25_000, Fixes: 1_500_000, Producers: producers);
    var positions = await PositionsBench.RunAsync(settings, Console.Out);
    (report, passed) = (positions, positions.Ours.RowsVerified && positions.Baseline.RowsVerified);
}
else if (mode == "metrics")
{
    // ≥ 1 M events either way: a year at ~400 reports a day, or (quick) 120 days at ~1,200.
    var settings = quick ? new MetricsBench.Settings(Days: 120, ReportsPerDay: 1_200, Runs: 3) : new MetricsBench.Settings(Days: 365, ReportsPerDay: 400, Runs: 5);
    settings = settings with { KeepFile = ValueOf("--db") };
    var metrics = await MetricsBench.RunAsync(settings, Console.Out);
    (report, passed) = (metrics, metrics.Complete && metrics.History.Events >= 1_000_000);
}
else
{
    var settings = quick
        ? new RecommendBench.Settings(Officers: 25_000, Requests: 20_000, BaselineRequests: 5_000, WarmUp: 2_000, Verify: 2_000)
        : new RecommendBench.Settings(Officers: 25_000, Requests: 200_000, BaselineRequests: 50_000, WarmUp: 10_000, Verify: 10_000);
    var recommend = RecommendBench.Run(settings, Console.Out);
    (report, passed) = (recommend, recommend.Mismatches == 0);
}

if (json is not null)
{
    await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, report.GetType(), new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    Console.WriteLine($"JSON written to {Path.GetFullPath(json)}");
}

return passed ? 0 : 1;

int? Int(string option) => ValueOf(option) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;

double? Double(string option) => ValueOf(option) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : null;

string? ValueOf(string option)
{
    var i = Array.IndexOf(args, option);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
