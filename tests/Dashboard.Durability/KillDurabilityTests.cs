using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;

namespace Dashboard.Durability;

/// <summary>
/// Reports are posted in a loop by concurrent posters while a city dashboard listens on the hub; the server process is killed
/// with SIGKILL mid-stream and restarted on the same SQLite file. Every report that got a 2xx must then be in the database
/// exactly once (one incident per clientId, one Reported event), retrying the reports whose outcome was unknown with the same
/// clientId must give exactly one incident each, and a dashboard resyncing with GetEventsSince(last contiguous seq it saw)
/// must receive every acknowledged report it had not seen, in seq order, with no gap.
/// </summary>
public sealed class KillDurabilityTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Operator = "city_op";
    private const string Category = "LJLD";
    private const int Posters = 8;
    private const int AcksBeforeKill = 150;

    private static readonly TimeSpan PostFor = TimeSpan.FromSeconds(2.5);

    private static readonly string[] HubMethods =
        ["IncidentReported", "IncidentUpdated", "TaskDispatched", "TaskUpdated", "SlaBreached", "IncidentEscalated"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dashboard-durability", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabaseFile => Path.Combine(_folder, "dashboard.db");

    private bool _passed;

    private string LogFile(int life) => Path.Combine(_folder, $"app-{life}.log");

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Every_acknowledged_report_survives_a_kill_9_exactly_once_and_reaches_dashboards_after_resync()
    {
        var total = Stopwatch.StartNew();
        var startTimeout = TimeSpan.FromSeconds(90);

        // 1. First life: the app on a fresh file, a city dashboard on the hub, posters in a loop.
        await using var first = await AppProcess.StartAsync(DatabaseFile, LogFile(1), startTimeout, Ct);
        var startedIn = total.Elapsed;
        var points = GridCentroids();
        Assert.NotEmpty(points);

        var acked = new ConcurrentDictionary<string, (long Id, string Code)>(StringComparer.Ordinal);
        var unknown = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var refused = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var seen = new ConcurrentDictionary<long, long>(); // seq → incident id, as the first dashboard received them
        var killedFlag = 0;
        int exitCode;
        int inFlightAtKill;
        TimeSpan postingFor;
        await using (var firstDashboard = await ConnectAsync(first.BaseAddress, await TokenAsync(first.BaseAddress)))
        {
            foreach (var method in HubMethods)
            {
                firstDashboard.On<JsonElement>(method, e => seen.TryAdd(e.GetProperty("seq").GetInt64(), e.GetProperty("incident").GetProperty("id").GetInt64()));
            }

            // What the log already holds (the demo seed writes no incidents without history, but be exact).
            foreach (var e in await firstDashboard.InvokeAsync<JsonElement[]>("GetEventsSince", 0L, Ct))
            {
                seen.TryAdd(e.GetProperty("seq").GetInt64(), e.GetProperty("incident").GetProperty("id").GetInt64());
            }

            var token = await TokenAsync(first.BaseAddress);
            using var http = Client(first.BaseAddress, TimeSpan.FromSeconds(30));
            var inFlight = 0;
            var next = 0;
            var posting = Stopwatch.StartNew();
            var posters = Enumerable.Range(0, Posters).Select(p => Task.Run(async () =>
            {
                while (Volatile.Read(ref killedFlag) == 0)
                {
                    var n = Interlocked.Increment(ref next);
                    var clientId = $"kill-{n:D5}";
                    var point = points[n % points.Count];
                    Interlocked.Increment(ref inFlight);
                    try
                    {
                        using var response = await PostReportAsync(http, token, clientId, point);
                        if (response.IsSuccessStatusCode)
                        {
                            var body = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
                            acked[clientId] = (body.GetProperty("id").GetInt64(), body.GetProperty("code").GetString()!);
                        }
                        else
                        {
                            // A 4xx/5xx before the kill would be a bug of its own; after the kill nothing answers.
                            unknown[clientId] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}";
                        }
                    }
                    catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
                    {
                        refused[clientId] = ex.Message;
                        return; // the server is gone: this poster stops
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                    {
                        unknown[clientId] = ex.GetType().Name + ": " + ex.Message;
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                }
            }, CancellationToken.None)).ToArray();

            // 2. Kill -9 mid-stream: after a while of posting, once enough reports are acknowledged (and the posters still go).
            while ((posting.Elapsed < PostFor || acked.Count < AcksBeforeKill) && posting.Elapsed < TimeSpan.FromSeconds(30) && posters.All(t => !t.IsCompleted))
            {
                await Task.Delay(10, Ct);
            }

            Assert.True(acked.Count >= AcksBeforeKill, $"only {acked.Count} reports acknowledged in {posting.Elapsed.TotalSeconds:F0} s; unknown: {string.Join("; ", unknown.Values.Take(3))}\n{AppProcess.Tail(LogFile(1))}");
            Assert.Empty(unknown); // nothing failed while the server was up
            Assert.Empty(refused);
            // The posters keep going through the kill: the requests the kill cuts off have an unknown outcome, the next one
            // of each poster is refused (it never reached a server) and that poster stops; all are retried after the restart.
            inFlightAtKill = Volatile.Read(ref inFlight);
            exitCode = await first.KillHardAsync();
            postingFor = posting.Elapsed;
            Volatile.Write(ref killedFlag, 1);
            await Task.WhenAll(posters).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        }

        // SIGKILL, not a graceful stop: .NET reports a process ended by signal N as 128 + N.
        Assert.Equal(128 + 9, exitCode);
        Assert.True(inFlightAtKill > 0, "no request was in flight at the kill");
        Assert.True(!unknown.IsEmpty, $"the kill cut off no request ({refused.Count} refused after it): not mid-stream");

        // The first dashboard's resync point: the highest seq up to which it saw every event (city scope sees all of them).
        var watermark = 0L;
        while (seen.ContainsKey(watermark + 1))
        {
            watermark++;
        }

        // 3. Second life: same file, new port.
        await using var second = await AppProcess.StartAsync(DatabaseFile, LogFile(2), startTimeout, Ct);
        using (var health = Client(second.BaseAddress, TimeSpan.FromSeconds(10)))
        {
            using var ready = await health.GetAsync("health/ready", Ct);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // (1) Every acknowledged report is in the database exactly once, with exactly one Reported event.
        var rows = ReadIncidents();
        foreach (var (clientId, (id, code)) in acked)
        {
            Assert.True(rows.TryGetValue(clientId, out var row), $"acknowledged report {clientId} (#{id} {code}) is missing after the kill");
            Assert.Equal(1, row.Count);
            Assert.Equal(id, row.Id);
            Assert.Equal(code, row.Code);
            Assert.Equal(1, row.ReportedEvents);
        }

        var token2 = await TokenAsync(second.BaseAddress);
        using var api = Client(second.BaseAddress, TimeSpan.FromSeconds(30));
        var sample = acked.OrderBy(a => a.Key, StringComparer.Ordinal).Last();
        using (var get = new HttpRequestMessage(HttpMethod.Get, $"api/v1/incidents/{sample.Value.Id}"))
        {
            get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token2);
            using var detail = await api.SendAsync(get, Ct);
            Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
            var json = await detail.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(sample.Value.Code, json.GetProperty("incident").GetProperty("code").GetString());
            Assert.Single(json.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "Reported");
        }

        // (2) Retrying with the same clientId: an acknowledged report answers 200 with the same incident; an unknown one is
        // either found (it was committed before the kill: 200) or created now (201) — exactly one incident each way.
        var committedUnknown = 0;
        foreach (var (clientId, (id, code)) in acked)
        {
            using var retry = await PostReportAsync(api, token2, clientId, points[0]);
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            var body = await retry.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(id, body.GetProperty("id").GetInt64());
            Assert.Equal(code, body.GetProperty("code").GetString());
        }

        var before = ReadIncidents();
        foreach (var clientId in unknown.Keys)
        {
            using var retry = await PostReportAsync(api, token2, clientId, points[0]);
            Assert.True(retry.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, $"retry {clientId}: {(int)retry.StatusCode}");
            var body = await retry.Content.ReadFromJsonAsync<JsonElement>(Ct);
            if (before.TryGetValue(clientId, out var existing))
            {
                Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
                Assert.Equal(existing.Id, body.GetProperty("id").GetInt64());
                committedUnknown++;
            }
            else
            {
                Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
            }
        }

        foreach (var clientId in refused.Keys)
        {
            Assert.False(before.ContainsKey(clientId), $"{clientId} was refused, yet it is in the database");
            using var retry = await PostReportAsync(api, token2, clientId, points[0]);
            Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        }

        var after = ReadIncidents();
        foreach (var clientId in acked.Keys.Concat(unknown.Keys).Concat(refused.Keys))
        {
            Assert.Equal(1, after[clientId].Count);
            Assert.Equal(1, after[clientId].ReportedEvents);
        }

        // Nothing but what the posters sent (and nothing twice).
        Assert.Equal(acked.Count + unknown.Count + refused.Count, after.Count);

        // (3) A dashboard after the restart resyncs from the first dashboard's watermark and gets every acknowledged report's
        // Reported event it had not seen, in seq order, with no gap.
        var catchUp = new List<(long Seq, string Type, long IncidentId)>();
        await using (var dashboard = await ConnectAsync(second.BaseAddress, token2))
        {
            var from = watermark;
            while (true)
            {
                var page = await dashboard.InvokeAsync<JsonElement[]>("GetEventsSince", from, Ct);
                catchUp.AddRange(page.Select(e => (e.GetProperty("seq").GetInt64(), e.GetProperty("type").GetString()!, e.GetProperty("incident").GetProperty("id").GetInt64())));
                if (page.Length == 0)
                {
                    break;
                }

                from = catchUp[^1].Seq;
            }
        }

        var seqs = catchUp.Select(c => c.Seq).ToList();
        Assert.Equal(seqs.Order().ToList(), seqs);
        Assert.Equal(Enumerable.Range(0, seqs.Count).Select(i => watermark + 1 + i).ToList(), seqs); // contiguous from the watermark
        var reportedAfterWatermark = catchUp.Where(c => c.Type == "Reported").Select(c => c.IncidentId).ToHashSet();
        var seenIncidents = seen.Where(s => s.Key <= watermark).Select(s => s.Value).ToHashSet();
        var missing = acked.Where(a => !seenIncidents.Contains(a.Value.Id) && !reportedAfterWatermark.Contains(a.Value.Id)).Select(a => a.Key).ToList();
        Assert.True(missing.Count == 0, $"not on the dashboard after resync: {string.Join(", ", missing.Take(10))}");
        var ackedNotSeenLive = acked.Count(a => !seen.Values.Contains(a.Value.Id));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"app ready in {startedIn.TotalSeconds:F1} s; posted for {postingFor.TotalSeconds:F1} s with {Posters} posters; "
            + $"killed with SIGKILL (exit {exitCode}) with {inFlightAtKill} requests in flight; "
            + $"acknowledged before the kill {acked.Count}, unknown outcome {unknown.Count} "
            + $"(of which committed before the kill {committedUnknown}, created on retry {unknown.Count - committedUnknown}), "
            + $"refused after the kill {refused.Count} (created on retry); "
            + $"all {acked.Count} acknowledged found exactly once after restart; first dashboard saw {seen.Count} events live "
            + $"(contiguous up to seq {watermark}), {ackedNotSeenLive} acknowledged reports not seen live; resync returned "
            + $"{catchUp.Count} events ({reportedAfterWatermark.Count} Reported), none missing; total {total.Elapsed.TotalSeconds:F1} s"));
        _passed = true;
    }

    private static HttpClient Client(Uri baseAddress, TimeSpan timeout) =>
        new(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = timeout };

    private static async Task<string> TokenAsync(Uri baseAddress)
    {
        using var http = Client(baseAddress, TimeSpan.FromSeconds(30));
        using var response = await http.PostAsJsonAsync("api/v1/auth/token", new { username = Operator, password = AppProcess.DemoPassword }, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString()!;
    }

    private static async Task<HttpResponseMessage> PostReportAsync(HttpClient http, string token, string clientId, (double Lat, double Lon) point)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/incidents")
        {
            Content = JsonContent.Create(new { clientId, category = Category, description = "durability " + clientId, lat = point.Lat, lon = point.Lon }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request, CancellationToken.None);
    }

    private static async Task<HubConnection> ConnectAsync(Uri baseAddress, string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "hubs/command"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        await connection.StartAsync(Ct);
        return connection;
    }

    /// <summary>Grid centroids from the seeded file (the demo generator keeps each centroid inside its cell).</summary>
    private List<(double Lat, double Lon)> GridCentroids()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabaseFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT centroid_lat, centroid_lon FROM jurisdictions WHERE level = 3 ORDER BY code LIMIT 50";
        using var reader = command.ExecuteReader();
        var points = new List<(double, double)>();
        while (reader.Read())
        {
            points.Add((reader.GetDouble(0), reader.GetDouble(1)));
        }

        return points;
    }

    /// <summary>Per clientId of the posters: how many incidents, the (first) id and code, and how many Reported events.</summary>
    private Dictionary<string, (int Count, long Id, string Code, int ReportedEvents)> ReadIncidents()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabaseFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT i.client_id, COUNT(DISTINCT i.id), MIN(i.id), MIN(i.code),
                   (SELECT COUNT(*) FROM incident_events e JOIN incidents j ON j.id = e.incident_id
                     WHERE j.client_id = i.client_id AND e.type = 'Reported')
            FROM incidents i WHERE i.client_id LIKE 'kill-%' GROUP BY i.client_id
            """;
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<string, (int, long, string, int)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            rows[reader.GetString(0)] = (reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt32(4));
        }

        return rows;
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_passed)
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        else
        {
            output.WriteLine("kept for inspection: " + _folder);
        }

        return ValueTask.CompletedTask;
    }
}
