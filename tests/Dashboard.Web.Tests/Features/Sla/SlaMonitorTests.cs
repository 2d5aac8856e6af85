using System.Text.Json;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Features.Sla;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Features.Sla;

/// <summary>
/// The app's own SlaMonitor over the real database, driven by the fake clock: each test advances time to an exact instant and
/// calls CheckAsync, as the monitor's timer would.
/// </summary>
public sealed class SlaMonitorTests : IClassFixture<SlaMonitorTests.ManualCheckFactory>
{
    private readonly ManualCheckFactory _factory;

    public SlaMonitorTests(ManualCheckFactory factory) => _factory = factory;

    /// <summary>The monitor's own timer is set far beyond any test, so only the tests' CheckAsync calls look at the clocks.</summary>
    public sealed class ManualCheckFactory : DashboardAppFactory
    {
        public ManualCheckFactory() => SlaCheckInterval = TimeSpan.FromDays(30);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SlaMonitor Monitor => _factory.Services.GetRequiredService<SlaMonitor>();

    private Dashboard.Core.Jurisdictions.JurisdictionNode Home => _factory.HomeTownship();

    private void Advance(double seconds) => _factory.Time.Advance(TimeSpan.FromSeconds(seconds));

    /// <summary>
    /// The monitor learns of every change from the live events, on its own loop. A new report is a barrier: once the monitor
    /// watches it, it has applied every event published before it, so the next check sees what the API has just stored.
    /// Nothing in these tests ends a clock for good (no arrival, close or cancel), so the monitor then watches every incident
    /// stored. The barrier is contacted at once so that its own clock never breaches.
    /// </summary>
    private async Task SettleAsync()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var (barrier, _, _) = await _factory.ReportAsync(client, Home, grid: 15);
        (await client.CommandAsync($"/api/v1/incidents/{barrier}/contact")).EnsureSuccessStatusCode();
        await DispatchApi.WaitUntilAsync(
            async () => Monitor.Watching == await _factory.CountAsync("incidents"), "the SLA monitor never caught up with the barrier report");
    }

    private static async Task<(JsonElement Incident, List<JsonElement> Events)> ReadAsync(HttpClient client, long id)
    {
        var detail = await client.DetailAsync(id);
        return (detail.GetProperty("incident"), detail.GetProperty("events").EnumerateArray().ToList());
    }

    private static List<string> Types(List<JsonElement> events) => events.Select(e => e.GetProperty("type").GetString()!).ToList();

    [Fact]
    public async Task An_uncontacted_report_breaches_at_60_s_and_escalates_to_the_district_then_the_city_then_only_logs()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var (id, _, _) = await _factory.ReportAsync(client, Home, grid: 1);
        var reportedAt = (await ReadAsync(client, id)).Incident.GetProperty("reportedAt").GetDateTimeOffset();
        await SettleAsync();
        var district = Home.ParentCode!;
        var city = _factory.Tree().Root.Code;

        _factory.Time.Advance(TimeSpan.FromMilliseconds(59_999));
        await Monitor.CheckAsync(Ct);
        var (incident, events) = await ReadAsync(client, id);
        Assert.Equal(["Reported"], Types(events));
        Assert.Equal(Home.Code, incident.GetProperty("ownerCode").GetString());

