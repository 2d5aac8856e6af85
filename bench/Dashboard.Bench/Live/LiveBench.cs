using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Dashboard.Core.Accounts;
using Dashboard.Core.Demo;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data;
using Dashboard.Data.Accounts;
using Dashboard.Data.Jurisdictions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;

namespace Dashboard.Bench.Live;

/// <summary>
/// The live bench: the app (started here, or at --url) with N SignalR clients spread over city, districts and townships,
/// P positions/s and R reports/s over HTTP; latency from POST to each in-scope client, events lost, throughput, server
/// CPU and memory; then the same clients, payloads and rates against a bare SignalR hub (the baseline); then circuit memory.
/// </summary>
internal static partial class LiveBench
{
    public const string BenchPassword = "Bench@2026";

    /// <summary>The app's demo users (Dashboard.Web's DemoUsers; the bench does not reference the web assembly).</summary>
    private static class DemoUsers
    {
        public const string CityOperator = "city_op";
        public const string DistrictOperator = "district_op";
        public const string TownshipOperator = "township_op";
        public const string Admin = "admin";
    }

    private const string DemoPassword = "Demo@2026";
    private const int PositionBatch = 1000;
    private const int MaxBatchesInFlight = 6;

    public sealed record Settings(
        int Clients, double ReportsPerSecond, int PositionsPerSecond, double Seconds, int Circuits, Uri? Url, int Seed, bool Circuit, double WarmUpSeconds = 2,
        double SettleSeconds = 0);

    public sealed record Phase(
        string Name, int Clients, double ConnectSeconds, double Seconds,
        int Reports, int ReportErrors, double ReportsPerSecond,
        long Expected, long Received, long Lost, long Duplicates, int OtherEvents,
        double P50Ms, double P99Ms, double MaxMs, double DeliveriesPerSecond,
        long PositionsSent, long PositionsAccepted, long PositionsFiltered, int Busy503, int PositionErrors, double PositionsAcceptedPerSecond,
        long? DurableRows, double? DurablePositionsPerSecond, double? DurableLagSeconds,
        double ServerCores, double ServerStartMb, double ServerPeakMb, double ServerEndMb, double BenchCores);

    public sealed record DbCheck(int Created, int FoundInDb, int Missing, long FromSeq);

    public sealed record Report(
        Settings Settings, int ProcessorCount, string Target, Phase Ours, Phase Baseline, double P99Ratio, DbCheck? Database,
        CircuitBench.Result? Circuits, IReadOnlyList<string> Problems)
    {
        public bool Passed => Problems.Count == 0;
    }

    private sealed record Place(string Township, string District, string City, double Lat, double Lon);

    private sealed record Target(
        string Name, Func<ClientSpec, Uri> HubUrl, Func<ClientSpec, Func<Task<string?>>?> Token, HttpClient Reports, HttpClient Positions,
        Func<Place, string> ReportPath, int? ServerPid, Func<Task<long>>? TrackRows);

