using System.Diagnostics;
using Dapper;
using Dashboard.Core.Demo;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Metrics;
using Dashboard.Data;
using Dashboard.Data.Demo;
using Dashboard.Data.Incidents;
using Dashboard.Data.Metrics;
using Microsoft.Data.Sqlite;

namespace Dashboard.Bench;

/// <summary>
/// Tier KPIs (<see cref="MetricsRepository.TierKpisAsync(ScopeFilter, MetricRange, CancellationToken)"/>) over a year of generated
/// history on a fresh SQLite file: the demo city, <see cref="HistoryGenerator"/> for the days before today, then the city, one
/// district and one township × today, last 7, last 30 and last 365 days (medians after a warm-up), against a full scan of the
/// event log in the same run. A 365-day range ending yesterday (before the latest events) is timed too: it takes the exact
/// event-log path of the repository rather than the incident-row one.
/// </summary>
internal static class MetricsBench
{
    // A full pass over the event log: the cheapest query that reads every event once.
    private const string BaselineSql = "SELECT type, COUNT(*) FROM incident_events GROUP BY type";

    /// <summary>KeepFile: a database file to reuse (generated when absent) and keep, for iterating on the queries.</summary>
    public sealed record Settings(int Days, int ReportsPerDay, int Runs, string? KeepFile = null);

    public sealed record Timing(string Scope, string Range, bool EventLogPath, double MedianMs, double MinMs, int Reports, int Nodes, double Ratio);

    public sealed record Report(
        Settings Settings,
        int ProcessorCount,
        HistoryResult History,
        double GenerateSeconds,
        long FileBytes,
        double BaselineMs,
        IReadOnlyList<Timing> Timings,
        bool Complete);

