using System.Globalization;
using System.Text.Json;
using Dashboard.Bench;

// dotnet run -c Release --project bench/Dashboard.Bench -- positions [--quick] [--json out.json] [--producers N]
if (args.Length == 0 || args[0] != "positions")
{
    await Console.Error.WriteLineAsync("usage: Dashboard.Bench positions [--quick] [--json out.json] [--producers N]");
    return 2;
}

var quick = args.Contains("--quick");
var json = ValueOf("--json");
var producers = ValueOf("--producers") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 4;
var settings = quick
    ? new PositionsBench.Settings(Officers: 5_000, Fixes: 300_000, Producers: producers)
    : new PositionsBench.Settings(Officers: 25_000, Fixes: 1_500_000, Producers: producers);

var report = await PositionsBench.RunAsync(settings, Console.Out);
if (json is not null)
{
    await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
    Console.WriteLine($"JSON written to {Path.GetFullPath(json)}");
}

return report.Ours.RowsVerified && report.Baseline.RowsVerified ? 0 : 1;

string? ValueOf(string option)
{
    var i = Array.IndexOf(args, option);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
