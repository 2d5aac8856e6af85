using Bunit;
using Microsoft.AspNetCore.Components;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Web.Features.Queue;
using Dashboard.Web.Realtime;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Features.Queue;

public sealed class LiveQueueTests : ComponentTestBase
{
    [Fact]
    public void A_published_report_in_scope_appears_at_the_top_and_one_outside_never_does()
    {
        var township = TownshipAt(0);
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, township));
        Assert.Empty(queue.FindAll(".queue-row"));

        Publish(NewIncident(1, township));
        Publish(NewIncident(2, TownshipAt(7)));
        Publish(NewIncident(3, township, category: "FXCD"));

        queue.WaitForAssertion(() =>
        {
            var rows = queue.FindAll(".queue-row");
            Assert.Equal(["3", "1"], rows.Select(r => r.GetAttribute("data-incident")).ToArray());
        });
        Assert.Contains("飞线充电", queue.FindAll(".queue-row")[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("待联络", queue.FindAll(".queue-row")[0].TextContent, StringComparison.Ordinal);
        Assert.Equal(1, Notifier.SubscriberCount);
    }

    [Fact]
    public void The_same_scope_and_callback_again_do_not_render_the_rows_again_and_another_scope_does()
    {
        var township = TownshipAt(0);
        var changed = EventCallback.Factory.Create(this, OnChanged);
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, township).Add(q => q.Changed, changed));
        Publish(NewIncident(1, township));
        queue.WaitForAssertion(() => Assert.Single(queue.FindAll(".queue-row")));
        // The first load ends on its own thread (the event may show first): count once no render has come for a while.
        var renders = queue.RenderCount;
        while (SpinWait.SpinUntil(() => queue.RenderCount != renders, TimeSpan.FromMilliseconds(500)))
        {
            renders = queue.RenderCount;
        }

        // What the home page does after each change: render again with the same scope and a new delegate of the same method.
        queue.Render(p => p.Add(q => q.Scope, township).Add(q => q.Changed, EventCallback.Factory.Create(this, OnChanged)));
        Assert.Equal(renders, queue.RenderCount);

        queue.Render(p => p.Add(q => q.Scope, TownshipAt(1)).Add(q => q.Changed, changed));
        Assert.True(queue.RenderCount > renders);
    }

    private void OnChanged()
    {
    }

    [Fact]
    public void Over_capacity_the_oldest_ended_incidents_leave_the_queue_and_open_ones_stay()
    {
        var township = TownshipAt(0);
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, township).Add(q => q.Capacity, 3));
        Publish(NewIncident(1, township, IncidentStatus.Closed));
        Publish(NewIncident(2, township));
        Publish(NewIncident(3, township, IncidentStatus.Cancelled));
        Publish(NewIncident(4, township, IncidentStatus.Closed));
        Publish(NewIncident(5, township));
        Publish(NewIncident(6, township));

        queue.WaitForAssertion(() =>
            Assert.Equal(["6", "5", "2"], queue.FindAll(".queue-row").Select(r => r.GetAttribute("data-incident")).ToArray()));
    }

    [Fact]
    public void An_update_changes_the_row_in_place_and_a_stale_update_does_not_roll_it_back()
    {
        var township = TownshipAt(0);
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, township));
        var reported = NewIncident(5, township);
        Publish(reported);
        var contacted = reported with { Status = IncidentStatus.Contacted, LastSeq = reported.LastSeq + 10 };
        Publish(contacted, IncidentEventTypes.Contacted);
        Publish(reported with { LastSeq = reported.LastSeq + 1 }, IncidentEventTypes.Reported);

        queue.WaitForAssertion(() =>
        {
            var row = Assert.Single(queue.FindAll(".queue-row"));
            Assert.Equal("Contacted", row.GetAttribute("data-status"));
        });
    }

    [Fact]
    public void The_city_queue_shows_every_district_and_the_age_ticks_with_the_clock()
    {
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, Tree.Root));
        Publish(NewIncident(8, TownshipAt(0)));
        Publish(NewIncident(9, TownshipAt(20)));

        queue.WaitForAssertion(() => Assert.Equal(2, queue.FindAll(".queue-row").Count));
        queue.WaitForAssertion(() => Assert.Equal("1分15秒", queue.FindAll(".queue-age")[0].TextContent));

        Time.Advance(TimeSpan.FromSeconds(1));
        queue.WaitForAssertion(() => Assert.Equal("1分16秒", queue.FindAll(".queue-age")[0].TextContent));
    }

    [Fact]
    public void A_clock_tick_keeps_the_rows_event_handlers_and_a_click_after_it_still_acts_on_the_row()
    {
        var township = TownshipAt(0);
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, township));
        Publish(NewIncident(12, township, reportedSecondsAgo: 0));
        string[] Handlers() => queue.FindAll("[data-incident='12'], [data-incident='12'] button")
            .SelectMany(e => e.Attributes.Where(a => a.Name.StartsWith("blazor:on", StringComparison.Ordinal)).Select(a => $"{a.Name}={a.Value}"))
            .ToArray();
        queue.WaitForAssertion(() => Assert.Equal("1:00", queue.Find("[data-incident='12'] [data-clock=contact] .clock-value").TextContent));
        var before = Handlers();
        Assert.Equal(5, before.Length);

        Time.Advance(TimeSpan.FromSeconds(1));
        queue.WaitForAssertion(() => Assert.Equal("0:59", queue.Find("[data-incident='12'] [data-clock=contact] .clock-value").TextContent));

        // Fresh lambdas would give every handler a new id on each tick, and a circuit holds the old ones until the browser acks.
        Assert.Equal(before, Handlers());
        queue.Find("[data-incident='12']").Click();
        queue.WaitForAssertion(() => Assert.Contains("queue-row-selected", queue.Find("[data-incident='12']").ClassName, StringComparison.Ordinal));
    }

    [Fact]
    public void A_row_off_screen_for_a_few_ticks_lets_go_of_its_handlers_and_one_on_screen_keeps_them()
    {
        var township = TownshipAt(0);
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, township));
        var contacted = NewIncident(21, township, reportedSecondsAgo: 0) with { Status = IncidentStatus.Contacted, ContactedAt = Time.GetUtcNow() };
        Publish(NewIncident(20, township, reportedSecondsAgo: 0));
        Publish(contacted, IncidentEventTypes.Contacted);
        string[] Handlers(long id) => queue.FindAll($"[data-incident='{id}'], [data-incident='{id}'] button")
            .SelectMany(e => e.Attributes.Where(a => a.Name.StartsWith("blazor:on", StringComparison.Ordinal)).Select(a => $"{a.Name}={a.Value}"))
            .ToArray();
        queue.WaitForAssertion(() => Assert.Equal(2, queue.FindAll(".queue-row").Count));
        var reportedBefore = Handlers(20);
        var contactedBefore = Handlers(21);

        // Only the contacted incident is on screen for five ticks.
        queue.Find("select[data-filter=status]").Change("Contacted");
        queue.WaitForAssertion(() => Assert.Single(queue.FindAll(".queue-row")));
        for (var second = 1; second <= 5; second++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            var age = $"{second}秒";
            queue.WaitForAssertion(() => Assert.Equal(age, queue.Find("[data-incident='21'] .queue-age").TextContent));
        }

        Assert.Equal(contactedBefore, Handlers(21));
        queue.Find("select[data-filter=status]").Change("");
        queue.WaitForAssertion(() => Assert.Equal(2, queue.FindAll(".queue-row").Count));
        var reportedAfter = Handlers(20);
        Assert.Equal(reportedBefore.Length, reportedAfter.Length);
        Assert.Empty(reportedAfter.Intersect(reportedBefore));
        Assert.Equal(contactedBefore, Handlers(21));

        // The new handlers act on their row.
        queue.Find("[data-incident='20']").Click();
        queue.WaitForAssertion(() => Assert.Contains("queue-row-selected", queue.Find("[data-incident='20']").ClassName, StringComparison.Ordinal));
    }

    [Fact]
    public void A_rows_contact_clock_turns_amber_at_40_s_and_red_at_60_s_as_the_clock_ticks()
    {
        var township = TownshipAt(0);
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, township));
        Publish(NewIncident(11, township, reportedSecondsAgo: 0));
        string Colour() => queue.Find("[data-incident='11'] [data-clock=contact]").GetAttribute("data-colour")!;
        string Value() => queue.Find("[data-incident='11'] [data-clock=contact] .clock-value").TextContent;

        queue.WaitForAssertion(() => Assert.Equal(("green", "1:00"), (Colour(), Value())));
        Assert.Empty(queue.FindAll("[data-incident='11'] [data-clock=arrival]"));

        Time.Advance(TimeSpan.FromSeconds(39));
        queue.WaitForAssertion(() => Assert.Equal(("green", "0:21"), (Colour(), Value())));
        Time.Advance(TimeSpan.FromSeconds(1));
        queue.WaitForAssertion(() => Assert.Equal(("amber", "0:20"), (Colour(), Value())));
        Time.Advance(TimeSpan.FromSeconds(20));
        queue.WaitForAssertion(() => Assert.Equal(("red", "0:00"), (Colour(), Value())));
        Time.Advance(TimeSpan.FromSeconds(5));
        queue.WaitForAssertion(() => Assert.Equal(("red", "+0:05"), (Colour(), Value())));
    }

    [Fact]
    public void Disposing_the_queue_unsubscribes_from_theNotifier()
    {
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, Tree.Root));
        Assert.Equal(1, Notifier.SubscriberCount);

        queue.Instance.Dispose();

        Assert.Equal(0, Notifier.SubscriberCount);
    }

    [Fact]
    public async Task Two_consoles_of_one_scope_keep_one_shared_copy_of_each_loaded_incident()
    {
        await SeedCityAsync();
        var township = TownshipAt(0);
        var reported = await ReportAsync(township, "ZDJY");
        var first = Render<LiveQueue>(p => p.Add(q => q.Scope, township));
        var second = Render<LiveQueue>(p => p.Add(q => q.Scope, township));
        first.WaitForElement($"[data-incident='{reported.Id}']");
        second.WaitForElement($"[data-incident='{reported.Id}']");
        Assert.Equal(1, Snapshots.Count);

        // Entries are weak: the one entry outlives a full collection only because the queues hold that very instance.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Snapshots.Sweep();
        Assert.Equal(1, Snapshots.Count);
        Assert.Equal(reported.Code, Snapshots.Share(reported).Code);
    }

    [Fact]
    public void The_filters_narrow_the_queue_by_status_category_unit_and_escalated_here_and_combine()
    {
        var first = TownshipAt(0);
        var district = Tree.Find(first.ParentCode!)!;
        var second = Tree.ChildrenOf(district.Code).First(t => t.Code != first.Code);
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, district));
        Publish(NewIncident(1, first));
        Publish(NewIncident(2, first, IncidentStatus.Dispatched, category: "FXCD"));
        Publish(NewIncident(3, second, category: "FXCD"));
        Publish(NewIncident(4, second, IncidentStatus.Closed) with { OwnerCode = district.Code, Escalations = 1 });
        string[] Rows() => queue.FindAll(".queue-row").Select(r => r.GetAttribute("data-incident")!).ToArray();
        queue.WaitForAssertion(() => Assert.Equal(["4", "3", "2", "1"], Rows()));

        queue.Find("select[data-filter=status]").Change(nameof(IncidentStatus.Reported));
        // A change re-renders on the renderer's dispatcher, where a live batch may be rendering just then.
        queue.WaitForAssertion(() => Assert.Equal(["3", "1"], Rows()));
        queue.Find("select[data-filter=category]").Change("FXCD");
        queue.WaitForAssertion(() => Assert.Equal(["3"], Rows()));
        Assert.Contains("共 1 件", queue.Find(".queue-count").TextContent, StringComparison.Ordinal);

        queue.Find("select[data-filter=status]").Change("");
        queue.Find("select[data-filter=unit]").Change(first.Code);
        queue.WaitForAssertion(() => Assert.Equal(["2"], Rows()));

        queue.Find("select[data-filter=category]").Change("");
        queue.Find("select[data-filter=unit]").Change("");
        queue.Find("select[data-filter=status]").Change("escalated-here");
        queue.WaitForAssertion(() => Assert.Equal(["4"], Rows()));
        // Every option a township has, and the district-only one.
        Assert.Equal(Enum.GetValues<IncidentStatus>().Length + 2, queue.FindAll("select[data-filter=status] option").Count);
        Assert.Equal(Tree.ChildrenOf(district.Code).Count + 1, queue.FindAll("select[data-filter=unit] option").Count);
    }
}
