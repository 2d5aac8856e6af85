using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;

namespace Dashboard.Core.Tests.Dispatch;

public sealed class ContactAndDispatchTests
{
    private readonly IncidentScenario _s = new();

    [Fact]
    public void Contact_stamps_the_time_moves_reported_to_contacted_and_logs_the_note()
    {
        _s.At(25);
        var before = _s.State;

        var decision = _s.Do(new ContactCommand("  已电话联系网格长  "));

        Assert.Equal(IncidentStatus.Contacted, _s.Incident.Status);
        Assert.Equal(_s.Now, _s.Incident.ContactedAt);
        Assert.Empty(decision.Tasks);
        var e = Assert.Single(decision.Events);
        Assert.Equal(new PendingEvent(IncidentEventTypes.Contacted, new ContactedPayload("已电话联系网格长", ByDispatch: false)), e);
        Assert.Equal(IncidentStatus.Reported, before.Incident.Status);
        Assert.Null(before.Incident.ContactedAt);
    }

    [Fact]
    public void A_second_contact_is_refused()
    {
        _s.At(10).Do(new ContactCommand());

        var rejection = _s.After(5).Refused(new ContactCommand(), RejectionKind.Conflict);

        Assert.Equal("already contacted", rejection.Message);
    }

    [Fact]
    public void A_contact_note_longer_than_500_characters_is_invalid()
    {
        _s.Refused(new ContactCommand(new string('记', 501)), RejectionKind.Invalid, "note");
    }

    [Fact]
    public void Dispatch_creates_a_new_task_and_moves_the_incident_to_dispatched()
    {
        _s.At(20).Do(new ContactCommand());
        _s.At(40);

        var decision = _s.Try(new DispatchCommand(IncidentScenario.Zhang, new RecommendationPick(1, 820.5, TimeSpan.FromSeconds(185.4), false)), "op7");

        var task = Assert.Single(decision.Tasks);
        Assert.Equal(new DispatchTask(0, 1, IncidentScenario.Zhang, DispatchTaskStatus.Dispatched, _s.Now, "op7"), task);
        var incident = decision.Incident!;
        Assert.Equal(IncidentStatus.Dispatched, incident.Status);
        Assert.Equal(_s.Now, incident.DispatchedAt);
        Assert.Equal(IncidentScenario.ReportedAt.AddSeconds(20), incident.ContactedAt);
        Assert.Equal(0, incident.TaskId);
        Assert.Equal(11, incident.AssigneeOfficerId);
        Assert.Equal("张三", incident.AssigneeName);
        var e = Assert.Single(decision.Events);
        Assert.Equal(IncidentEventTypes.Dispatched, e.Type);
        Assert.Equal(0, e.TaskIndex);
        Assert.Equal(new DispatchedPayload("Officer", 11, null, "张三", 1, 820.5, 185, false, Override: false, null), e.Payload);
    }

    [Fact]
    public void The_store_replaces_task_id_zero_with_the_inserted_tasks_id()
    {
        _s.At(20).Dispatch();

        Assert.Equal(_s.Task!.Id, _s.Incident.TaskId);
        Assert.Equal(_s.Task.Id, _s.Log[^1].TaskId);
    }

    [Fact]
    public void Dispatch_without_contact_counts_as_contact_and_logs_it_first()
    {
        _s.At(30);

        var decision = _s.Do(new DispatchCommand(IncidentScenario.Zhang));

        Assert.Equal(_s.Now, _s.Incident.ContactedAt);
        Assert.Equal([IncidentEventTypes.Contacted, IncidentEventTypes.Dispatched], IncidentScenario.Types(decision));
        Assert.Equal(new ContactedPayload(null, ByDispatch: true), decision.Events[0].Payload);
        Assert.Null(decision.Events[0].TaskIndex);
    }

    [Fact]
    public void Dispatch_without_a_recommendation_is_an_override()
    {
        var decision = _s.At(30).Do(new DispatchCommand(IncidentScenario.Captain, null, "网格长就在附近"));

        var payload = Assert.IsType<DispatchedPayload>(decision.Events[^1].Payload);
        Assert.Equal(new DispatchedPayload("GridCaptain", null, "GC-01", "王网格长", null, null, null, false, Override: true, "网格长就在附近"), payload);
        Assert.Null(_s.Incident.AssigneeOfficerId);
        Assert.Equal("王网格长", _s.Incident.AssigneeName);
    }

    [Fact]
    public void Dispatch_of_a_lower_ranked_recommendation_is_an_override_with_its_reason()
    {
        var decision = _s.At(30).Do(new DispatchCommand(IncidentScenario.Li, new RecommendationPick(3, 2100, TimeSpan.FromMinutes(6), Stale: true), "熟悉该商户"));

        var payload = Assert.IsType<DispatchedPayload>(decision.Events[^1].Payload);
        Assert.True(payload.Override);
        Assert.True(payload.Stale);
        Assert.Equal(3, payload.Rank);
        Assert.Equal(360, payload.EtaSeconds);
        Assert.Equal("熟悉该商户", payload.Reason);
    }

    [Fact]
    public void Dispatch_while_a_task_is_active_names_the_current_assignee()
    {
        _s.At(10).Dispatch(IncidentScenario.Zhang);

        var rejection = _s.Refused(new DispatchCommand(IncidentScenario.Li), RejectionKind.Conflict);

        Assert.Equal("already dispatched to 张三", rejection.Message);
    }

    [Fact]
    public void Dispatch_of_a_resolved_incident_is_refused()
    {
        _s.At(10).Dispatch().Arrive().Resolve();

        _s.Refused(new DispatchCommand(IncidentScenario.Li), RejectionKind.Conflict);
    }

    [Fact]
    public void Dispatch_to_an_officer_without_an_id_is_invalid()
    {
        _s.Refused(new DispatchCommand(new Assignee(AssigneeKind.Officer, null, null, "某人")), RejectionKind.Invalid, "officerId");
    }

    [Fact]
    public void Dispatch_with_an_over_long_override_reason_is_invalid()
    {
        _s.Refused(new DispatchCommand(IncidentScenario.Li, null, new string('因', 201)), RejectionKind.Invalid, "reason");
    }

    [Fact]
    public void Dispatch_after_a_cancelled_task_keeps_the_first_dispatch_time()
    {
        _s.At(10).Dispatch(IncidentScenario.Zhang);
        var first = _s.Incident.DispatchedAt;
        _s.After(60).Do(new CancelTaskCommand("队员车辆故障"));
        _s.After(60);

        var decision = _s.Do(new DispatchCommand(IncidentScenario.Li));

        Assert.Equal(first, _s.Incident.DispatchedAt);
        Assert.Equal([IncidentEventTypes.Dispatched], IncidentScenario.Types(decision));
        Assert.Equal(_s.Now, _s.Task!.DispatchedAt);
        Assert.Equal(2, _s.Tasks.Count);
    }
}
