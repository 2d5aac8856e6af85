using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Sla;

namespace Dashboard.Core.Tests.Dispatch;

public sealed class HappyPathTests
{
    [Fact]
    public void An_incident_goes_from_report_to_closed_and_back_to_a_new_dispatch()
    {
        var s = new IncidentScenario();
        var statuses = new List<IncidentStatus> { s.Incident.Status };

        void Step(double afterSeconds, IncidentCommand command)
        {
            s.After(afterSeconds).Do(command);
            statuses.Add(s.Incident.Status);
        }

        Step(30, new ContactCommand("已联系网格长"));
        Step(20, new DispatchCommand(IncidentScenario.Zhang, new RecommendationPick(1, 640, TimeSpan.FromMinutes(2), false)));
        var first = s.Task!;
        Step(15, new AcceptCommand(first.Id));
        Step(150, new ArriveCommand(first.Id, Auto: true, 18, 50));
        Step(900, new ResolveCommand(first.Id, "已劝离摊贩", 2));
        Step(600, new CloseCommand("核查通过"));
        Step(86_400, new ReopenCommand("摊贩次日返回"));
        Step(40, new DispatchCommand(IncidentScenario.Li));

        Assert.Equal(
            [
                IncidentStatus.Reported, IncidentStatus.Contacted, IncidentStatus.Dispatched, IncidentStatus.Accepted,
                IncidentStatus.OnScene, IncidentStatus.Resolved, IncidentStatus.Closed, IncidentStatus.Contacted,
                IncidentStatus.Dispatched,
            ],
            statuses);
        Assert.Equal(
            [
                IncidentEventTypes.Contacted, IncidentEventTypes.Dispatched, IncidentEventTypes.Accepted, IncidentEventTypes.OnScene,
                IncidentEventTypes.Resolved, IncidentEventTypes.Closed, IncidentEventTypes.Reopened, IncidentEventTypes.Dispatched,
            ],
            s.LoggedTypes);

        var reported = IncidentScenario.ReportedAt;
        Assert.Equal(reported.AddSeconds(30), s.Incident.ContactedAt);
        Assert.Equal(reported.AddSeconds(50), s.Incident.DispatchedAt);
        Assert.Equal(reported.AddSeconds(215), s.Incident.OnSceneAt);
        Assert.Null(s.Incident.ResolvedAt);
        Assert.Null(s.Incident.ClosedAt);
        Assert.Equal(3, s.Incident.PhotoCount);

        Assert.Equal(2, s.Tasks.Count);
        var closed = s.Tasks[0];
        Assert.Equal(DispatchTaskStatus.Closed, closed.Status);
        Assert.Equal(reported.AddSeconds(65), closed.AcceptedAt);
        Assert.Equal(reported.AddSeconds(1715), closed.EndedAt);
        Assert.Equal("已劝离摊贩", closed.ResolutionNote);

        var second = s.Task!;
        Assert.Equal(DispatchTaskStatus.Dispatched, second.Status);
        Assert.Equal(second.Id, s.Incident.TaskId);
        Assert.Equal((12, "李四"), (s.Incident.AssigneeOfficerId, s.Incident.AssigneeName));
        Assert.Equal(
            [null, first.Id, first.Id, first.Id, first.Id, first.Id, null, second.Id],
            s.Log.Select(e => e.TaskId));

        Assert.Equal(new ClockReading(ClockKind.Contact, ClockState.Met, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)), SlaClock.Contact(s.Incident, s.Now));
        Assert.Equal(new ClockReading(ClockKind.Arrival, ClockState.Met, TimeSpan.FromSeconds(165), TimeSpan.FromSeconds(300)), SlaClock.Arrival(s.Incident, s.Now));
        Assert.Null(SlaClock.NextBreachAt(s.Incident));
    }

    [Fact]
    public void Deciding_never_changes_the_state_it_was_given()
    {
        var scenario = new IncidentScenario().At(20).Dispatch();
        scenario.After(10).Do(new PauseCommand("等待"));
        var state = scenario.State;
        var snapshot = state with { Incident = state.Incident with { }, Task = state.Task! with { } };

        IncidentLifecycle.Decide(state, new ReassignCommand(IncidentScenario.Li, "改派"), "op1", scenario.After(30).Now);
        IncidentLifecycle.Decide(state, new CancelIncidentCommand("撤回"), "op1", scenario.Now);

        Assert.Equal(snapshot, state);
    }
}
