using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Sla;

namespace Dashboard.Core.Tests.Dispatch;

public sealed class TaskLifecycleTests
{
    private readonly IncidentScenario _s = new();

    private IncidentScenario Dispatched() => _s.At(20).Dispatch(IncidentScenario.Zhang).After(30);

    [Fact]
    public void Reassign_cancels_the_old_task_dispatches_a_new_one_and_keeps_the_arrival_clock()
    {
        Dispatched().Accept().After(60);
        var old = _s.Task!;
        var firstDispatch = _s.Incident.DispatchedAt;

        var decision = _s.Do(new ReassignCommand(IncidentScenario.Li, "张三临时调往其他现场"), "op2");

        Assert.Equal(2, decision.Tasks.Count);
        Assert.Equal(old with { Status = DispatchTaskStatus.Cancelled, EndedAt = _s.Now, EndReason = "reassigned: 张三临时调往其他现场" }, decision.Tasks[0]);
        Assert.Equal(new DispatchTask(0, 1, IncidentScenario.Li, DispatchTaskStatus.Dispatched, _s.Now, "op2"), decision.Tasks[1]);
        var e = Assert.Single(decision.Events);
        Assert.Equal(new PendingEvent(IncidentEventTypes.Reassigned, new ReassignedPayload("张三", "李四", 12, null, "张三临时调往其他现场"), 1), e);
        Assert.Equal(IncidentStatus.Dispatched, _s.Incident.Status);
        Assert.Equal(firstDispatch, _s.Incident.DispatchedAt);
        Assert.Equal((12, "李四"), (_s.Incident.AssigneeOfficerId, _s.Incident.AssigneeName));
        Assert.Equal(_s.Task!.Id, _s.Incident.TaskId);
        Assert.NotEqual(old.Id, _s.Task.Id);
        Assert.Equal(_s.Task.Id, _s.Log[^1].TaskId);
        Assert.Equal(TimeSpan.FromSeconds(90), SlaClock.Arrival(_s.Incident, _s.Now).Elapsed);
    }

    [Fact]
    public void Reassign_to_the_same_officer_is_invalid()
    {
        Dispatched();

        _s.Refused(new ReassignCommand(Assignee.ForOfficer(11, "张三"), "换人"), RejectionKind.Invalid, "officerId");
    }