    public static async Task<Report> RunAsync(Settings settings, TextWriter output)
    {
        var problems = new List<string>();
        var root = Path.Combine(Path.GetTempPath(), "dashboard-bench", "live-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        ChildServer? app = null;
        ChildServer? bare = null;
        try
        {
            // 1. The app: started here on a fresh SQLite file, or the one at --url.
            Uri appBase;
            string? dbFile = null;
            if (settings.Url is null)
            {
                dbFile = Path.Combine(root, "bench.db");
                var watch = Stopwatch.StartNew();
                app = await StartAppAsync(dbFile, root);
                appBase = app.BaseAddress;
                output.WriteLine($"live: app started at {appBase} (pid {app.ProcessId}, {watch.Elapsed.TotalSeconds:F1} s, log {app.LogFile})");
            }
            else
            {
                appBase = settings.Url;
                output.WriteLine($"live: targeting {appBase}");
            }

            // 2. The city, the officers and the users the clients sign in as.
            var (tree, officers, users) = dbFile is not null ? await PrepareDatabaseAsync(dbFile) : DemoCity(settings.Seed);
            var specs = Spread(settings.Clients, tree, users);
            output.WriteLine($"live: {settings.Clients} clients ({specs.Count(s => s.ScopeCode == tree.Root.Code)} city, "
                + $"{specs.Count(s => tree.Find(s.ScopeCode)!.Level == JurisdictionLevel.District)} district, "
                + $"{specs.Count(s => tree.Find(s.ScopeCode)!.Level == JurisdictionLevel.Township)} township; "
                + $"{specs.Count(s => s.JoinCode is not null)} also JoinScope a district), {settings.ReportsPerSecond} reports/s, "
                + $"{settings.PositionsPerSecond:N0} positions/s for {settings.Seconds} s, {Environment.ProcessorCount} cores");
            var places = Places(tree, settings.Seed, (int)Math.Ceiling(settings.ReportsPerSecond * settings.Seconds) + 1);

            using var api = new HttpClient { BaseAddress = appBase, Timeout = TimeSpan.FromSeconds(60) };
            var tokens = new ConcurrentDictionary<string, string>();
            foreach (var user in specs.Select(s => s.UserName).Append(DemoUsers.CityOperator).Append(DemoUsers.Admin).Distinct())
            {
                tokens[user] = await TokenAsync(api, user, users.TryGetValue(user, out var password) ? password : DemoPassword);
            }

            var category = await CategoryAsync(api, tokens[DemoUsers.CityOperator]);

            // 3. Ours.
            using var ourReports = Http(appBase, tokens[DemoUsers.CityOperator]);
            using var ourPositions = Http(appBase, tokens[DemoUsers.Admin]);
            var ours = new Target(
                "ours", _ => new Uri(appBase, "hubs/command"), s => () => Task.FromResult<string?>(tokens[s.UserName]), ourReports, ourPositions,
                _ => "api/v1/incidents", app?.ProcessId,
                dbFile is null ? null : () => CountTracksAsync(dbFile));
            var (oursPhase, clients, tag, created) = await RunPhaseAsync(ours, settings, specs, tree, places, officers, category, output, keepClients: true);
            DbCheck? dbCheck = null;
            string? template;
            try
            {
                template = clients.Select(c => c.Sample).FirstOrDefault(s => s is not null);
                dbCheck = await CheckDatabaseAsync(clients, tree, tag, created, dbFile is not null);
                output.WriteLine($"live: GetEventsSince({dbCheck.FromSeq}) as a city client finds {dbCheck.FoundInDb:N0} of the {dbCheck.Created:N0} reports created");
            }
            finally
            {
                await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
            }

            // 4. Baseline: the bare hub in its own process, same clients, same payloads (the app's real event as template), same rates.
            bare = await StartBareAsync(root);
            output.WriteLine($"live: baseline hub started at {bare.BaseAddress} (pid {bare.ProcessId})");
            using var bareReports = Http(bare.BaseAddress, null);
            using var barePositions = Http(bare.BaseAddress, null);
            if (template is not null)
            {
                using var content = new StringContent(template, System.Text.Encoding.UTF8, "application/json");
                (await bareReports.PostAsync("template", content)).EnsureSuccessStatusCode();
            }
            else
            {
                problems.Add("no IncidentReported event was received from the app: the baseline runs on a made-up template");
            }

            var bareBase = bare.BaseAddress;
            var baseline = new Target(
                "baseline", s => new Uri(bareBase, $"{BareServer.HubPath.TrimStart('/')}?scope={s.ScopeCode}"), _ => null, bareReports, barePositions,
                p => $"api/v1/incidents?township={p.Township}&district={p.District}&city={p.City}", bare.ProcessId, null);
            var (basePhase, baseClients, _, _) = await RunPhaseAsync(baseline, settings, specs, tree, places, officers, category, output, keepClients: false);
            _ = baseClients;

            // 5. Circuit memory.
            CircuitBench.Result? circuits = null;
            if (settings.Circuit && settings.Circuits > 0)
            {
                try
                {
                    var admin = app is null ? null : await TokenAsync(api, DemoUsers.Admin, DemoPassword);
                    circuits = await CircuitBench.RunAsync(appBase, app?.ProcessId, bare.BaseAddress, bare.ProcessId, settings.Circuits, DemoUsers.CityOperator, DemoPassword, output, admin, settings.SettleSeconds);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    problems.Add($"circuit memory not measured: {ex.GetType().Name}: {ex.Message}");
                }
            }

            Check(oursPhase, problems);
            Check(basePhase, problems);
            if (dbCheck is { Missing: > 0 })
            {
                problems.Add($"{dbCheck.Missing} reports missing from GetEventsSince");
            }

            if (settings.Circuit && settings.Circuits > 0 && circuits is not null && (circuits.Ours.PerCircuitMb is null || circuits.Baseline.PerCircuitMb is null))
            {
                problems.Add("circuit memory missing (the app was not started here, or a page never became interactive)");
            }

            var report = new Report(
                settings, Environment.ProcessorCount, settings.Url is null ? "started" : appBase.ToString(), oursPhase, basePhase,
                basePhase.P99Ms > 0 ? oursPhase.P99Ms / basePhase.P99Ms : double.NaN, dbCheck, circuits, problems);
            Print(report, output);
            return report;
        }
        finally
        {
            if (bare is not null)
            {
                await bare.DisposeAsync();
            }

            if (app is not null)
            {
                await app.DisposeAsync();
            }

            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Check(Phase p, List<string> problems)
    {
        if (p.Reports == 0 || p.Received == 0)
        {
            problems.Add($"{p.Name}: no latency measured");
        }

        if (p.Lost > 0)
        {
            problems.Add($"{p.Name}: {p.Lost} deliveries lost");
        }

        if (p.ReportErrors > 0)
        {
            problems.Add($"{p.Name}: {p.ReportErrors} reports refused");
        }

        if (p.PositionErrors > 0)
        {
            problems.Add($"{p.Name}: {p.PositionErrors} position batches failed");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Starting the servers

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Dashboard.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<ChildServer> StartAppAsync(string dbFile, string root, IReadOnlyDictionary<string, string>? extra = null, string log = "app.log")
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var bin = Path.Combine(RepositoryRoot(), "src", "Dashboard.Web", "bin", configuration, "net10.0");
        var dll = Path.Combine(bin, "Dashboard.Web.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing: build with `dotnet build bench/Dashboard.Bench -c {configuration}`");
        }

        var environment = new Dictionary<string, string>
        {
            // Development serves the static web assets (blazor.web.js, MudBlazor, Leaflet) from the build output; Production needs a publish.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Database__Provider"] = "Sqlite",
            ["Database__ConnectionString"] = $"Data Source={dbFile}",
            ["Demo__Enabled"] = "true",
            ["Demo__HistoryDays"] = "0",
            ["Simulation__Enabled"] = "false",
            // Raised for this run only: one operator reports for the whole city.
            ["Diagnostics__Memory"] = "true",
            ["RateLimits__IntakeBurst"] = "1000000",
            ["RateLimits__IntakePerMinute"] = "10000000",
            ["RateLimits__PositionsBurst"] = "1000000",
            ["RateLimits__PositionsPerMinute"] = "10000000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return await ChildServer.StartAsync("dotnet", [dll], bin, environment, "health/ready", Path.Combine(root, log), TimeSpan.FromMinutes(3));
    }

    private static async Task<ChildServer> StartBareAsync(string root)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var dll = typeof(LiveBench).Assembly.Location;
        string[] args = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [dll, "baseline-server"] : ["baseline-server"];
        var environment = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        return await ChildServer.StartAsync(self, args, AppContext.BaseDirectory, environment, "health", Path.Combine(root, "baseline.log"), TimeSpan.FromSeconds(60));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // City, users, clients

    private static async Task<(JurisdictionTree Tree, (int Id, string Township)[] Officers, Dictionary<string, string> Users)> PrepareDatabaseAsync(string dbFile)
    {
        DapperSetup.Register(DatabaseProvider.Sqlite);
        var db = new DbConnectionFactory(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={dbFile}" });
        var tree = new JurisdictionTree(await new JurisdictionRepository(db).LoadAllAsync());
        (int, string)[] officers;
        await using (var connection = await db.OpenAsync())
        {
            officers = (await connection.QueryAsync<(long Id, string Township)>("SELECT id, township_code FROM officers ORDER BY id"))
                .Select(o => ((int)o.Id, o.Township)).ToArray();
        }

        // One operator per node of city, districts and townships, written with the app's own repository and hasher.
        // One hash serves them all: PasswordHasher does not mix the user into the hash.
        var repository = new UserRepository(db, TimeProvider.System);
        var hash = new PasswordHasher<UserAccount>().HashPassword(new UserAccount(0, "", "", "", Roles.Operator, "", null, 0, null), BenchPassword);
        var users = new Dictionary<string, string>();
        foreach (var node in tree.All.Where(n => n.Level is JurisdictionLevel.City or JurisdictionLevel.District or JurisdictionLevel.Township))
        {
            var name = "bench_" + node.Code;
            if (await repository.FindByUserNameAsync(name) is null)
            {
                await repository.InsertAsync(new UserAccount(0, name, "bench " + node.Name, hash, Roles.Operator, node.Code, null, 0, null));
            }

            users[name] = BenchPassword;
        }

        return (tree, officers, users);
    }

    /// <summary>--url: the demo city of the same seed, and only the demo users (their scopes are the first district and township).</summary>
    private static (JurisdictionTree, (int, string)[], Dictionary<string, string>) DemoCity(int seed)
    {
        var city = DemoCityGenerator.Generate(seed);
        var tree = new JurisdictionTree(city.Jurisdictions);
        var district = tree.ChildrenOf(tree.Root.Code)[0];
        var township = tree.ChildrenOf(district.Code)[0];
        var users = new Dictionary<string, string>
        {
            ["@" + tree.Root.Code] = DemoUsers.CityOperator,
            ["@" + district.Code] = DemoUsers.DistrictOperator,
            ["@" + township.Code] = DemoUsers.TownshipOperator,
        };
        return (tree, city.Officers.Select(o => (o.Id, o.TownshipCode)).ToArray(), users);
    }

    /// <summary>10 % city, 30 % district, 60 % township (at least one each), round-robin over the nodes; every other city client also JoinScopes a district.</summary>
    private static List<ClientSpec> Spread(int n, JurisdictionTree tree, Dictionary<string, string> users)
    {
        string? UserFor(string code) =>
            users.ContainsKey("bench_" + code) ? "bench_" + code : users.TryGetValue("@" + code, out var demo) ? demo : null;

        var districts = tree.OfLevel(JurisdictionLevel.District).Where(d => UserFor(d.Code) is not null).OrderBy(d => d.Code, StringComparer.Ordinal).ToList();
        var townships = tree.OfLevel(JurisdictionLevel.Township).Where(t => UserFor(t.Code) is not null).OrderBy(t => t.Code, StringComparer.Ordinal).ToList();
        var allDistricts = tree.ChildrenOf(tree.Root.Code);
        var city = Math.Max(1, n / 10);
        var district = Math.Max(1, (n * 3) / 10);
        var specs = new List<ClientSpec>(n);
        for (var i = 0; i < n; i++)
        {
            string code;
            string? join = null;
            if (i < city)
            {
                code = tree.Root.Code;
                join = i % 2 == 1 ? allDistricts[(i / 2) % allDistricts.Count].Code : null;
            }
            else if (i < city + district)
            {
                code = districts[(i - city) % districts.Count].Code;
            }
            else
            {
                code = townships[(i - city - district) % townships.Count].Code;
            }

            specs.Add(new ClientSpec(i, code, UserFor(code)!, join));
        }

        return specs;
    }

    private static Place[] Places(JurisdictionTree tree, int seed, int count)
    {
        var rng = new Random(seed);
        var townships = tree.OfLevel(JurisdictionLevel.Township).OrderBy(t => t.Code, StringComparer.Ordinal).ToArray();
        var places = new Place[count];
        for (var k = 0; k < count; k++)
        {
            var township = townships[rng.Next(townships.Length)];
            var grids = tree.ChildrenOf(township.Code);
            var point = (grids.Count > 0 ? grids[rng.Next(grids.Count)] : township).Boundary.InteriorPoint;
            places[k] = new Place(township.Code, township.ParentCode!, tree.Root.Code, point.Y, point.X);
        }

        return places;
    }

    private static async Task<string> TokenAsync(HttpClient api, string user, string password)
    {
        using var response = await api.PostAsJsonAsync("api/v1/auth/token", new { username = user, password });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"token for {user}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("accessToken").GetString()!;
    }

    private static async Task<string> CategoryAsync(HttpClient api, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/categories");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await api.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.EnumerateArray().Select(c => c.GetProperty("code").GetString()).FirstOrDefault(c => c is not null) ?? "FXCD";
    }

    private static HttpClient Http(Uri baseAddress, string? token)
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    private static async Task<long> CountTracksAsync(string dbFile)
    {
        // The app makes the tracks file on its first fix.
        var tracksFile = DbConnectionFactory.TracksFileOf(dbFile);
        if (!File.Exists(tracksFile))
        {
            return 0;
        }

        await using var connection = new SqliteConnection($"Data Source={tracksFile};Mode=ReadOnly");
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM officer_tracks");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // One phase: connect, drive, drain, measure

    private static async Task<(Phase Phase, List<LiveClient> Clients, string Tag, int[] Created)> RunPhaseAsync(
        Target target, Settings settings, List<ClientSpec> specs, JurisdictionTree tree, Place[] places, (int Id, string Township)[] officers,
        string category, TextWriter output, bool keepClients)
    {
        var tag = "bench" + Guid.NewGuid().ToString("N")[..8];
        var connectClock = Stopwatch.StartNew();
        var clients = new LiveClient[specs.Count];
        using (var gate = new SemaphoreSlim(16))
        {
            await Task.WhenAll(specs.Select(async s =>
            {
                await gate.WaitAsync();
                try
                {
                    clients[s.Index] = await LiveClient.ConnectAsync(s, target.HubUrl(s), target.Token(s), CancellationToken.None);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        var connectSeconds = connectClock.Elapsed.TotalSeconds;
        var reportCount = (int)Math.Floor(settings.ReportsPerSecond * settings.Seconds);
        foreach (var c in clients)
        {
            c.Arm(tag, reportCount);
        }

        // Who must receive report k: every client with a joined scope at or above its township.
        var receivers = new List<int>[reportCount];
        for (var k = 0; k < reportCount; k++)
        {
            var p = places[k];
            receivers[k] = clients.Where(c => tree.IsWithin(p.Township, c.Spec.ScopeCode) || (c.Spec.JoinCode is { } j && tree.IsWithin(p.Township, j)))
                .Select(c => c.Spec.Index).ToList();
        }

        output.WriteLine($"{target.Name}: {clients.Length} clients connected in {connectSeconds:F1} s; driving {reportCount} reports and "
            + $"{settings.PositionsPerSecond * settings.Seconds:N0} positions over {settings.Seconds} s");

        var sendTs = new long[reportCount];
        var outcome = new int[reportCount];
        var created = new int[reportCount];
        var positions = new PositionStats();
        var fixStart = DateTimeOffset.UtcNow.AddSeconds(-((settings.PositionsPerSecond * settings.Seconds / Math.Max(1, officers.Length)) + 120));
        var bases = officers.Select(o =>
        {
            var t = tree.Find(o.Township);
            var pt = (t is null ? tree.Root : t).Boundary.InteriorPoint;
            return (pt.Y, pt.X);
        }).ToArray();

        // Warm-up at the same rates, not measured: first-use JIT and caches are not what a command room lives with.
        if (settings.WarmUpSeconds > 0)
        {
            await WarmUpAsync(target, settings, places, officers, bases, fixStart, category);
        }

        var initialRows = target.TrackRows is null ? 0 : await target.TrackRows();
        await using var server = target.ServerPid is { } pid ? new ProcessSampler(pid) : null;
        using var self = Process.GetCurrentProcess();
        var selfCpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var pending = new List<Task>();
        var batchTasks = new List<Task>();
        var totalBatches = (int)Math.Ceiling(settings.PositionsPerSecond * settings.Seconds / PositionBatch);
        var inFlight = 0;
        int nextReport = 0, nextBatch = 0;
        using var stopRetries = new CancellationTokenSource();
        var rowsReachedAt = new TimeSpan?[1];
        var durablePoll = target.TrackRows is null ? Task.CompletedTask : Task.Run(async () =>
        {
            while (!stopRetries.IsCancellationRequested || Volatile.Read(ref positions.Accepted) > 0)
            {
                var rows = await target.TrackRows() - initialRows;
                positions.DurableRows = rows;
                if (nextBatch >= totalBatches && Volatile.Read(ref inFlight) == 0 && rows >= Volatile.Read(ref positions.Accepted) - Volatile.Read(ref positions.Filtered))
                {
                    rowsReachedAt[0] = clock.Elapsed;
                    return;
                }

                if (clock.Elapsed.TotalSeconds > settings.Seconds + 60)
                {
                    return;
                }

                await Task.Delay(200);
            }
        });

        while (nextReport < reportCount || nextBatch < totalBatches)
        {
            var now = clock.Elapsed.TotalSeconds;
            while (nextReport < reportCount && nextReport / settings.ReportsPerSecond <= now)
            {
                var k = nextReport++;
                pending.Add(SendReportAsync(target, places[k], k, tag, category, sendTs, outcome, created));
            }

            while (nextBatch < totalBatches && (double)nextBatch * PositionBatch / settings.PositionsPerSecond <= now && Volatile.Read(ref inFlight) < MaxBatchesInFlight)
            {
                var j = nextBatch++;
                Interlocked.Increment(ref inFlight);
                batchTasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        await SendBatchAsync(target, j, officers, bases, fixStart, positions, stopRetries.Token);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                }));
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(pending);
        var driveSeconds = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(batchTasks);
        var positionSeconds = clock.Elapsed.TotalSeconds;

        // Drain: until every expected delivery arrived, or nothing moved for 5 s.
        long expected = 0;
        for (var k = 0; k < reportCount; k++)
        {
            if (outcome[k] is 200 or 201)
            {
                expected += receivers[k].Count;
            }
        }

        long received = 0, last = -1;
        var still = Stopwatch.StartNew();
        while (true)
        {
            received = 0;
            for (var k = 0; k < reportCount; k++)
            {
                foreach (var i in receivers[k])
                {
                    if (clients[i].Receipt(k) != 0)
                    {
                        received++;
                    }
                }
            }

            if (received >= expected || still.Elapsed > TimeSpan.FromSeconds(5))
            {
                break;
            }

            if (received != last)
            {
                last = received;
                still.Restart();
            }

            await Task.Delay(100);
        }

        await stopRetries.CancelAsync();
        await durablePoll;
        var benchCores = (self.TotalProcessorTime - selfCpu).TotalSeconds / clock.Elapsed.TotalSeconds;
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        var latencies = new List<double>((int)Math.Min(expected, int.MaxValue));
        for (var k = 0; k < reportCount; k++)
        {
            foreach (var i in receivers[k])
            {
                var at = clients[i].Receipt(k);
                if (at != 0 && outcome[k] is 200 or 201)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sendTs[k], at).TotalMilliseconds);
                }
            }
        }

        latencies.Sort();
        double Pct(double q) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        var errors = outcome.Count(o => o is not (200 or 201));
        double? durablePerSecond = null, lag = null;
        long? durableRows = null;
        if (target.TrackRows is not null)
        {
            durableRows = await target.TrackRows() - initialRows;
            if (rowsReachedAt[0] is { } reached)
            {
                durablePerSecond = durableRows / reached.TotalSeconds;
                lag = reached.TotalSeconds - positionSeconds;
            }
        }

        const double Mb = 1024 * 1024;
        var phase = new Phase(
            target.Name, clients.Length, connectSeconds, driveSeconds,
            reportCount, errors, (reportCount - errors) / driveSeconds,
            expected, received, expected - received, clients.Sum(c => (long)c.Duplicates), clients.Sum(c => c.Other),
            Pct(0.50), Pct(0.99), latencies.Count == 0 ? 0 : latencies[^1], received / driveSeconds,
            positions.Sent, positions.Accepted, positions.Filtered, positions.Busy, positions.Errors, positions.Accepted / positionSeconds,
            durableRows, durablePerSecond, lag,
            server?.Cores ?? double.NaN, (server?.StartWorkingSet ?? 0) / Mb, (server?.PeakWorkingSet ?? 0) / Mb, (server?.EndWorkingSet ?? 0) / Mb, benchCores);
        output.WriteLine($"{target.Name}: p50 {phase.P50Ms:F1} ms, p99 {phase.P99Ms:F1} ms, max {phase.MaxMs:F1} ms; {received:N0}/{expected:N0} delivered, "
            + $"{phase.Lost} lost; positions {positions.Accepted:N0} accepted ({positions.Busy} × 503)");

        if (!keepClients)
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }

        return (phase, clients.ToList(), tag, created);
    }

    private static async Task WarmUpAsync(
        Target target, Settings settings, Place[] places, (int Id, string Township)[] officers, (double Lat, double Lon)[] bases, DateTimeOffset fixStart, string category)
    {
        var tag = "warm" + Guid.NewGuid().ToString("N")[..8];
        var reports = (int)Math.Ceiling(settings.ReportsPerSecond * settings.WarmUpSeconds);
        var batches = (int)Math.Ceiling(settings.PositionsPerSecond * settings.WarmUpSeconds / PositionBatch);
        var start = fixStart.AddSeconds(-((double)batches * PositionBatch / Math.Max(1, officers.Length)) - 60);
        var (sendTs, outcome, created) = (new long[reports], new int[reports], new int[reports]);
        var stats = new PositionStats();
        var clock = Stopwatch.StartNew();
        var tasks = new List<Task>();
        int k = 0, j = 0;
        while (k < reports || j < batches)
        {
            var now = clock.Elapsed.TotalSeconds;
            while (k < reports && k / settings.ReportsPerSecond <= now)
            {
                tasks.Add(SendReportAsync(target, places[k % places.Length], k, tag, category, sendTs, outcome, created));
                k++;
            }

            while (j < batches && (double)j * PositionBatch / settings.PositionsPerSecond <= now)
            {
                var batch = j++;
                tasks.Add(Task.Run(() => SendBatchAsync(target, batch, officers, bases, start, stats, CancellationToken.None)));
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(tasks);
        await Task.Delay(1000);
    }

    private sealed class PositionStats
    {
        public long Sent;
        public long Accepted;
        public long Filtered;
        public int Busy;
        public int Errors;
        public long DurableRows;
    }

    private static async Task SendReportAsync(Target target, Place place, int k, string tag, string category, long[] sendTs, int[] outcome, int[] created)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            clientId = $"{tag}-{k.ToString(CultureInfo.InvariantCulture)}",
            category,
            description = $"bench report {k.ToString(CultureInfo.InvariantCulture)}: 占道经营 at the corner, two stalls",
            lat = place.Lat,
            lon = place.Lon,
        });
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            sendTs[k] = Stopwatch.GetTimestamp();
            using var response = await target.Reports.PostAsync(target.ReportPath(place), content);
            outcome[k] = (int)response.StatusCode;
            created[k] = response.StatusCode == HttpStatusCode.Created ? 1 : 0;
        }
        catch (HttpRequestException)
        {
            outcome[k] = -1;
        }
        catch (TaskCanceledException)
        {
            outcome[k] = -2;
        }
    }

    /// <summary>
    /// Batch j = fixes j·1000 … j·1000+999 of a sequence where fix g is officer g % O's step g / O: one second and 7 m
    /// (east, then back west) after the previous, so the jitter filter keeps them all — a city of phones uploading buffered tracks.
    /// </summary>
    private static async Task SendBatchAsync(
        Target target, int j, (int Id, string Township)[] officers, (double Lat, double Lon)[] bases, DateTimeOffset start, PositionStats stats, CancellationToken stop)
    {
        var buffer = new ArrayBufferWriter<byte>(PositionBatch * 120);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            for (var g = (long)j * PositionBatch; g < ((long)j + 1) * PositionBatch; g++)
            {
                var o = (int)(g % officers.Length);
                var step = g / officers.Length;
                var leg = step % 200;
                var x = leg < 100 ? leg : 200 - leg;
                var (lat, lon) = bases[o];
                json.WriteStartObject();
                json.WriteNumber("officerId", officers[o].Id);
                json.WriteNumber("lat", Math.Round(lat, 6));
                json.WriteNumber("lon", Math.Round(lon + (x * 7 / (111_320 * Math.Cos(lat * Math.PI / 180))), 7));
                json.WriteString("at", start.AddSeconds(step));
                json.WriteNumber("speed", 7);
                json.WriteNumber("heading", leg < 100 ? 90 : 270);
                json.WriteNumber("accuracy", 5);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        var body = buffer.WrittenMemory.ToArray();
        Interlocked.Add(ref stats.Sent, PositionBatch);
        while (true)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            try
            {
                using var response = await target.Positions.PostAsync("api/v1/positions", content, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    // The queue is full: resending is safe (repeats are filtered).
                    Interlocked.Increment(ref stats.Busy);
                    if (stop.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref stats.Errors);
                        return;
                    }

                    await Task.Delay(100, CancellationToken.None);
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref stats.Errors);
                    return;
                }

                using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
                Interlocked.Add(ref stats.Accepted, result.RootElement.GetProperty("accepted").GetInt64());
                Interlocked.Add(ref stats.Filtered, result.RootElement.GetProperty("filtered").GetInt64());
                return;
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref stats.Errors);
                return;
            }
        }
    }

    /// <summary>GetEventsSince as a city client: every report this run created must be in the database's event log.</summary>
    private static async Task<DbCheck> CheckDatabaseAsync(List<LiveClient> clients, JurisdictionTree tree, string tag, int[] created, bool freshDatabase)
    {
        var city = clients.First(c => c.Spec.ScopeCode == tree.Root.Code);
        var from = freshDatabase ? 0 : Math.Max(0, clients.Min(c => c.MinSeq) - 1);
        var start = from;
        var found = new HashSet<string>(StringComparer.Ordinal);
        for (var calls = 0; calls < 10_000; calls++)
        {
            var events = await city.Connection.InvokeAsync<JsonElement[]>("GetEventsSince", from);
            foreach (var e in events)
            {
                from = Math.Max(from, e.GetProperty("seq").GetInt64());
                var clientId = e.GetProperty("incident").GetProperty("clientId").GetString();
                if (e.GetProperty("type").GetString() == "Reported" && clientId is not null && clientId.StartsWith(tag + "-", StringComparison.Ordinal))
                {
                    found.Add(clientId);
                }
            }

            if (events.Length == 0)
            {
                break;
            }
        }

        var createdCount = created.Sum();
        return new DbCheck(createdCount, found.Count, Math.Max(0, createdCount - found.Count), start);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static void Print(Report r, TextWriter o)
    {
        var (a, b) = (r.Ours, r.Baseline);
        static string N(double v, string f = "N0") => double.IsNaN(v) ? "n/a" : v.ToString(f, CultureInfo.InvariantCulture);
        static string Ratio(double x, double y) => y > 0 && !double.IsNaN(x) ? (x / y).ToString("F2", CultureInfo.InvariantCulture) + "×" : "";
        void Row(string name, string ours, string baseline, string ratio = "") => o.WriteLine($"{name,-34} {ours,14} {baseline,14} {ratio,8}");

        o.WriteLine();
        o.WriteLine($"live bench: {a.Clients} clients, {r.Settings.ReportsPerSecond} reports/s, {r.Settings.PositionsPerSecond:N0} positions/s, "
            + $"{r.Settings.Seconds} s, {r.ProcessorCount} cores (clients, load and both servers on this machine)");
        Row("", "ours", "baseline", "ratio");
        Row("report → client latency p50 (ms)", N(a.P50Ms, "F1"), N(b.P50Ms, "F1"), Ratio(a.P50Ms, b.P50Ms));
        Row("report → client latency p99 (ms)", N(a.P99Ms, "F1"), N(b.P99Ms, "F1"), Ratio(a.P99Ms, b.P99Ms));
        Row("report → client latency max (ms)", N(a.MaxMs, "F1"), N(b.MaxMs, "F1"), Ratio(a.MaxMs, b.MaxMs));
        Row("reports sent / refused", $"{a.Reports} / {a.ReportErrors}", $"{b.Reports} / {b.ReportErrors}");
        Row("deliveries expected", N(a.Expected), N(b.Expected));
        Row("deliveries received (distinct)", N(a.Received), N(b.Received));
        Row("lost", N(a.Lost), N(b.Lost));
        Row("duplicates (nested groups)", N(a.Duplicates), N(b.Duplicates));
        Row("deliveries/s", N(a.DeliveriesPerSecond), N(b.DeliveriesPerSecond), Ratio(a.DeliveriesPerSecond, b.DeliveriesPerSecond));
        Row("reports/s", N(a.ReportsPerSecond, "F1"), N(b.ReportsPerSecond, "F1"));
        Row("positions accepted/s", N(a.PositionsAcceptedPerSecond), N(b.PositionsAcceptedPerSecond));
        Row("positions durable/s (tracks)", a.DurablePositionsPerSecond is { } d ? N(d) : "n/a", "(not stored)");
        Row("positions 503 / failed batches", $"{a.Busy503} / {a.PositionErrors}", $"{b.Busy503} / {b.PositionErrors}");
        Row("server CPU (cores, avg)", N(a.ServerCores, "F2"), N(b.ServerCores, "F2"), Ratio(a.ServerCores, b.ServerCores));
        Row("server working set start/peak MB", $"{N(a.ServerStartMb)}/{N(a.ServerPeakMb)}", $"{N(b.ServerStartMb)}/{N(b.ServerPeakMb)}");
        Row("bench process CPU (cores, avg)", N(a.BenchCores, "F2"), N(b.BenchCores, "F2"));
        Row("clients connect (s)", N(a.ConnectSeconds, "F1"), N(b.ConnectSeconds, "F1"));
        if (r.Database is { } db)
        {
            o.WriteLine($"database: GetEventsSince finds {db.FoundInDb:N0} of {db.Created:N0} created reports ({db.Missing} missing)");
        }

        if (a.DurableRows is { } rows)
        {
            o.WriteLine($"positions: {rows:N0} rows durable in officer_tracks, {N(a.DurablePositionsPerSecond ?? double.NaN)}/s from the first POST "
                + $"until the writer had drained ({N(a.DurableLagSeconds ?? double.NaN, "F2")} s after the last batch was answered); {a.PositionsFiltered:N0} filtered");
        }

        if (r.Circuits is { } c)
        {
            CircuitBench.Print(c, o);
        }

        o.WriteLine();
        o.WriteLine("targets (as measured):");
        o.WriteLine($"  p99 ≤ 250 ms: {N(a.P99Ms, "F1")} ms {(a.P99Ms <= 250 ? "met" : "NOT met")}; ≤ 2× baseline p99: {Ratio(a.P99Ms, b.P99Ms)} {(a.P99Ms <= 2 * b.P99Ms ? "met" : "NOT met")}");
        o.WriteLine($"  0 lost: {a.Lost} {(a.Lost == 0 ? "met" : "NOT met")}");
        o.WriteLine($"  ≥ 25,000 positions/s durable: {(a.DurablePositionsPerSecond is { } dp ? N(dp) + (dp >= 25_000 ? " met" : " NOT met") : "n/a (no database access with --url)")}");
        if (r.Circuits is { Ours.ManagedPerCircuitMb: { } mb })
        {
            o.WriteLine($"  ≤ 1 MB per dashboard circuit (retained managed heap): {mb:F2} MB {(mb <= 1 ? "met" : "NOT met")}");
        }

        foreach (var p in r.Problems)
        {
            o.WriteLine("PROBLEM: " + p);
        }
    }
}
