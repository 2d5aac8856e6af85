using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Realtime;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Realtime;

/// <summary>A real redis-server and two app instances on Kestrel sharing one SQLite database.</summary>
public sealed class RedisTwoNodes : IAsyncLifetime
{
    public RedisServer Redis { get; } = new();

    public string ChannelPrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..8];

    public ScaleOutNode A { get; private set; } = null!;

    public ScaleOutNode B { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        A = new ScaleOutNode("node-a", Redis.Configuration, ChannelPrefix);
        // A seeds the demo city first; B then opens the same file.
        A.StartServer();
        B = new ScaleOutNode("node-b", Redis.Configuration, ChannelPrefix, A.ConnectionString);
        B.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        Redis.Dispose();
    }
}

public sealed class RedisScaleOutTests(RedisTwoNodes nodes) : IClassFixture<RedisTwoNodes>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ScaleOutNode A => nodes.A;

    private ScaleOutNode B => nodes.B;

    // The tests that stop Redis wait only for the nodes they check to come back. Each test starts once both nodes are back on
    // Redis: a hub connection made while a node was still reconnecting was closed before its first call (two runs of this
    // class in fifteen, with a Redis-stopping test run before it).
    public async ValueTask InitializeAsync()
    {
        foreach (var (node, name) in new[] { (A, "node A"), (B, "node B") })
        {
            using var health = node.CreateClient();
            await WaitUntilAsync(async () => await (await health.GetAsync("/health/ready", Ct)).Content.ReadAsStringAsync(Ct) == "Healthy",
                $"{name} was not back on Redis before the test", TimeSpan.FromSeconds(60));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task A_report_posted_on_node_A_reaches_hub_clients_on_both_nodes_once_and_node_Bs_dashboards()
    {
        await using var onA = await ConnectAsync(A, DemoUsers.CityOperator);
        await using var onB = await ConnectAsync(B, DemoUsers.CityOperator);
        var dashboardOnB = Watch(B);

        var (id, seq) = await ReportAsync(A);

        foreach (var client in new[] { onA, onB })
        {
            var (method, e) = await client.WaitForAsync(id);
            Assert.Equal(nameof(ICommandClient.IncidentReported), method);
            Assert.Equal(seq, e.Seq);
        }

        var seen = await WaitForAsync(dashboardOnB.Events, e => e.Incident.Id == id);
        Assert.Equal(seq, seen.Seq);

        // And back: a report on B reaches A's client.
        var (idOnB, seqOnB) = await ReportAsync(B);
        Assert.Equal(seqOnB, (await onA.WaitForAsync(idOnB)).Event.Seq);

        // Give a second copy (relay on both nodes, backplane and bus) every chance to arrive before counting.
        await Task.Delay(1000, Ct);
        Assert.Single(onA.Received, r => r.Event.Incident.Id == id);
        Assert.Single(onB.Received, r => r.Event.Incident.Id == id);
        Assert.Single(dashboardOnB.Events, e => e.Incident.Id == id);
        Assert.Single(onB.Received, r => r.Event.Incident.Id == idOnB);
        dashboardOnB.Dispose();
    }

    [Fact]
    public async Task An_event_node_B_never_received_is_read_from_the_database_before_the_next_one()
    {
        var dashboardOnB = Watch(B);
        var sequencer = B.Services.GetRequiredService<EventSequencer>();
        var resyncs = sequencer.Resyncs;

        // A node without Redis on the same database: its events are committed but never published, as if the message were lost.
        await using var silent = new ScaleOutNode("node-silent", "", nodes.ChannelPrefix, A.ConnectionString);
        silent.StartServer();
        var (lost, lostSeq) = await ReportAsync(silent);
        var (next, nextSeq) = await ReportAsync(A);

        await WaitForAsync(dashboardOnB.Events, e => e.Incident.Id == next);
        var order = dashboardOnB.Events.Where(e => e.Incident.Id is var i && (i == lost || i == next)).Select(e => e.Seq).ToArray();
        Assert.Equal([lostSeq, nextSeq], order);
        Assert.True(sequencer.Resyncs > resyncs);
        Assert.Equal(sequencer.LastSeq, Math.Max(sequencer.LastSeq, nextSeq));
        dashboardOnB.Dispose();
    }

    [Fact]
    public async Task When_Redis_goes_away_nodes_keep_serving_locally_report_Degraded_and_resync_on_reconnect()
    {
        var dashboardOnA = Watch(A);
        var dashboardOnB = Watch(B);
        using var health = B.CreateClient();
        Assert.Equal("Healthy", await (await health.GetAsync("/health/ready", Ct)).Content.ReadAsStringAsync(Ct));

        nodes.Redis.Stop();
        try
        {
            await WaitUntilAsync(async () => await (await health.GetAsync("/health/ready", Ct)).Content.ReadAsStringAsync(Ct) == "Degraded",
                "node B's health did not turn Degraded after Redis stopped");
            var ready = await health.GetAsync("/health/ready", Ct);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

            var (id, seq) = await ReportAsync(A);
            Assert.Equal(seq, (await WaitForAsync(dashboardOnA.Events, e => e.Incident.Id == id)).Seq);
            await Task.Delay(500, Ct);
            Assert.DoesNotContain(dashboardOnB.Events, e => e.Incident.Id == id);

            nodes.Redis.Start();
            var recovered = await WaitForAsync(dashboardOnB.Events, e => e.Incident.Id == id, TimeSpan.FromSeconds(60));
            Assert.Equal(seq, recovered.Seq);
            await WaitUntilAsync(async () => await (await health.GetAsync("/health/ready", Ct)).Content.ReadAsStringAsync(Ct) == "Healthy",
                "node B's health did not return to Healthy after Redis came back");
        }
        finally
        {
            if (!nodes.Redis.IsRunning)
            {
                nodes.Redis.Start();
            }

            dashboardOnA.Dispose();
            dashboardOnB.Dispose();
        }
    }

    [Fact]
    public async Task A_node_started_while_Redis_is_down_serves_and_joins_when_Redis_comes_up()
    {
        nodes.Redis.Stop();
        try
        {
            await using var late = new ScaleOutNode("node-late", nodes.Redis.Configuration, nodes.ChannelPrefix, A.ConnectionString);
            late.StartServer();
            using var health = late.CreateClient();
            var ready = await health.GetAsync("/health/ready", Ct);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync(Ct));
            var dashboard = Watch(late);

            nodes.Redis.Start();
            await WaitUntilAsync(async () => await (await health.GetAsync("/health/ready", Ct)).Content.ReadAsStringAsync(Ct) == "Healthy",
                "the late node did not connect when Redis came up", TimeSpan.FromSeconds(60));
            using var healthA = A.CreateClient();
            await WaitUntilAsync(async () => await (await healthA.GetAsync("/health/ready", Ct)).Content.ReadAsStringAsync(Ct) == "Healthy",
                "node A did not reconnect", TimeSpan.FromSeconds(60));
            var (id, seq) = await ReportAsync(A);
            Assert.Equal(seq, (await WaitForAsync(dashboard.Events, e => e.Incident.Id == id)).Seq);
            dashboard.Dispose();
        }
        finally
        {
            if (!nodes.Redis.IsRunning)
            {
                nodes.Redis.Start();
            }
        }
    }

    private static async Task<HubClient> ConnectAsync(ScaleOutNode node, string userName)
    {
        using var api = node.CreateClient();
        return await HubClient.ConnectAsync(node.BaseAddress, await api.TokenAsync(userName));
    }

    private static async Task<(long Id, long Seq)> ReportAsync(ScaleOutNode node)
    {
        using var client = await node.CreateBearerClientAsync(DemoUsers.CityOperator);
        var (lat, lon) = node.PointIn(node.HomeTownship(), 5);
        var response = await client.PostAsJsonAsync("/api/v1/incidents",
            new { clientId = Guid.NewGuid().ToString("N"), category = "FXCD", description = "楼道飞线充电", lat, lon }, Ct);
        response.EnsureSuccessStatusCode();
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
        var detail = await (await client.GetAsync($"/api/v1/incidents/{id}", Ct)).ReadJsonAsync();
        return (id, detail.GetProperty("events")[0].GetProperty("seq").GetInt64());
    }

    /// <summary>Subscribes to a node's notifier for the whole city, as a city dashboard's circuit does.</summary>
    private static Dashboard Watch(ScaleOutNode node)
    {
        var dashboard = new Dashboard();
        dashboard.Subscription = node.Services.GetRequiredService<IncidentNotifier>().Subscribe(node.Tree().Root.Code, batch =>
        {
            foreach (var e in batch)
            {
                dashboard.Events.Enqueue(e);
            }

            return Task.CompletedTask;
        });
        return dashboard;
    }

    private static async Task<LiveEvent> WaitForAsync(ConcurrentQueue<LiveEvent> events, Func<LiveEvent, bool> match, TimeSpan? timeout = null)
    {
        LiveEvent? hit = null;
        await WaitUntilAsync(() => Task.FromResult((hit = events.FirstOrDefault(match)) is not null), "the dashboard did not receive the event", timeout);
        return hit!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(failure);
            }

            await Task.Delay(50, Ct);
        }
    }

    private sealed class Dashboard : IDisposable
    {
        public ConcurrentQueue<LiveEvent> Events { get; } = new();

        public IDisposable? Subscription { get; set; }

        public void Dispose() => Subscription?.Dispose();
    }
}
