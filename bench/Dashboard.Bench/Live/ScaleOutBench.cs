using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Dashboard.Core.Jurisdictions;
using Microsoft.Data.Sqlite;

namespace Dashboard.Bench.Live;

/// <summary>
/// Two app nodes behind Redis against one node, in the same run and from the same database: the same clients, reports and
/// positions, first all on one node (no Redis), then spread over two nodes sharing one SQLite file (Redis backplane and event
/// bus; clients split by index, requests alternating). Reports the latency, loss and throughput of both and their ratios.
/// </summary>
internal static partial class LiveBench
{
    public sealed record ScaleOutReport(
        Settings Settings, int Cores, Phase OneNode, Phase TwoNodes, double ThroughputRatio, double P99Ratio, IReadOnlyList<string> Problems)
    {
        public bool Passed => Problems.Count == 0;
    }

    public static async Task<ScaleOutReport> RunScaleOutAsync(Settings settings, TextWriter output)
    {
        var problems = new List<string>();
        var root = Path.Combine(Path.GetTempPath(), "dashboard-bench", "scaleout-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var dbFile = Path.Combine(root, "bench.db");
        // The two nodes start from a copy of the database as the one node found it: on the one node's file they would also
        // carry its reports, whose clocks run out (and are escalated) during their own run, a load the one node never had.
        var twoFile = Path.Combine(root, "bench-two.db");
        using var redis = RedisProcess.Start(root);
        await redis.WaitReadyAsync();
        output.WriteLine($"scale-out: redis-server on 127.0.0.1:{redis.Port}");
        try
        {
            // 1. One node, no Redis.
            Phase one;
            JurisdictionTree tree;
            (int Id, string Township)[] officers;
            Dictionary<string, string> users;
            List<ClientSpec> specs;
            Place[] places;
            string category;
            await using (var single = await StartAppAsync(dbFile, root, log: "one.log"))
            {
                (tree, officers, users) = await PrepareDatabaseAsync(dbFile);
                await CopyDatabaseAsync(dbFile, twoFile);
                specs = Spread(settings.Clients, tree, users);
                places = Places(tree, settings.Seed, (int)Math.Ceiling(settings.ReportsPerSecond * settings.Seconds * 2) + 1);
                var node = await NodeAsync(single.BaseAddress, specs, users);
                category = await CategoryAsync(node.Api, node.Tokens[DemoUsers.CityOperator]);
                using var reports = Http(single.BaseAddress, node.Tokens[DemoUsers.CityOperator]);
                using var positions = Http(single.BaseAddress, node.Tokens[DemoUsers.Admin]);
                var target = new Target("one node", _ => new Uri(single.BaseAddress, "hubs/command"), sp => () => Task.FromResult<string?>(node.Tokens[sp.UserName]),
                    reports, positions, _ => "api/v1/incidents", single.ProcessId, () => CountTracksAsync(dbFile));
                (one, _, _, _) = await RunPhaseAsync(target, settings, specs, tree, places, officers, category, output, keepClients: false);
                node.Api.Dispose();
            }

            // 2. Two nodes behind Redis on the same file.
            Phase two;
            var redisSettings = (string nodeId) => new Dictionary<string, string>
            {
                ["Redis__Configuration"] = $"127.0.0.1:{redis.Port}",
                ["Redis__NodeId"] = nodeId,
            };
            await using (var a = await StartAppAsync(twoFile, root, redisSettings("a"), "node-a.log"))
            await using (var b = await StartAppAsync(twoFile, root, redisSettings("b"), "node-b.log"))
            {
                var nodeA = await NodeAsync(a.BaseAddress, specs, users);
                var nodeB = await NodeAsync(b.BaseAddress, specs, users);
                using var reports = new HttpClient(new AlternatingHandler(
                    [(a.BaseAddress, nodeA.Tokens[DemoUsers.CityOperator]), (b.BaseAddress, nodeB.Tokens[DemoUsers.CityOperator])]))
                { BaseAddress = a.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
                using var positions = new HttpClient(new AlternatingHandler(
                    [(a.BaseAddress, nodeA.Tokens[DemoUsers.Admin]), (b.BaseAddress, nodeB.Tokens[DemoUsers.Admin])]))
                { BaseAddress = a.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
                var target = new Target("two nodes",
                    sp => new Uri(sp.Index % 2 == 0 ? a.BaseAddress : b.BaseAddress, "hubs/command"),
                    sp => () => Task.FromResult<string?>((sp.Index % 2 == 0 ? nodeA : nodeB).Tokens[sp.UserName]),
                    reports, positions, _ => "api/v1/incidents", a.ProcessId, () => CountTracksAsync(twoFile));
                (two, _, _, _) = await RunPhaseAsync(target, settings, specs, tree, places, officers, category, output, keepClients: false);
                nodeA.Api.Dispose();
                nodeB.Api.Dispose();
            }

            Check(one, problems);
            Check(two, problems);
            var throughput = one.DeliveriesPerSecond > 0 ? two.DeliveriesPerSecond / one.DeliveriesPerSecond : double.NaN;
            var p99 = one.P99Ms > 0 ? two.P99Ms / one.P99Ms : double.NaN;
            var report = new ScaleOutReport(settings, Environment.ProcessorCount, one, two, throughput, p99, problems);
            PrintScaleOut(report, output);
            return report;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A log still open by a dying child: left for the temp cleaner.
            }
        }
    }

    /// <summary>A consistent copy of a SQLite file that may be in use (its log included), as a new file.</summary>
    private static async Task CopyDatabaseAsync(string from, string to)
    {
        await using var connection = new SqliteConnection($"Data Source={from};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $to";
        command.Parameters.AddWithValue("$to", to);
        await command.ExecuteNonQueryAsync();
    }

    private sealed record Node(HttpClient Api, ConcurrentDictionary<string, string> Tokens);

    private static async Task<Node> NodeAsync(Uri baseAddress, List<ClientSpec> specs, Dictionary<string, string> users)
    {
        var api = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var tokens = new ConcurrentDictionary<string, string>();
        foreach (var user in specs.Select(s => s.UserName).Append(DemoUsers.CityOperator).Append(DemoUsers.Admin).Distinct())
        {
            tokens[user] = await TokenAsync(api, user, users.TryGetValue(user, out var password) ? password : DemoPassword);
        }

        return new Node(api, tokens);
    }

    private static void PrintScaleOut(ScaleOutReport r, TextWriter o)
    {
        static string F(double v) => v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        o.WriteLine();
        o.WriteLine($"scale-out bench: {r.Settings.Clients} clients, {r.Settings.ReportsPerSecond} reports/s, {r.Settings.PositionsPerSecond:N0} positions/s, {r.Settings.Seconds} s, {r.Cores} cores");
        o.WriteLine($"{"",-34} {"one node",14} {"two nodes",14} {"ratio",8}");
        o.WriteLine($"{"report → client p50 (ms)",-34} {F(r.OneNode.P50Ms),14} {F(r.TwoNodes.P50Ms),14}");
        o.WriteLine($"{"report → client p99 (ms)",-34} {F(r.OneNode.P99Ms),14} {F(r.TwoNodes.P99Ms),14} {F(r.P99Ratio) + "×",8}");
        o.WriteLine($"{"deliveries/s",-34} {F(r.OneNode.DeliveriesPerSecond),14} {F(r.TwoNodes.DeliveriesPerSecond),14} {F(r.ThroughputRatio) + "×",8}");
        o.WriteLine($"{"expected / received / lost",-34} {$"{r.OneNode.Expected}/{r.OneNode.Received}/{r.OneNode.Lost}",14} {$"{r.TwoNodes.Expected}/{r.TwoNodes.Received}/{r.TwoNodes.Lost}",14}");
        o.WriteLine($"{"positions accepted/s",-34} {F(r.OneNode.PositionsAcceptedPerSecond),14} {F(r.TwoNodes.PositionsAcceptedPerSecond),14}");
        o.WriteLine("targets (as measured):");
        o.WriteLine($"  two nodes ≥ 0.7× one node's throughput: {F(r.ThroughputRatio)}× {(r.ThroughputRatio >= 0.7 ? "met" : "NOT met")}");
        o.WriteLine($"  two nodes' p99 ≤ 1.5× one node's: {F(r.P99Ratio)}× {(r.P99Ratio <= 1.5 ? "met" : "NOT met")}");
        foreach (var problem in r.Problems)
        {
            o.WriteLine($"  problem: {problem}");
        }
    }

    /// <summary>Sends each request to the next node in turn, with that node's token (each node signs its own).</summary>
    private sealed class AlternatingHandler((Uri Base, string Token)[] nodes) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _next;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var (baseAddress, token) = nodes[(Interlocked.Increment(ref _next) & int.MaxValue) % nodes.Length];
            var path = request.RequestUri!.PathAndQuery;
            request.RequestUri = new Uri(baseAddress, path.TrimStart('/'));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>A throw-away redis-server on a free 127.0.0.1 port, nothing saved; killed on dispose.</summary>
    private sealed class RedisProcess : IDisposable
    {
        private readonly Process _process;

        private RedisProcess(Process process, int port) => (_process, Port) = (process, port);

        public int Port { get; }

        public static RedisProcess Start(string root)
        {
            const string Binary = "/usr/bin/redis-server";
            if (!File.Exists(Binary))
            {
                throw new FileNotFoundException($"{Binary} is missing: .ci/run installs it (apt-get install redis-server)");
            }

            var port = ChildServer.FreePort();
            var info = new ProcessStartInfo(Binary)
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new RedisProcess(process, port);
        }

        public async Task WaitReadyAsync()
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync("127.0.0.1", Port);
                    return;
                }
                catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(15))
                {
                    await Task.Delay(100);
                }
            }
        }

        public void Dispose()
        {
            try
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _process.Dispose();
        }
    }
}
