using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using Dashboard.Core.Positions;
using Dashboard.Web.Features.Map;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Tests.Features.Map;

public sealed class PositionFeedTests : ComponentTestBase
{
    private PositionFeed NewFeed() => new(Directory, Time, Options.Create(new PositionFeedOptions()));

    private static Officer OfficerIn(JurisdictionNode township, int index = 0) =>
        City.Officers.Where(o => o.TownshipCode == township.Code).ElementAt(index);


    private PositionFix Fix(Officer officer, double dLat = 0) =>
        new(officer.Id, 29.95 + dLat, 121.6, Time.GetUtcNow());

    [Fact]
    public async Task Hundred_updates_in_one_second_reach_a_map_as_two_pushes_and_the_last_position_wins()
    {
        using var feed = NewFeed();
        var township = TownshipAt(0);
        var officer = OfficerIn(township);
        var pushes = new List<OfficerDelta>();
        using var _ = feed.Subscribe(township.Code, d => { lock (pushes) { pushes.Add(d); } return Task.CompletedTask; });

        for (var i = 1; i <= 100; i++)
        {
            await feed.OnFlushedAsync([Fix(officer, i * 0.0001)]);
            Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        // 1 s of fake time holds exactly two 500 ms timer ticks.
        await WaitUntil(() => { lock (pushes) { return pushes.Count >= 2; } });
        lock (pushes)
        {
            Assert.Equal(2, pushes.Count);
            var last = Assert.Single(pushes[^1].Upserts);
            Assert.Equal(officer.Id, (int)last[0]);
            Assert.Equal(Math.Round(29.95 + (100 * 0.0001), 6), (double)last[1]);
            Assert.Equal((int)OfficerStatus.Available, (int)last[3]);
        }
    }

    [Fact]
    public async Task A_map_whose_browser_hangs_does_not_hold_up_the_other_maps_and_catches_up_when_it_answers()
    {
        using var feed = NewFeed();
        var township = TownshipAt(0);
        var officer = OfficerIn(township);
        var hung = new TaskCompletionSource();
        var stuck = new List<OfficerDelta>();
        var live = new List<OfficerDelta>();
        using var a = feed.Subscribe(township.Code, d => { lock (stuck) { stuck.Add(d); } return hung.Task; });
        using var b = feed.Subscribe(township.Code, d => { lock (live) { live.Add(d); } return Task.CompletedTask; });

        await feed.OnFlushedAsync([Fix(officer, 0.001)]);
        await feed.TickAsync();
        await feed.OnFlushedAsync([Fix(officer, 0.002)]);
        await feed.TickAsync();
        await feed.OnFlushedAsync([Fix(officer, 0.003)]);
        await feed.TickAsync();

        lock (live)
        {
            Assert.Equal(3, live.Count);
        }

        lock (stuck)
        {
            Assert.Single(stuck);
        }

        // Once it answers, the next tick sends it what it missed.
        hung.SetResult();
        await WaitUntil(() =>
        {
            feed.TickAsync().GetAwaiter().GetResult();
            lock (stuck)
            {
                return stuck.Count == 2;
            }
        });
        lock (stuck)
        {
            // The newest position, once: the pushes it missed are not replayed one by one.
            Assert.Equal(Math.Round(29.95 + 0.003, 6), (double)Assert.Single(stuck[1].Upserts)[1]);
        }
    }

    [Fact]
    public async Task A_map_receives_only_officers_of_its_scope()
    {
        using var feed = NewFeed();
        var mine = OfficerIn(TownshipAt(0));
        var other = OfficerIn(TownshipAt(9));
        OfficerDelta? delta = null;
        using var _ = feed.Subscribe(TownshipAt(0).Code, d => { delta = d; return Task.CompletedTask; });

        await feed.OnFlushedAsync([Fix(mine), Fix(other)]);
        await feed.TickAsync();

        Assert.Equal([mine.Id], delta!.Upserts.Select(r => (int)r[0]).ToArray());
    }

    [Fact]
    public async Task The_city_map_receives_everyone_and_a_snapshot_lists_each_officer_once()
    {
        using var feed = NewFeed();
        var a = OfficerIn(TownshipAt(0));
        var b = OfficerIn(TownshipAt(9));
        OfficerDelta? delta = null;
        using var _ = feed.Subscribe(Tree.Root.Code, d => { delta = d; return Task.CompletedTask; });

        await feed.OnFlushedAsync([Fix(a), Fix(b), Fix(a, 0.001)]);
        await feed.TickAsync();

        Assert.Equal(new[] { a.Id, b.Id }.Order(), delta!.Upserts.Select(r => (int)r[0]).Order());
        Assert.Equal(2, feed.Snapshot(Tree.Root.Code).Count);
        Assert.Single(feed.Snapshot(TownshipAt(9).Code));
    }

    [Fact]
    public async Task Silence_turns_an_officer_offline_then_removes_it_and_nothing_is_pushed_without_change()
    {
        using var feed = NewFeed();
        var township = TownshipAt(0);
        var officer = OfficerIn(township);
        var deltas = new List<OfficerDelta>();
        using var _ = feed.Subscribe(township.Code, d => { deltas.Add(d); return Task.CompletedTask; });
        await feed.OnFlushedAsync([Fix(officer)]);
        await feed.TickAsync();
        await feed.TickAsync();
        Assert.Single(deltas);

        Time.Advance(TimeSpan.FromMinutes(11));
        await feed.TickAsync();
        Assert.Equal((int)OfficerStatus.Offline, (int)deltas[^1].Upserts.Single()[3]);

        Time.Advance(TimeSpan.FromHours(12));
        await feed.TickAsync();
        Assert.Equal([officer.Id], deltas[^1].Removals);
        Assert.Empty(feed.Snapshot(township.Code));
    }

    [Fact]
    public async Task An_older_fix_does_not_move_the_officer_back()
    {
        using var feed = NewFeed();
        var officer = OfficerIn(TownshipAt(0));
        var newer = Fix(officer, 0.01);

        await feed.OnFlushedAsync([newer, newer with { Latitude = 29.0, At = newer.At.AddMinutes(-1) }]);

        Assert.Equal(newer, feed.LatestOf(officer.Id));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10, Xunit.TestContext.Current.CancellationToken);
        }

        // Let a wrongly scheduled extra push show itself before the caller asserts the count.
        await Task.Delay(100, Xunit.TestContext.Current.CancellationToken);
    }
}
