using System.Text.Json;
using Bunit;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Positions;
using Dashboard.Web.Features.Map;
using Dashboard.Web.Realtime;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Features.Map;

public sealed class LiveMapTests : ComponentTestBase
{
    private readonly BunitJSModuleInterop _module;

    public LiveMapTests()
    {
        // Strict for the map module: every call the component makes must be one scripted here.
        _module = JSInterop.SetupModule(LiveMap.ModulePath);
        _module.Mode = JSRuntimeMode.Strict;
        _module.SetupModule("create", _ => true);
        _module.SetupVoid("setBoundaries", _ => true).SetVoidResult();
        _module.SetupVoid("fitBoundaries", _ => true).SetVoidResult();
        _module.SetupVoid("setOfficers", _ => true).SetVoidResult();
        _module.SetupVoid("setIncidents", _ => true).SetVoidResult();
        _module.SetupVoid("updateOfficers", _ => true).SetVoidResult();
        _module.SetupVoid("updateIncidents", _ => true).SetVoidResult();
        _module.SetupVoid("dispose", _ => true).SetVoidResult();
    }

    private JurisdictionNode Township => Tree.OfLevel(JurisdictionLevel.Township).First();

    [Fact]
    public async Task The_map_gets_the_fleet_once_then_only_deltas_of_its_scope()
    {
        var mine = City.Officers.First(o => o.TownshipCode == Township.Code);
        var other = City.Officers.First(o => o.TownshipCode != Township.Code);
        await Feed.OnFlushedAsync([new PositionFix(mine.Id, 29.95, 121.6, Time.GetUtcNow())]);

        var map = Render<LiveMap>(p => p.Add(m => m.Scope, Township));
        map.WaitForAssertion(() => Assert.Single(_module.Invocations["setOfficers"]));
        // Rows go as JSON text: [[id, lat, lon, status], ...].
        using var snapshot = JsonDocument.Parse((string)_module.Invocations["setOfficers"][0].Arguments[1]!);
        Assert.Equal([mine.Id], snapshot.RootElement.EnumerateArray().Select(r => r[0].GetInt32()).ToArray());

        await Feed.OnFlushedAsync([
            new PositionFix(mine.Id, 29.96, 121.61, Time.GetUtcNow()),
            new PositionFix(other.Id, 29.90, 121.50, Time.GetUtcNow()),
        ]);
        await Feed.TickAsync();

        map.WaitForAssertion(() => Assert.Single(_module.Invocations["updateOfficers"]));
        var update = _module.Invocations["updateOfficers"][0];
        Assert.Equal($"[[{mine.Id},29.96,121.61,0]]", update.Arguments[1]);
        Assert.Equal("[]", update.Arguments[2]);
        Assert.Single(_module.Invocations["setOfficers"]);
    }

    [Fact]
    public void A_clock_that_turns_is_recoloured_once_and_an_unchanged_one_is_not_sent_again()
    {
        var incident = NewIncident(21, Township, reportedSecondsAgo: 0);
        var map = Render<LiveMap>(p => p.Add(m => m.Scope, Township));
        map.WaitForAssertion(() => Assert.Single(_module.Invocations["setIncidents"]));
        Publish(incident);
        // The feed hands the event over on its own thread and the map does not re-render for it: poll, not WaitForAssertion.
        var sent = () => _module.Invocations["updateIncidents"].Select(i => (string)i.Arguments[1]!).ToList();
        Assert.True(SpinWait.SpinUntil(() => sent().Count == 1, TimeSpan.FromSeconds(10)));

        // Second by second past the one-minute contact target: amber once, red once, nothing in between or after.
        for (var second = 0; second < 64; second++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        SpinWait.SpinUntil(() => sent().Count > 3, TimeSpan.FromSeconds(1));
        var row = "[[21," + Num(incident.Latitude) + "," + Num(incident.Longitude) + ",0,";
        Assert.Equal([row + "0]]", row + "1]]", row + "2]]"], sent());
    }

    private static string Num(double value) => JsonSerializer.Serialize(value);

    [Fact]
    public async Task Disposing_the_map_unsubscribes_and_disposes_the_module_map()
    {
        var map = Render<LiveMap>(p => p.Add(m => m.Scope, Township));
        map.WaitForAssertion(() => Assert.Equal(1, Feed.SubscriberCount));

        await map.Instance.DisposeAsync();

        Assert.Equal(0, Feed.SubscriberCount);
        Assert.Single(_module.Invocations["dispose"]);
    }
}
