using System.Text.Json;
using Dashboard.Core.Positions;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Features.Simulation;
using Dashboard.Web.Hosting;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Features.Simulation;

/// <summary>Patrols: the app's simulator ticked by hand over the real database; no reports so only positions move.</summary>
public sealed class PatrolSimulationTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public PatrolSimulationTests(DashboardAppFactory factory) => _factory = factory;

    [Fact]
    public async Task Patrol_fixes_stay_inside_the_township_and_move_at_the_patrol_speed_through_the_ingest_path()
    {
        _factory.Configure(o =>
        {
            o.ReportsPerHour = 0;
            o.OnDutyShare = 0.1;
            o.PositionIntervalSeconds = 5;
            o.PatrolSpeedKmh = 12;
        });
        for (var i = 0; i < 120; i++)
        {
            await _factory.StepAsync();
        }

        var tracks = await _factory.TracksAsync();
        var directory = _factory.Services.GetRequiredService<CityDirectory>();
        var byOfficer = tracks.GroupBy(t => (int)t.OfficerId).ToList();
        Assert.InRange(byOfficer.Count, 60, 80);
        Assert.Equal(byOfficer.Count, _factory.Simulation().OfficerCount);
        var speeds = new List<double>();
        foreach (var track in byOfficer)
        {
            var township = directory.FindOfficer(track.Key)!.TownshipCode;
            var area = new PatrolArea(directory.Tree.Find(township)!.Boundary);
            Assert.All(track, p => Assert.True(area.Contains(p.Lat, p.Lon), $"officer {track.Key} at ({p.Lat}, {p.Lon}) left {township}"));
            Assert.True(track.Count() >= 15, $"officer {track.Key} sent only {track.Count()} fixes in 2 minutes");
            foreach (var (a, b) in track.Zip(track.Skip(1)))
            {
                speeds.Add(Geo.HaversineMeters(a.Lat, a.Lon, b.Lat, b.Lon) / (b.At - a.At).TotalSeconds);
            }
        }

        var configured = 12 / 3.6;
        Assert.All(speeds, s => Assert.True(s <= configured * 1.01, $"{s:0.00} m/s is faster than the patrol speed"));
        // Most legs are straight runs between waypoints; a few include a stop at one.
        var median = speeds.Order().ElementAt(speeds.Count / 2);
        Assert.InRange(median, configured * 0.97, configured * 1.01);
    }
}

/// <summary>A dispatched task is worked by the simulated officer: accept after the delay, ride there, geofence, resolve.</summary>
public sealed class TaskSimulationTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public TaskSimulationTests(DashboardAppFactory factory) => _factory = factory;

    [Fact]
    public async Task A_dispatched_task_is_accepted_after_the_delay_the_officer_rides_there_is_stamped_on_scene_and_resolves()
    {
        _factory.Configure(o =>
        {
            o.ReportsPerHour = 0;
            o.OnDutyShare = 1;
            o.PositionIntervalSeconds = 5;
            o.EBikeSpeedKmh = 36;
            o.AcceptDelayMinSeconds = 5;
            o.AcceptDelayMaxSeconds = 5;
            o.ResolveAfterMinSeconds = 30;
            o.ResolveAfterMaxSeconds = 30;
        });
        await _factory.StepAsync();
        await _factory.StepAsync(5);

        using var captain = await _factory.CreateBearerClientAsync(DemoUsers.GridCaptain);
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var (id, lat, lon) = await _factory.ReportAsync(captain, _factory.HomeTownship(), grid: 3);
        var dispatched = await op.CommandAsync($"/api/v1/incidents/{id}/dispatch");
        dispatched.EnsureSuccessStatusCode();
        var task = (await dispatched.ReadJsonAsync()).GetProperty("task");
        var officerId = task.GetProperty("assignee").GetProperty("officerId").GetInt32();
        var dispatchedAt = task.GetProperty("dispatchedAt").GetDateTimeOffset();

        for (var i = 0; i < 600 && !(await op.EventTypesAsync(id)).Contains("Resolved"); i++)
        {
            await _factory.StepAsync();
        }

        var events = (await op.DetailAsync(id)).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["Reported", "Contacted", "Dispatched", "Accepted", "OnScene", "Resolved"], events.Select(e => e.GetProperty("type").GetString()).ToArray());
        var officer = _factory.Services.GetRequiredService<CityDirectory>().FindOfficer(officerId)!;
        var accepted = Event("Accepted");
        Assert.Equal(officer.Code, accepted.GetProperty("actor").GetString());
        Assert.Equal(dispatchedAt.AddSeconds(5), accepted.GetProperty("at").GetDateTimeOffset());
        var onScene = Event("OnScene");
        Assert.Equal(Dashboard.Web.Features.Dispatch.DispatchService.SystemActor, onScene.GetProperty("actor").GetString());
        Assert.True(onScene.Payload().GetProperty("auto").GetBoolean());
        var resolved = Event("Resolved");
        Assert.Equal(officer.Code, resolved.GetProperty("actor").GetString());
        Assert.Equal(onScene.GetProperty("at").GetDateTimeOffset().AddSeconds(30), resolved.GetProperty("at").GetDateTimeOffset());
        Assert.False(string.IsNullOrWhiteSpace(resolved.Payload().GetProperty("note").GetString()));

        // On the way the fixes close in on the incident at e-bike speed, the last one inside the geofence.
        var ride = (await _factory.TracksAsync(officerId))
            .Where(p => p.At >= accepted.GetProperty("at").GetDateTimeOffset() && p.At <= onScene.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.True(ride.Count >= 2, "the officer sent fixes on the way");
        var distances = ride.Select(p => Geo.HaversineMeters(p.Lat, p.Lon, lat, lon)).ToList();
        Assert.All(distances.Zip(distances.Skip(1)), d => Assert.True(d.Second < d.First, "each fix is closer to the incident"));
        Assert.True(distances[^1] <= 50);

        JsonElement Event(string type) => events.Single(e => e.GetProperty("type").GetString() == type);
    }
}

