using Bunit;
using Dashboard.Core.Accounts;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using Dashboard.Core.Positions;
using Dashboard.Data.Dispatch;
using Dashboard.Web.Features.Dispatch;
using Dashboard.Web.Features.Queue;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Dashboard.Web.Tests.Features.Queue;

/// <summary>The queue row's clocks and its 派发 button, over a real database, task board, recommender and notifier.</summary>
public sealed class LiveQueueDispatchTests : ComponentTestBase
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private JurisdictionNode Township => Tree.OfLevel(JurisdictionLevel.Township).First();

    /// <summary>Three e-bike officers of the township with the category's skill (so ETA order is distance order).</summary>
    private (string Category, List<Officer> Squad) SkilledSquad()
    {
        var officers = City.Officers.Where(o => o.TownshipCode == Township.Code && o.Mode == TravelMode.EBike).ToList();
        foreach (var category in Dashboard.Core.Categories.DefaultCategories.All)
        {
            var squad = officers.Where(o => o.Skills.Contains(category.Code)).Take(3).ToList();
            if (squad.Count == 3)
            {
                return (category.Code, squad);
            }
        }

        throw new InvalidOperationException("no category with three skilled officers");
    }

    /// <summary>A reported incident and three officers around it: the second one is nearest.</summary>
    private async Task<(Incident Incident, List<Officer> Squad)> SceneAsync()
    {
        await SeedCityAsync();
        SignInAs(Roles.Operator, Township.Code, "镇街指挥员");
        var (category, squad) = SkilledSquad();
        var incident = await ReportAsync(Township, category);
        double[] metres = [900, 300, 1500];
        await PlaceAsync(squad.Select((o, i) =>
        {
            var (lat, lon) = DispatchApi.North(incident.Latitude, incident.Longitude, metres[i]);
            return new PositionFix(o.Id, lat, lon, Time.GetUtcNow());
        }).ToArray());
        return (incident, squad);
    }

    private Task<IReadOnlyList<DispatchTask>> TasksAsync(long incidentId) =>
        Services.GetRequiredService<DispatchRepository>().TasksOfIncidentAsync(incidentId, Xunit.TestContext.Current.CancellationToken);

    private IEnumerable<Snackbar> Shown(Severity severity) =>
        Services.GetRequiredService<ISnackbar>().ShownSnackbars.Where(s => s.Severity == severity);

    private static string Row(Incident incident) => $"[data-incident='{incident.Id}']";

    [Fact]
    public async Task The_dispatch_button_sends_the_top_recommendation_and_the_row_then_shows_the_assignee_and_both_clocks()
    {
        var (incident, squad) = await SceneAsync();
        var top = Services.GetRequiredService<DispatchService>().Recommend(incident)[0];
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, Township));
        queue.WaitForElement(Row(incident), Patience);
        Assert.Equal("Running", queue.Find($"{Row(incident)} [data-clock=contact]").GetAttribute("data-state"));
        Assert.Empty(queue.FindAll($"{Row(incident)} [data-clock=arrival]"));

        Time.Advance(TimeSpan.FromSeconds(20));
        queue.WaitForAssertion(() => Assert.Equal("0:40", queue.Find($"{Row(incident)} [data-clock=contact] .clock-value").TextContent), Patience);
        queue.Find($"{Row(incident)} button[data-action=dispatch]").Click();

        queue.WaitForAssertion(() => Assert.Equal($"→ {squad[1].Name}", queue.Find($"{Row(incident)} [data-field=assignee]").TextContent.Trim()), Patience);
        Assert.Equal(squad[1].Id, top.Assignee.OfficerId);
        var row = queue.Find(Row(incident));
        Assert.Equal("Dispatched", row.GetAttribute("data-status"));
        Assert.Empty(row.QuerySelectorAll("button[data-action=dispatch]"));
        Assert.Empty(row.QuerySelectorAll("button[data-action=contact]"));
        Assert.Equal("Met", row.QuerySelector("[data-clock=contact]")!.GetAttribute("data-state"));
        Assert.Equal("✓ 0:20", row.QuerySelector("[data-clock=contact] .clock-value")!.TextContent);
        Assert.Equal("Running", row.QuerySelector("[data-clock=arrival]")!.GetAttribute("data-state"));
        Assert.Equal("5:00", row.QuerySelector("[data-clock=arrival] .clock-value")!.TextContent);

        var task = Assert.Single(await TasksAsync(incident.Id));
        Assert.Equal(squad[1].Id, task.Assignee.OfficerId);
        Assert.Equal(DispatchTaskStatus.Dispatched, task.Status);
        Assert.Equal("镇街指挥员", task.DispatchedBy);
        Assert.Contains(Shown(Severity.Success), s => s.Message == $"已派发给 {squad[1].Name}");
    }

    [Fact]
    public async Task A_second_dispatch_from_a_screen_still_showing_the_old_row_warns_already_dispatched_and_creates_no_second_task()
    {
        var (incident, squad) = await SceneAsync();
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, Township));
        queue.WaitForElement(Row(incident), Patience);

        queue.Find($"{Row(incident)} button[data-action=dispatch]").Click();
        queue.WaitForAssertion(() => Assert.NotEmpty(queue.FindAll($"{Row(incident)} [data-field=assignee]")), Patience);

        // The click of a colleague whose row had not updated yet: the same operator action, with the incident as that screen knew it.
        var reply = await Services.GetRequiredService<OperatorActions>().DispatchAsync(incident);

        Assert.Equal(CommandStatus.Rejected, reply.Status);
        Assert.Equal(RejectionKind.Conflict, reply.Rejection?.Kind);
        Assert.Contains(Shown(Severity.Warning), s => s.Message == $"该事件已派发给 {squad[1].Name}（他人刚刚操作）");
        Assert.Single(await TasksAsync(incident.Id));
        Assert.Equal($"→ {squad[1].Name}", queue.Find($"{Row(incident)} [data-field=assignee]").TextContent.Trim());
    }

    [Fact]
    public async Task Clicking_dispatch_on_a_row_another_node_has_just_dispatched_warns_and_creates_no_second_task()
    {
        var (incident, squad) = await SceneAsync();
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, Township));
        queue.WaitForElement(Row(incident), Patience);

        // Another server node (no shared task board, no live event here) dispatched it a moment ago, into the shared database.
        var now = Time.GetUtcNow();
        var elsewhere = Assignee.ForOfficer(squad[2].Id, squad[2].Name);
        var outcome = await new DispatchRepository(Database, Time).ExecuteAsync(
            incident.Id, "other_op", now, s => IncidentLifecycle.Decide(s, new DispatchCommand(elsewhere), "other_op", now), ct: Xunit.TestContext.Current.CancellationToken);
        Assert.NotNull(outcome.Result);
        queue.Find($"{Row(incident)} button[data-action=dispatch]").Click();

        queue.WaitForAssertion(() => Assert.Contains(Shown(Severity.Warning), s => s.Message == $"该事件已派发给 {squad[2].Name}（他人刚刚操作）"), Patience);
        var task = Assert.Single(await TasksAsync(incident.Id));
        Assert.Equal(squad[2].Id, task.Assignee.OfficerId);
        Assert.DoesNotContain(Shown(Severity.Success), s => s.Message?.Contains("已派发给", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task The_arrow_next_to_dispatch_opens_the_incident_with_every_candidate_and_the_second_one_can_be_sent()
    {
        var (incident, squad) = await SceneAsync();
        var options = Services.GetRequiredService<DispatchService>().Recommend(incident);
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, Township));
        queue.WaitForElement(Row(incident), Patience);

        queue.Find($"{Row(incident)} button[data-action=dispatch-more]").Click();

        queue.WaitForElement($".incident-drawer[data-incident='{incident.Id}']", Patience);
        queue.WaitForAssertion(() => Assert.Equal(options.Count, queue.FindAll(".incident-drawer .recommendation").Count), Patience);
        Assert.Contains(options[1].Assignee.Name, queue.Find(".incident-drawer .recommendation[data-rank='2']").TextContent, StringComparison.Ordinal);
        queue.Find(".incident-drawer button[data-action=dispatch-2]").Click();

        queue.WaitForAssertion(() => Assert.Equal($"→ {options[1].Assignee.Name}", queue.Find($"{Row(incident)} [data-field=assignee]").TextContent.Trim()), Patience);
        var task = Assert.Single(await TasksAsync(incident.Id));
        Assert.Equal(options[1].Assignee.OfficerId, task.Assignee.OfficerId);
        Assert.Contains(task.Assignee.OfficerId, squad.Select(o => (int?)o.Id));
    }
}