    public static async Task<Report> RunAsync(Settings settings, TextWriter output)
    {
        var root = Path.Combine(Path.GetTempPath(), "dashboard-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var file = settings.KeepFile is { } keep ? Path.GetFullPath(keep) : Path.Combine(root, "metrics.db");
        var reuse = File.Exists(file);
        try
        {
            var db = new DbConnectionFactory(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file}" });
            await new SchemaMigrator(db).MigrateAsync();
            var city = DemoCityGenerator.Generate();

            var zone = MetricRange.Shanghai;
            var now = DateTimeOffset.UtcNow;
            var today = MetricRange.LocalDate(now, zone);
            output.WriteLine($"metrics: {settings.Days} days × ~{settings.ReportsPerDay} reports/day before {today:yyyy-MM-dd}, {Environment.ProcessorCount} cores");
            var clock = Stopwatch.StartNew();
            HistoryResult history;
            if (reuse)
            {
                await using var connection = await db.OpenAsync();
                history = new HistoryResult(
                    await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM incidents"),
                    await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM incident_events"),
                    await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM tasks"),
                    await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM officer_patrol_days"));
                output.WriteLine($"reusing {file}");
            }
            else
            {
                await new DemoCitySeeder(db).SeedIfEmptyAsync(city);
                history = await new HistoryGenerator(db).GenerateAsync(city, today.AddDays(-settings.Days), today.AddDays(-1), settings.ReportsPerDay, DemoCityGenerator.DefaultSeed);
            }

            clock.Stop();
            output.WriteLine($"generated {history.Incidents:N0} incidents, {history.Events:N0} events, {history.Tasks:N0} tasks, {history.PatrolDays:N0} patrol days in {clock.Elapsed.TotalSeconds:F1} s");
            // No ANALYZE: the application never runs it, so the planner works without statistics here as it does there.
            var fileBytes = new FileInfo(file).Length + (File.Exists(file + "-wal") ? new FileInfo(file + "-wal").Length : 0);

            var baseline = await MedianAsync(settings.Runs, async () =>
            {
                await using var connection = await db.OpenAsync();
                return (await connection.QueryAsync(BaselineSql)).Count();
            });
            output.WriteLine($"baseline (full scan of incident_events by type): {baseline.Median:F1} ms");

            var district = city.Jurisdictions.Where(j => j.Level == JurisdictionLevel.District).OrderBy(j => j.Code, StringComparer.Ordinal).First();
            var township = city.Jurisdictions.Where(j => j.Level == JurisdictionLevel.Township && j.ParentCode == district.Code).OrderBy(j => j.Code, StringComparer.Ordinal).First();
            var scopes = new[]
            {
                ("city", new ScopeFilter(JurisdictionLevel.City, DemoCityGenerator.CityCode)),
                ("district", new ScopeFilter(JurisdictionLevel.District, district.Code)),
                ("township", new ScopeFilter(JurisdictionLevel.Township, township.Code)),
            };
            var ranges = new (string Name, MetricRange Range, bool EventLog)[]
            {
                ("today", MetricRange.For(MetricPeriod.Today, now, zone), false),
                ("7 days", MetricRange.For(MetricPeriod.Last7Days, now, zone), false),
                ("30 days", MetricRange.For(MetricPeriod.Last30Days, now, zone), false),
                ("365 days", MetricRange.Custom(today.AddDays(-364), today, zone), false),
                ("365 d to yesterday", MetricRange.Custom(today.AddDays(-366), today.AddDays(-2), zone), true),
            };

            var metrics = new MetricsRepository(db);
            var timings = new List<Timing>();
            var complete = true;
            foreach (var (scopeName, scope) in scopes)
            {
                foreach (var (rangeName, range, eventLog) in ranges)
                {
                    IReadOnlyList<TierKpis> last = [];
                    var t = await MedianAsync(settings.Runs, async () =>
                    {
                        last = await metrics.TierKpisAsync(scope, range);
                        return last.Count;
                    });
                    var reports = last.Count > 0 ? last[0].Reports : -1;
                    // Missing: no rows at all, or a range of past days that should hold reports but has none.
                    if (last.Count == 0 || (rangeName != "today" && reports <= 0))
                    {
                        complete = false;
                    }

                    timings.Add(new Timing(scopeName, rangeName, eventLog, t.Median, t.Min, reports, last.Count, t.Median / baseline.Median));
                }
            }

            // Portraits read the parent's tasks and patrol days, then rank in memory: time a subject of each kind.
            var portraits = new PortraitRepository(db);
            var team = city.Teams.Where(t => t.TownshipCode == township.Code).OrderBy(t => t.Code, StringComparer.Ordinal).First();
            var officer = city.Officers.Where(o => o.TeamCode == team.Code).OrderBy(o => o.Id).First();
            var subjects = new (string Name, PortraitKind Kind, string Id)[]
            {
                ("portrait/officer", PortraitKind.Officer, officer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("portrait/team", PortraitKind.Team, team.Code),
                ("portrait/township", PortraitKind.Township, township.Code),
            };
            foreach (var (name, kind, id) in subjects)
            {
                foreach (var (rangeName, range, eventLog) in ranges.Where(r => r.Name is "30 days" or "365 days"))
                {
                    PortraitReport? last = null;
                    var t = await MedianAsync(settings.Runs, async () =>
                    {
                        last = await portraits.LoadAsync(kind, id, range, TrendBucket.Day, zone);
                        return last?.Ranking.Count ?? 0;
                    });
                    if (last is null || last.Subject.Figures.Tasks == 0)
                    {
                        complete = false;
                    }

                    timings.Add(new Timing(name, rangeName, eventLog, t.Median, t.Min, last?.Subject.Figures.Tasks ?? -1, last?.Ranking.Count ?? 0, t.Median / baseline.Median));
                }
            }

            output.WriteLine();
            output.WriteLine($"{"scope",-18} {"range",-19} {"median ms",10} {"min ms",8} {"× baseline",11} {"reports",9} {"nodes",6}");
            foreach (var t in timings)
            {
                output.WriteLine($"{t.Scope,-18} {t.Range,-19} {t.MedianMs,10:F1} {t.MinMs,8:F1} {t.Ratio,11:F2} {t.Reports,9:N0} {t.Nodes,6}");
            }

            var slow = timings.Where(t => (t.Scope == "city" || t.Scope.StartsWith("portrait", StringComparison.Ordinal)) && !t.EventLogPath && t.MedianMs >= 1000).ToList();
            output.WriteLine(complete ? "all results present" : "MISSING RESULTS");
            output.WriteLine(slow.Count == 0 ? "city-level roll-ups and portraits ending today: all < 1 s" : $"≥ 1 s: {string.Join(", ", slow.Select(s => s.Range))}");
            return new Report(settings, Environment.ProcessorCount, history, clock.Elapsed.TotalSeconds, fileBytes, baseline.Median, timings, complete);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(root) && settings.KeepFile is null)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task<(double Median, double Min)> MedianAsync(int runs, Func<Task<int>> run)
    {
        await run(); // warm-up: page cache, statement cache, JIT
        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await run();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return (times[times.Count / 2], times[0]);
    }
}
