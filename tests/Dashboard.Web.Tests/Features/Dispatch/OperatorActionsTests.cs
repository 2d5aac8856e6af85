using Dashboard.Core.Accounts;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Jurisdictions;
using Dashboard.Web.Features.Dispatch;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Dashboard.Web.Tests.Features.Dispatch;

/// <summary>What the operator is told when a button's command is refused (queue row and drawer).</summary>
public sealed class OperatorActionsTests : ComponentTestBase
{
    private JurisdictionNode Township => Tree.OfLevel(JurisdictionLevel.Township).First();

    private IEnumerable<string> Shown(Severity severity) =>
        Services.GetRequiredService<ISnackbar>().ShownSnackbars.Where(s => s.Severity == severity).Select(s => s.Message ?? "");

    [Fact]
    public async Task A_refused_drawer_action_on_a_dispatched_incident_says_why_and_does_not_claim_someone_just_dispatched_it()
    {
        await SeedCityAsync();
        SignInAs(Roles.Operator, Township.Code, "镇街指挥员");
        var officer = City.Officers.First(o => o.TownshipCode == Township.Code);
        var incident = await ReportAsync(Township, "ZDJY");
        var actions = Services.GetRequiredService<OperatorActions>();
        Assert.True((await actions.RunAsync(incident, new DispatchCommand(Assignee.ForOfficer(officer.Id, officer.Name)), "Action.Done")).IsOk);
        Assert.True((await actions.RunAsync(incident, new PauseCommand("等待举报人"), "Action.Done")).IsOk);

        var again = await actions.RunAsync(incident, new PauseCommand("等待举报人"), "Action.Done");

        Assert.Equal(RejectionKind.Conflict, again.Rejection?.Kind);
        Assert.Contains("操作未完成：already paused", Shown(Severity.Error));
        Assert.DoesNotContain(Shown(Severity.Warning), m => m.Contains("已派发给", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Contact_refused_because_a_colleague_just_dispatched_names_who_got_it()
    {
        await SeedCityAsync();
        SignInAs(Roles.Operator, Township.Code, "镇街指挥员");
        var officer = City.Officers.First(o => o.TownshipCode == Township.Code);
        var incident = await ReportAsync(Township, "ZDJY");
        var actions = Services.GetRequiredService<OperatorActions>();
        var colleague = Principal("colleague", Roles.Operator, Township.Code);
        Assert.True((await Services.GetRequiredService<DispatchService>().ExecuteAsync(
            colleague, incident.Id, new DispatchCommand(Assignee.ForOfficer(officer.Id, officer.Name)), ct: Xunit.TestContext.Current.CancellationToken)).IsOk);

        var reply = await actions.ContactAsync(incident);

        Assert.False(reply.IsOk);
        Assert.Contains($"该事件已派发给 {officer.Name}（他人刚刚操作）", Shown(Severity.Warning));
    }
}