/// <summary>Auto-dispatch per tier: off leaves a report to the operators, on dispatches it without one.</summary>
public sealed class AutoDispatchSimulationTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public AutoDispatchSimulationTests(DashboardAppFactory factory) => _factory = factory;

    [Fact]
    public async Task With_auto_dispatch_off_a_report_waits_and_on_for_townships_it_is_dispatched_without_an_operator()
    {
        _factory.Configure(o =>
        {
            o.ReportsPerHour = 0;
            o.OnDutyShare = 1;
            o.AcceptDelayMinSeconds = 600;
            o.AcceptDelayMaxSeconds = 600;
            o.AutoDispatch.DelaySeconds = 3;
        });
        await _factory.StepAsync();
        await _factory.StepAsync(8);
        using var captain = await _factory.CreateBearerClientAsync(DemoUsers.GridCaptain);
        var simulation = _factory.Simulation();

        var (waiting, _, _) = await _factory.ReportAsync(captain, _factory.HomeTownship(), grid: 4);
        await DispatchApi.WaitUntilAsync(() => Task.FromResult(simulation.WaitingCount >= 1), "the simulator never saw the report");
        for (var i = 0; i < 10; i++)
        {
            await _factory.StepAsync();
        }

        Assert.Equal(["Reported"], await captain.EventTypesAsync(waiting));

        _factory.Configure(o => o.AutoDispatch.Township = true);
        var (auto, _, _) = await _factory.ReportAsync(captain, _factory.HomeTownship(), grid: 5);
        var reportedAt = _factory.Time.GetUtcNow();
        await DispatchApi.WaitUntilAsync(() => Task.FromResult(simulation.WaitingCount >= 2), "the simulator never saw the second report");
        for (var i = 0; i < 5; i++)
        {
            await _factory.StepAsync();
        }

        var events = (await captain.DetailAsync(auto)).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["Reported", "Contacted", "Dispatched"], events.Select(e => e.GetProperty("type").GetString()).ToArray());
        Assert.All(events.Skip(1), e => Assert.Equal(SimulationAccounts.AutoDispatcher, e.GetProperty("actor").GetString()));
        Assert.Equal(reportedAt.AddSeconds(3), events[2].GetProperty("at").GetDateTimeOffset());
        Assert.Equal(1, events[2].Payload().GetProperty("rank").GetInt32());
    }
}

/// <summary>The app as `dotnet run` starts it in demo mode: the simulator's own loop on the (fake) clock.</summary>
public sealed class SimulationStartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_the_simulation_on_the_app_reports_and_moves_officers_within_seconds()
    {
        using var factory = new DashboardAppFactory { SimulationEnabled = true };
        Assert.True(factory.SimulationSettings().Running);
        var start = factory.Time.GetUtcNow();
        for (var i = 0; i < 40 && (await factory.CountAsync("incidents") == 0 || await factory.CountAsync("officer_positions_latest") < 100); i++)
        {
            factory.Time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(50, Ct);
        }

        Assert.True(await factory.CountAsync("incidents") >= 1, "no report within 10 simulated seconds");
        Assert.True(await factory.CountAsync("officer_positions_latest") >= 100, "officers did not report positions within 10 simulated seconds");
        Assert.True(factory.Time.GetUtcNow() - start <= TimeSpan.FromSeconds(10));
        using var op = await factory.CreateBearerClientAsync(DemoUsers.CityOperator);
        var list = await (await op.GetAsync("/api/v1/incidents", Ct)).ReadJsonAsync();
        var first = list.EnumerateArray().First();
        Assert.Equal("Reported", first.GetProperty("status").GetString());
    }

    [Fact]
    public void Bad_settings_stop_the_app_with_a_message_naming_the_setting()
    {
        using var factory = new DashboardAppFactory { Settings = BadSettings };
        var error = Assert.ThrowsAny<Exception>(() => factory.Services);
        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains("Invalid Simulation settings", messages, StringComparison.Ordinal);
        Assert.Contains("ReportsPerHour", messages, StringComparison.Ordinal);
        Assert.Contains("AcceptDelayMaxSeconds", messages, StringComparison.Ordinal);

        static IEnumerable<Exception> Chain(Exception? e)
        {
            for (; e is not null; e = e.InnerException)
            {
                yield return e;
            }
        }
    }

    private static readonly Dictionary<string, string> BadSettings = new()
    {
        ["Simulation:ReportsPerHour"] = "-3",
        ["Simulation:AcceptDelayMinSeconds"] = "30",
        ["Simulation:AcceptDelayMaxSeconds"] = "10",
    };
}