    [Fact]
    public void Reassign_without_an_active_task_is_refused()
    {
        _s.At(10).Do(new ContactCommand());

        _s.Refused(new ReassignCommand(IncidentScenario.Li, "换人"), RejectionKind.Conflict);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Reassign_needs_a_reason(string? reason)
    {
        Dispatched();

        _s.Refused(new ReassignCommand(IncidentScenario.Li, reason!), RejectionKind.Invalid, "reason");
    }

    [Fact]
    public void A_reason_of_200_characters_is_accepted_and_201_is_not()
    {
        Dispatched();

        _s.Refused(new ReassignCommand(IncidentScenario.Li, new string('因', 201)), RejectionKind.Invalid, "reason");
        Assert.True(_s.Try(new ReassignCommand(IncidentScenario.Li, new string('因', 200))).IsAccepted);
    }

    [Fact]
    public void Cancel_task_returns_the_incident_to_contacted_without_an_assignee()
    {
        Dispatched();
        var task = _s.Task!;

        var decision = _s.Do(new CancelTaskCommand("队员车辆故障"));

        Assert.Equal(task with { Status = DispatchTaskStatus.Cancelled, EndedAt = _s.Now, EndReason = "队员车辆故障" }, Assert.Single(decision.Tasks));
        Assert.Equal(new PendingEvent(IncidentEventTypes.TaskCancelled, new ReasonPayload("队员车辆故障"), 0), Assert.Single(decision.Events));
        Assert.Equal(IncidentStatus.Contacted, _s.Incident.Status);
        Assert.Null(_s.Incident.AssigneeOfficerId);
        Assert.Null(_s.Incident.AssigneeName);
        Assert.Equal(task.Id, _s.Incident.TaskId);
        Assert.Equal(ClockState.Running, SlaClock.Arrival(_s.Incident, _s.Now).State);
    }

    [Fact]
    public void Cancel_task_needs_an_active_task_and_a_reason()
    {
        _s.At(10).Do(new ContactCommand());
        _s.Refused(new CancelTaskCommand("取消"), RejectionKind.Conflict);

        _s.Dispatch();
        _s.Refused(new CancelTaskCommand(" "), RejectionKind.Invalid, "reason");
    }

    [Fact]
    public void Accept_marks_the_task_and_the_incident_accepted()
    {
        Dispatched();
        var task = _s.Task!;

        var decision = _s.Do(new AcceptCommand(task.Id), "officer11");

        Assert.Equal(task with { Status = DispatchTaskStatus.Accepted, AcceptedAt = _s.Now }, Assert.Single(decision.Tasks));
        Assert.Equal(new PendingEvent(IncidentEventTypes.Accepted, null, 0), Assert.Single(decision.Events));
        Assert.Equal(IncidentStatus.Accepted, _s.Incident.Status);
    }

    [Fact]
    public void Accepting_twice_is_refused()
    {
        Dispatched().Accept();

        Assert.Equal("already accepted", _s.Refused(new AcceptCommand(_s.Task!.Id), RejectionKind.Conflict).Message);
    }

    [Fact]
    public void Accepting_another_task_id_is_invalid()
    {
        Dispatched();

        _s.Refused(new AcceptCommand(_s.Task!.Id + 1), RejectionKind.Invalid, "taskId");
    }

    [Fact]
    public void Accepting_a_task_that_is_no_longer_active_is_refused()
    {
        Dispatched();
        var task = _s.Task!;
        _s.Do(new CancelTaskCommand("改派"));

        _s.Refused(new AcceptCommand(task.Id), RejectionKind.Conflict);
    }

    [Fact]
    public void Accepting_the_old_task_after_a_reassignment_is_invalid()
    {
        Dispatched();
        var old = _s.Task!;
        _s.Do(new ReassignCommand(IncidentScenario.Li, "改派"));

        _s.Refused(new AcceptCommand(old.Id), RejectionKind.Invalid, "taskId");
    }

    [Fact]
    public void Accepting_without_any_task_is_invalid()
    {
        _s.Refused(new AcceptCommand(5), RejectionKind.Invalid, "taskId");
    }

    [Fact]
    public void Arrive_by_geofence_stamps_the_task_and_stops_the_arrival_clock()
    {
        Dispatched().Accept().After(45);
        var task = _s.Task!;

        var decision = _s.Do(new ArriveCommand(task.Id, Auto: true, 31.5, 50), "system");

        Assert.Equal(
            task with { Status = DispatchTaskStatus.OnScene, ArrivedAt = _s.Now, ArrivalAuto = true, ArrivalDistanceMeters = 31.5, ArrivalFlagged = false },
            Assert.Single(decision.Tasks));
        Assert.Equal(new PendingEvent(IncidentEventTypes.OnScene, new OnScenePayload(true, 31.5, false), 0), Assert.Single(decision.Events));
        Assert.Equal(IncidentStatus.OnScene, _s.Incident.Status);
        Assert.Equal(_s.Now, _s.Incident.OnSceneAt);
        Assert.Equal(new ClockReading(ClockKind.Arrival, ClockState.Met, TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(300)), SlaClock.Arrival(_s.Incident, _s.Now));
    }

    [Fact]
    public void Arrive_without_accepting_counts_as_accepted()
    {
        Dispatched();

        _s.Do(new ArriveCommand(_s.Task!.Id, Auto: false, null, 50));

        Assert.Equal(_s.Now, _s.Task!.AcceptedAt);
        Assert.False(_s.Task.ArrivalFlagged);
    }

    [Theory]
    [InlineData(false, 50.0, false)]
    [InlineData(false, 50.1, true)]
    [InlineData(true, 80.0, false)]
    public void A_manual_arrival_outside_the_geofence_is_allowed_but_flagged(bool auto, double distance, bool flagged)
    {
        Dispatched();

        var decision = _s.Do(new ArriveCommand(_s.Task!.Id, auto, distance, 50));

        Assert.Equal(flagged, _s.Task!.ArrivalFlagged);
        Assert.Equal(new OnScenePayload(auto, distance, flagged), decision.Events[0].Payload);
    }

    [Fact]
    public void Arriving_twice_is_refused()
    {
        Dispatched().Arrive();

        Assert.Equal("already on scene", _s.Refused(new ArriveCommand(_s.Task!.Id, true, 5, 50), RejectionKind.Conflict).Message);
        Assert.Equal("already on scene", _s.Refused(new AcceptCommand(_s.Task!.Id), RejectionKind.Conflict).Message);
    }

    [Fact]
    public void A_second_arrival_after_reassignment_keeps_the_first_on_scene_time()
    {
        Dispatched().Arrive();
        var firstOnScene = _s.Incident.OnSceneAt;
        _s.After(120).Do(new ReassignCommand(IncidentScenario.Li, "需要两人处置"));

        _s.After(60).Arrive();

        Assert.Equal(firstOnScene, _s.Incident.OnSceneAt);
        Assert.Equal(_s.Now, _s.Task!.ArrivedAt);
    }

    [Fact]
    public void Arrive_with_a_negative_distance_is_invalid()
    {
        Dispatched();

        _s.Refused(new ArriveCommand(_s.Task!.Id, false, -1, 50), RejectionKind.Invalid, "distanceMeters");
    }

    [Fact]
    public void Resolve_records_the_note_and_adds_the_photos()
    {
        Dispatched().Arrive().After(600);
        var task = _s.Task!;

        var decision = _s.Do(new ResolveCommand(task.Id, " 已责令摊贩撤离 ", 3), "officer11");

        Assert.Equal(task with { Status = DispatchTaskStatus.Resolved, ResolvedAt = _s.Now, ResolutionNote = "已责令摊贩撤离" }, Assert.Single(decision.Tasks));
        Assert.Equal(new PendingEvent(IncidentEventTypes.Resolved, new ResolvedPayload("已责令摊贩撤离", 3), 0), Assert.Single(decision.Events));
        Assert.Equal(IncidentStatus.Resolved, _s.Incident.Status);
        Assert.Equal(_s.Now, _s.Incident.ResolvedAt);
        Assert.Equal(4, _s.Incident.PhotoCount);
    }

    [Fact]
    public void Resolve_before_arriving_is_refused()
    {
        Dispatched().Accept();

        Assert.Equal("arrive first", _s.Refused(new ResolveCommand(_s.Task!.Id, "已处理"), RejectionKind.Conflict).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Resolve_needs_a_note(string note)
    {
        Dispatched().Arrive();

        _s.Refused(new ResolveCommand(_s.Task!.Id, note), RejectionKind.Invalid, "note");
    }

    [Fact]
    public void A_resolve_note_of_500_characters_is_accepted_and_501_is_not()
    {
        Dispatched().Arrive();

        _s.Refused(new ResolveCommand(_s.Task!.Id, new string('记', 501)), RejectionKind.Invalid, "note");
        Assert.True(_s.Try(new ResolveCommand(_s.Task!.Id, new string('记', 500))).IsAccepted);
    }

    [Fact]
    public void Resolving_twice_is_refused()
    {
        Dispatched().Arrive().Resolve();

        _s.Refused(new ResolveCommand(_s.Task!.Id, "再次处理"), RejectionKind.Conflict);
    }

    [Fact]
    public void Resolve_with_a_negative_photo_count_is_invalid()
    {
        Dispatched().Arrive();

        _s.Refused(new ResolveCommand(_s.Task!.Id, "已处理", -1), RejectionKind.Invalid, "photoCount");
    }
}