        _factory.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await Monitor.CheckAsync(Ct) >= 1);
        (incident, events) = await ReadAsync(client, id);
        Assert.Equal(["Reported", "SlaBreached", "Escalated"], Types(events));
        Assert.All(events.Skip(1), e => Assert.Equal("system", e.GetProperty("actor").GetString()));
        Assert.All(events.Skip(1), e => Assert.Equal(reportedAt.AddSeconds(60), e.GetProperty("at").GetDateTimeOffset()));
        var breach = events[1].Payload();
        Assert.Equal("Contact", breach.GetProperty("clock").GetString());
        Assert.Equal(1, breach.GetProperty("ordinal").GetInt32());
        Assert.Equal(60, breach.GetProperty("targetSeconds").GetInt32());
        Assert.Equal(60_000, breach.GetProperty("elapsedMs").GetInt64());
        var escalation = events[2].Payload();
        Assert.Equal(Home.Code, escalation.GetProperty("from").GetString());
        Assert.Equal(district, escalation.GetProperty("to").GetString());
        Assert.True(escalation.GetProperty("auto").GetBoolean());
        Assert.Equal("Contact", escalation.GetProperty("clock").GetString());
        Assert.Equal(district, incident.GetProperty("ownerCode").GetString());
        Assert.Equal("Reported", incident.GetProperty("status").GetString());

        Advance(60);
        await Monitor.CheckAsync(Ct);
        (incident, events) = await ReadAsync(client, id);
        Assert.Equal(["Reported", "SlaBreached", "Escalated", "SlaBreached", "Escalated"], Types(events));
        Assert.Equal(2, events[3].Payload().GetProperty("ordinal").GetInt32());
        Assert.Equal(district, events[4].Payload().GetProperty("from").GetString());
        Assert.Equal(city, events[4].Payload().GetProperty("to").GetString());
        Assert.Equal(city, incident.GetProperty("ownerCode").GetString());

        Advance(60);
        await Monitor.CheckAsync(Ct);
        (incident, events) = await ReadAsync(client, id);
        Assert.Equal(["Reported", "SlaBreached", "Escalated", "SlaBreached", "Escalated", "SlaBreached"], Types(events));
        Assert.Equal(3, events[5].Payload().GetProperty("ordinal").GetInt32());
        Assert.Equal(city, incident.GetProperty("ownerCode").GetString());
        Assert.Equal(2, incident.GetProperty("escalations").GetInt32());
        Assert.Equal(3, incident.GetProperty("contactBreaches").GetInt32());

        // The township operator still sees (and may act on) the incident the city now holds.
        (await client.CommandAsync($"/api/v1/incidents/{id}/contact")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Contact_before_60_s_stops_the_clock_and_it_never_breaches()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var (id, _, _) = await _factory.ReportAsync(client, Home, grid: 2);
        await SettleAsync();

        Advance(59);
        (await client.CommandAsync($"/api/v1/incidents/{id}/contact", new { note = "已回电" })).EnsureSuccessStatusCode();
        await SettleAsync();
        Advance(600);
        await Monitor.CheckAsync(Ct);

        var (incident, events) = await ReadAsync(client, id);
        Assert.Equal(["Reported", "Contacted"], Types(events));
        Assert.Equal(Home.Code, incident.GetProperty("ownerCode").GetString());
        Assert.Equal(0, incident.GetProperty("contactBreaches").GetInt32());
    }

    [Fact]
    public async Task A_pause_holds_the_contact_clock_and_resuming_delays_the_breach_by_exactly_the_paused_time()
    {
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var (id, _, _) = await _factory.ReportAsync(client, Home, grid: 3);
        var reportedAt = (await ReadAsync(client, id)).Incident.GetProperty("reportedAt").GetDateTimeOffset();
        await SettleAsync();

        Advance(20);
        var missing = await client.CommandAsync($"/api/v1/incidents/{id}/pause");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await missing.ReadJsonAsync()).GetProperty("errors").TryGetProperty("reason", out _));
        (await client.CommandAsync($"/api/v1/incidents/{id}/pause", new { reason = "等待举报人回电" })).EnsureSuccessStatusCode();
        await SettleAsync();

        Advance(80);
        await Monitor.CheckAsync(Ct);
        Assert.Equal(["Reported", "Paused"], Types((await ReadAsync(client, id)).Events));

        (await client.CommandAsync($"/api/v1/incidents/{id}/resume")).EnsureSuccessStatusCode();
        var resumed = (await ReadAsync(client, id)).Events[^1];
        Assert.Equal("Resumed", resumed.GetProperty("type").GetString());
        Assert.Equal(80_000, resumed.Payload().GetProperty("pausedMs").GetInt64());
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await client.CommandAsync($"/api/v1/incidents/{id}/resume")).StatusCode);
        await SettleAsync();

        // 20 s ran before the pause; the remaining 40 s run after it: due at 140 s instead of 60 s.
        _factory.Time.Advance(TimeSpan.FromMilliseconds(39_999));
        await Monitor.CheckAsync(Ct);
        Assert.Equal(["Reported", "Paused", "Resumed"], Types((await ReadAsync(client, id)).Events));

        _factory.Time.Advance(TimeSpan.FromMilliseconds(1));
        await Monitor.CheckAsync(Ct);
        var (incident, events) = await ReadAsync(client, id);
        Assert.Equal(["Reported", "Paused", "Resumed", "SlaBreached", "Escalated"], Types(events));
        Assert.Equal(reportedAt.AddSeconds(140), events[3].GetProperty("at").GetDateTimeOffset());
        Assert.Equal(60_000, events[3].Payload().GetProperty("elapsedMs").GetInt64());
        Assert.Equal(Home.ParentCode, incident.GetProperty("ownerCode").GetString());
    }

    [Fact]
    public async Task The_arrival_clock_breaches_300_s_after_dispatch_and_escalates()
    {
        var officer = _factory.OfficersOf(Home)[10];
        using var client = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var (id, _, _) = await _factory.ReportAsync(client, Home, grid: 4);
        Advance(10);
        (await client.CommandAsync($"/api/v1/incidents/{id}/dispatch", new { officerId = officer.Id })).EnsureSuccessStatusCode();
        var dispatchedAt = (await ReadAsync(client, id)).Incident.GetProperty("dispatchedAt").GetDateTimeOffset();
        await SettleAsync();

        _factory.Time.Advance(TimeSpan.FromMilliseconds(299_999));
        await Monitor.CheckAsync(Ct);
        Assert.Equal(["Reported", "Contacted", "Dispatched"], Types((await ReadAsync(client, id)).Events));

        _factory.Time.Advance(TimeSpan.FromMilliseconds(1));
        await Monitor.CheckAsync(Ct);
        var (incident, events) = await ReadAsync(client, id);
        Assert.Equal(["Reported", "Contacted", "Dispatched", "SlaBreached", "Escalated"], Types(events));
        var breach = events[3].Payload();
        Assert.Equal("Arrival", breach.GetProperty("clock").GetString());
        Assert.Equal(1, breach.GetProperty("ordinal").GetInt32());
        Assert.Equal(300, breach.GetProperty("targetSeconds").GetInt32());
        Assert.Equal(300_000, breach.GetProperty("elapsedMs").GetInt64());
        Assert.Equal(dispatchedAt.AddSeconds(300), events[3].GetProperty("at").GetDateTimeOffset());
        Assert.Equal("Arrival", events[4].Payload().GetProperty("clock").GetString());
        Assert.Equal(Home.ParentCode, incident.GetProperty("ownerCode").GetString());
        Assert.Equal(1, incident.GetProperty("arrivalBreaches").GetInt32());
        Assert.Equal(0, incident.GetProperty("contactBreaches").GetInt32());
        Assert.Equal("Dispatched", incident.GetProperty("status").GetString());
    }
}
