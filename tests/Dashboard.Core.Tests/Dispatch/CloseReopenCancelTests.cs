using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Sla;

namespace Dashboard.Core.Tests.Dispatch;

public sealed class CloseReopenCancelTests
{
    private readonly IncidentScenario _s = new();

    private IncidentScenario Resolved() => _s.At(20).Dispatch().After(100).Arrive().After(300).Resolve().After(60);

    public static TheoryData<IncidentCommand> EveryCommandButReopen => new()
    {
        new ContactCommand(),
        new DispatchCommand(IncidentScenario.Li),
        new ReassignCommand(IncidentScenario.Li, "改派"),
        new CancelTaskCommand("取消"),
        new AcceptCommand(100),
        new ArriveCommand(100, true, 1, 50),
        new ResolveCommand(100, "已处理"),
        new CloseCommand(),
        new CancelIncidentCommand("取消"),
        new EscalateCommand("D", "升级"),
        new PauseCommand("暂停"),
        new ResumeCommand(),
        new BreachCommand(ClockKind.Contact, 1, "D"),
    };

    [Theory]
    [MemberData(nameof(EveryCommandButReopen))]
    public void A_closed_incident_refuses_every_command_but_reopen(IncidentCommand command)
    {
        Resolved().Do(new CloseCommand());

        _s.Refused(command, RejectionKind.Conflict);
    }

    [Theory]
    [MemberData(nameof(EveryCommandButReopen))]
    public void A_cancelled_incident_refuses_every_command(IncidentCommand command)
    {
        _s.At(10).Do(new CancelIncidentCommand("误报"));

        _s.Refused(command, RejectionKind.Conflict);
        _s.Refused(new ReopenCommand("重新处理"), RejectionKind.Conflict);
    }

    [Fact]
    public void Close_ends_the_resolved_task_and_closes_the_incident()
    {
        Resolved();
        var task = _s.Task!;

        var decision = _s.Do(new CloseCommand("核查无误"));

        Assert.Equal(task with { Status = DispatchTaskStatus.Closed, EndedAt = _s.Now }, Assert.Single(decision.Tasks));
        Assert.Equal(new PendingEvent(IncidentEventTypes.Closed, new NotePayload("核查无误"), 0), Assert.Single(decision.Events));
        Assert.Equal(IncidentStatus.Closed, _s.Incident.Status);
        Assert.Equal(_s.Now, _s.Incident.ClosedAt);
        Assert.False(_s.Incident.IsOpen);
    }

    [Fact]
    public void Close_before_resolution_is_refused()
    {
        _s.At(20).Dispatch().Arrive();

        _s.Refused(new CloseCommand(), RejectionKind.Conflict);
    }

    [Fact]
    public void Reopen_of_a_closed_incident_returns_it_to_contacted_without_assignee_and_keeps_the_clocks()
    {
        Resolved().Do(new CloseCommand());
        var closedTask = _s.Task!;
        _s.After(3600);

        var decision = _s.Do(new ReopenCommand("摊贩又回来了"));

        Assert.Empty(decision.Tasks);
        Assert.Equal(new PendingEvent(IncidentEventTypes.Reopened, new ReasonPayload("摊贩又回来了")), Assert.Single(decision.Events));
        Assert.Equal(IncidentStatus.Contacted, _s.Incident.Status);
        Assert.Null(_s.Incident.ResolvedAt);
        Assert.Null(_s.Incident.ClosedAt);
        Assert.Null(_s.Incident.AssigneeOfficerId);
        Assert.Null(_s.Incident.AssigneeName);
        Assert.Equal(closedTask.Id, _s.Incident.TaskId);
        Assert.Equal(ClockState.Met, SlaClock.Contact(_s.Incident, _s.Now).State);
        Assert.Equal(ClockState.Met, SlaClock.Arrival(_s.Incident, _s.Now).State);
    }

    [Fact]
    public void Reopen_of_a_resolved_incident_closes_its_resolved_task()
    {
        Resolved();
        var task = _s.Task!;

        var decision = _s.Do(new ReopenCommand("处理不彻底"));

        Assert.Equal(task with { Status = DispatchTaskStatus.Closed, EndedAt = _s.Now }, Assert.Single(decision.Tasks));
        Assert.Equal(0, decision.Events[0].TaskIndex);
        Assert.Equal(IncidentStatus.Contacted, _s.Incident.Status);
    }

    [Fact]
    public void Reopen_of_an_open_unresolved_incident_is_refused()
    {
        _s.At(20).Dispatch();

        _s.Refused(new ReopenCommand("重新处理"), RejectionKind.Conflict);
    }

    [Fact]
    public void Reopen_needs_a_reason()
    {
        Resolved();

        _s.Refused(new ReopenCommand(""), RejectionKind.Invalid, "reason");
    }

    [Fact]
    public void Cancel_incident_cancels_its_active_task()
    {
        _s.At(20).Dispatch().Accept();
        var task = _s.Task!;

        var decision = _s.Do(new CancelIncidentCommand("报告人撤回"));

        Assert.Equal(task with { Status = DispatchTaskStatus.Cancelled, EndedAt = _s.Now, EndReason = "报告人撤回" }, Assert.Single(decision.Tasks));
        Assert.Equal(new PendingEvent(IncidentEventTypes.Cancelled, new ReasonPayload("报告人撤回"), 0), Assert.Single(decision.Events));
        Assert.Equal(IncidentStatus.Cancelled, _s.Incident.Status);
        Assert.False(_s.Incident.IsOpen);
    }

    [Fact]
    public void Cancel_incident_without_a_task_touches_no_task()
    {
        var decision = _s.At(20).Do(new CancelIncidentCommand("重复上报"));

        Assert.Empty(decision.Tasks);
        Assert.Null(decision.Events[0].TaskIndex);
    }

    [Fact]
    public void Cancel_of_a_paused_incident_resumes_first_and_clears_the_pause()
    {
        _s.At(10).Do(new PauseCommand("等待回电"));

        var decision = _s.At(40).Do(new CancelIncidentCommand("报告人撤回"));

        Assert.Equal([IncidentEventTypes.Resumed, IncidentEventTypes.Cancelled], IncidentScenario.Types(decision));
        Assert.Null(_s.Incident.PausedAt);
        Assert.Equal(ClockState.Void, SlaClock.Contact(_s.Incident, _s.Now).State);
    }

    [Fact]
    public void Cancel_incident_needs_a_reason()
    {
        _s.Refused(new CancelIncidentCommand("\t"), RejectionKind.Invalid, "reason");
    }
}
