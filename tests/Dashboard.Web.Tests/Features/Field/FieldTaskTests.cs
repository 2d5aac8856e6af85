using System.Globalization;
using System.Security.Claims;
using Bunit;
using Dashboard.Core.Accounts;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using Dashboard.Data.Dispatch;
using Dashboard.Data.Incidents;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Features.Dispatch;
using Dashboard.Web.Features.Field;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Features.Field;

/// <summary>The officer's /field page over the real database, dispatch service and notifier.</summary>
public sealed class FieldTaskTests : ComponentTestBase
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public FieldTaskTests() => JSInterop.SetupModule(FieldTask.ModulePath);

    private JurisdictionNode Township => Tree.OfLevel(JurisdictionLevel.Township).First();

    private Officer Officer => City.Officers.First(o => o.TownshipCode == Township.Code);

    private void SignInAsOfficer()
    {
        Auth.SetAuthorized("officer");
        Auth.SetRoles(Roles.Officer);
        Auth.SetClaims(
            new Claim(DashboardClaims.Scope, Township.Code),
            new Claim(DashboardClaims.OfficerId, Officer.Id.ToString(CultureInfo.InvariantCulture)));
    }

    private async Task<(Incident Incident, DispatchTask Task)> DispatchedAsync()
    {
        var incident = await ReportAsync(Township, "ZDJY");
        var reply = await Services.GetRequiredService<DispatchService>().ExecuteAsync(
            Principal("township_op", Roles.Operator, Township.Code), incident.Id,
            new DispatchCommand(Assignee.ForOfficer(Officer.Id, Officer.Name)), ct: Xunit.TestContext.Current.CancellationToken);
        Assert.True(reply.IsOk, reply.Message);
        return (reply.Result!.Incident, reply.Task!);
    }

    [Fact]
    public async Task An_officer_sees_their_dispatched_task_and_accepting_it_moves_the_task_to_accepted()
    {
        await SeedCityAsync();
        SignInAsOfficer();
        var (incident, task) = await DispatchedAsync();

        var page = Render<FieldTask>();

        page.WaitForAssertion(() => Assert.Equal("Dispatched", page.Find("[data-task]").GetAttribute("data-status")), Patience);
        Assert.Equal(task.Id.ToString(CultureInfo.InvariantCulture), page.Find("[data-task]").GetAttribute("data-task"));
        Assert.Contains(Officer.Name, page.Find("h1").TextContent, StringComparison.Ordinal);
        Assert.Contains(incident.Code, page.Find(".field-task").TextContent, StringComparison.Ordinal);
        Assert.Equal("5:00", page.Find("[data-clock=arrival] .clock-value").TextContent);
        var accept = page.Find("button[data-action=accept]");
        Assert.Contains("接受任务", accept.TextContent, StringComparison.Ordinal);

        accept.Click();

        page.WaitForAssertion(() => Assert.Equal("Accepted", page.Find("[data-task]").GetAttribute("data-status")), Patience);
        Assert.Empty(page.FindAll("button[data-action=accept]"));
        Assert.NotEmpty(page.FindAll("button[data-action=arrive]"));
        Assert.Empty(page.FindAll("[data-error]"));
        var stored = await Services.GetRequiredService<DispatchRepository>().FindTaskAsync(task.Id, Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(DispatchTaskStatus.Accepted, stored!.Status);
        Assert.Equal(Time.GetUtcNow(), stored.AcceptedAt);
        var events = await Services.GetRequiredService<IncidentRepository>().EventsOfAsync(incident.Id, Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(IncidentEventTypes.Accepted, events[^1].Type);
        Assert.Equal("officer", events[^1].Actor);
    }

    [Fact]
    public async Task A_task_dispatched_while_the_page_is_open_appears_without_a_reload()
    {
        await SeedCityAsync();
        SignInAsOfficer();
        var page = Render<FieldTask>();
        // Listening: the page subscribes once its first load is done.
        page.WaitForAssertion(() => Assert.Equal(1, Notifier.SubscriberCount), Patience);
        Assert.NotEmpty(page.FindAll("[data-field=no-task]"));

        var (_, task) = await DispatchedAsync();

        page.WaitForAssertion(() => Assert.Equal(task.Id.ToString(CultureInfo.InvariantCulture), page.Find("[data-task]").GetAttribute("data-task")), Patience);
        Assert.NotEmpty(page.FindAll("button[data-action=accept]"));
    }

    [Fact]
    public async Task A_one_click_dispatch_from_a_neighbouring_township_reaches_the_open_page_too()
    {
        await SeedCityAsync();
        SignInAsOfficer();
        var neighbour = Tree.Find(new OfficerLocator(City.Officers, Tree, new RecommenderOptions()).NeighboursOf(Township.Code)[0])!;
        var category = Officer.Skills[0];
        var incident = await ReportAsync(neighbour, category);
        // Nobody of the incident's own township is on duty; this officer, next door, is 800 m away.
        var (lat, lon) = DispatchApi.North(incident.Latitude, incident.Longitude, 800);
        await PlaceAsync(new Dashboard.Core.Positions.PositionFix(Officer.Id, lat, lon, Time.GetUtcNow()));
        var page = Render<FieldTask>();
        // Listening: the page subscribes once its first load is done.
        page.WaitForAssertion(() => Assert.Equal(1, Notifier.SubscriberCount), Patience);
        Assert.NotEmpty(page.FindAll("[data-field=no-task]"));

        var reply = await Services.GetRequiredService<DispatchService>().DispatchRecommendedAsync(
            Principal("district_op", Roles.Operator, neighbour.ParentCode!), incident.Id, ct: Xunit.TestContext.Current.CancellationToken);
        Assert.True(reply.IsOk, reply.Message);
        Assert.Equal(Officer.Id, reply.Task!.Assignee.OfficerId);

        page.WaitForAssertion(() => Assert.Equal(reply.Task.Id.ToString(CultureInfo.InvariantCulture), page.Find("[data-task]").GetAttribute("data-task")), Patience);
        Assert.Contains(incident.Code, page.Find(".field-task").TextContent, StringComparison.Ordinal);
    }
}
