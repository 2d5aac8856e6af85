using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Sla;

namespace Dashboard.Core.Tests.Dispatch;

public sealed class EscalatePauseBreachTests
{
    private readonly IncidentScenario _s = new();

    [Fact]
    public void Manual_escalation_moves_the_incident_to_the_named_queue()
    {
        var decision = _s.At(30).Do(new EscalateCommand("D", "涉及多部门"));

        Assert.Equal(("D", 1), (_s.Incident.OwnerCode, _s.Incident.Escalations));
        Assert.Equal(new PendingEvent(IncidentEventTypes.Escalated, new EscalatedPayload("T", "D", "涉及多部门", null, Auto: false)), Assert.Single(decision.Events));
        Assert.Equal(IncidentStatus.Reported, _s.Incident.Status);
    }

    [Fact]
    public void Escalating_to_the_current_owner_is_refused()
    {
        _s.Refused(new EscalateCommand("T", "升级"), RejectionKind.Conflict);
    }

    [Fact]
    public void Escalation_needs_a_reason_and_a_target()
    {
        _s.Refused(new EscalateCommand("D", " "), RejectionKind.Invalid, "reason");
        _s.Refused(new EscalateCommand("", "升级"), RejectionKind.Invalid, "toOwnerCode");
    }

    [Fact]
    public void Pause_stops_the_running_contact_clock_and_names_it()
    {
        var decision = _s.At(10).Do(new PauseCommand("等待报告人回电"));

        Assert.Equal(_s.Now, _s.Incident.PausedAt);
        Assert.Equal(new PendingEvent(IncidentEventTypes.Paused, new PausedPayload("等待报告人回电", "Contact")), Assert.Single(decision.Events));
    }

    [Fact]
    public void Pause_after_dispatch_names_the_arrival_clock()
    {
        var decision = _s.At(10).Dispatch().After(20).Do(new PauseCommand("道路封闭"));

        Assert.Equal(new PausedPayload("道路封闭", "Arrival"), decision.Events[0].Payload);
    }

    [Fact]
    public void Pausing_twice_is_refused()
    {
        _s.At(10).Do(new PauseCommand("等待"));

        Assert.Equal("already paused", _s.After(5).Refused(new PauseCommand("再等"), RejectionKind.Conflict).Message);
    }

    [Fact]
    public void Pause_when_no_clock_runs_is_refused()
    {
        _s.At(10).Do(new ContactCommand());

        Assert.Equal("no clock is running", _s.Refused(new PauseCommand("等待"), RejectionKind.Conflict).Message);

        _s.Dispatch().Arrive();
        _s.Refused(new PauseCommand("等待"), RejectionKind.Conflict);
    }

    [Fact]
    public void Pause_needs_a_reason()
    {
        _s.Refused(new PauseCommand(""), RejectionKind.Invalid, "reason");
    }

    [Fact]
    public void Resume_credits_the_paused_time_to_the_clock_that_was_paused()
    {
        _s.At(10).Do(new PauseCommand("等待"));

        var decision = _s.At(35.5).Do(new ResumeCommand());

        Assert.Null(_s.Incident.PausedAt);
        Assert.Equal(TimeSpan.FromSeconds(25.5), _s.Incident.ContactPaused);
        Assert.Equal(TimeSpan.Zero, _s.Incident.ArrivalPaused);
        Assert.Equal(new PendingEvent(IncidentEventTypes.Resumed, new ResumedPayload(false, "Contact", 25_500)), Assert.Single(decision.Events));
    }

    [Fact]
    public void Pauses_add_up()
    {
        _s.At(10).Do(new PauseCommand("等待"));
        _s.At(20).Do(new ResumeCommand());
        _s.At(30).Do(new PauseCommand("再等"));
        _s.At(45).Do(new ResumeCommand());

        Assert.Equal(TimeSpan.FromSeconds(25), _s.Incident.ContactPaused);
        Assert.Equal(TimeSpan.FromSeconds(25), SlaClock.Contact(_s.Incident, _s.At(50).Now).Elapsed);
    }

    [Fact]
    public void Resume_when_not_paused_is_refused()
    {
        _s.Refused(new ResumeCommand(), RejectionKind.Conflict);
    }

    [Fact]
    public void Any_later_action_ends_the_pause_with_an_automatic_resume_logged_first()
    {
        _s.At(10).Do(new PauseCommand("等待"));

        var decision = _s.At(70).Do(new DispatchCommand(IncidentScenario.Zhang));

        Assert.Equal([IncidentEventTypes.Resumed, IncidentEventTypes.Contacted, IncidentEventTypes.Dispatched], IncidentScenario.Types(decision));
        Assert.Equal(new ResumedPayload(true, "Contact", 60_000), decision.Events[0].Payload);
        Assert.Equal(TimeSpan.FromSeconds(60), _s.Incident.ContactPaused);
        Assert.Null(_s.Incident.PausedAt);
        Assert.Equal(ClockState.Met, SlaClock.Contact(_s.Incident, _s.Now).State);
    }

    [Fact]
    public void An_escalation_also_resumes_a_paused_arrival_clock()
    {
        _s.At(10).Dispatch().After(50).Do(new PauseCommand("道路封闭"));

        var decision = _s.After(40).Do(new EscalateCommand("D", "需要区级协调"));

        Assert.Equal([IncidentEventTypes.Resumed, IncidentEventTypes.Escalated], IncidentScenario.Types(decision));
        Assert.Equal(TimeSpan.FromSeconds(40), _s.Incident.ArrivalPaused);
        Assert.Equal(new ClockReading(ClockKind.Arrival, ClockState.Running, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(300)), SlaClock.Arrival(_s.Incident, _s.Now));
    }

    [Fact]
    public void A_refused_command_leaves_the_pause_in_place()
    {
        _s.At(10).Do(new PauseCommand("等待"));

        _s.At(20).Refused(new ResolveCommand(1, "已处理"), RejectionKind.Invalid, "taskId");

        Assert.NotNull(_s.Incident.PausedAt);
    }

    [Fact]
    public void Breach_records_the_ordinal_and_escalates_to_the_parent()
    {
        var decision = _s.At(61.5).Do(new BreachCommand(ClockKind.Contact, 1, "D"), "system");

        Assert.Equal(
            [
                new PendingEvent(IncidentEventTypes.SlaBreached, new SlaBreachedPayload("Contact", 1, 60, 61_500)),
                new PendingEvent(IncidentEventTypes.Escalated, new EscalatedPayload("T", "D", "contact clock breached", "Contact", Auto: true)),
            ],
            decision.Events);
        Assert.Equal((1, 0, "D", 1), (_s.Incident.ContactBreaches, _s.Incident.ArrivalBreaches, _s.Incident.OwnerCode, _s.Incident.Escalations));
    }

    [Fact]
    public void Breach_without_a_parent_or_with_the_current_owner_only_logs()
    {
        var top = new IncidentScenario().At(60);
        Assert.Equal([IncidentEventTypes.SlaBreached], IncidentScenario.Types(top.Do(new BreachCommand(ClockKind.Contact, 1, null))));
        Assert.Equal([IncidentEventTypes.SlaBreached], IncidentScenario.Types(_s.At(60).Do(new BreachCommand(ClockKind.Contact, 1, "T"))));
        Assert.Equal(0, _s.Incident.Escalations);
    }

    [Fact]
    public void Breach_before_it_is_due_is_refused()
    {
        _s.At(59.999).Refused(new BreachCommand(ClockKind.Contact, 1, "D"), RejectionKind.Conflict);
    }

    [Fact]
    public void A_breach_recorded_once_is_refused_the_second_time()
    {
        _s.At(60).Do(new BreachCommand(ClockKind.Contact, 1, "D"));

        _s.At(61).Refused(new BreachCommand(ClockKind.Contact, 1, "C"), RejectionKind.Conflict);
    }

    [Fact]
    public void A_breach_ordinal_may_not_skip_ahead()
    {
        _s.At(130).Refused(new BreachCommand(ClockKind.Contact, 2, "D"), RejectionKind.Conflict);
    }

    [Fact]
    public void The_second_breach_is_due_at_twice_the_target()
    {
        _s.At(60).Do(new BreachCommand(ClockKind.Contact, 1, null));

        _s.At(119.999).Refused(new BreachCommand(ClockKind.Contact, 2, null), RejectionKind.Conflict);
        var decision = _s.At(120).Do(new BreachCommand(ClockKind.Contact, 2, null));

        Assert.Equal(new SlaBreachedPayload("Contact", 2, 60, 120_000), decision.Events[0].Payload);
        Assert.Equal(2, _s.Incident.ContactBreaches);
    }

    [Fact]
    public void Breach_of_a_paused_clock_is_refused_and_does_not_resume_it()
    {
        _s.At(10).Do(new PauseCommand("等待"));

        _s.At(500).Refused(new BreachCommand(ClockKind.Contact, 1, "D"), RejectionKind.Conflict);
        Assert.NotNull(_s.Incident.PausedAt);
    }

    [Fact]
    public void Breach_of_a_stopped_or_unstarted_clock_is_refused()
    {
        _s.At(100).Do(new ContactCommand());

        _s.At(200).Refused(new BreachCommand(ClockKind.Contact, 1, "D"), RejectionKind.Conflict);
        _s.Refused(new BreachCommand(ClockKind.Arrival, 1, "D"), RejectionKind.Conflict);
    }

    [Fact]
    public void Breach_with_a_non_positive_ordinal_is_invalid()
    {
        _s.At(100).Refused(new BreachCommand(ClockKind.Contact, 0, "D"), RejectionKind.Invalid, "ordinal");
    }
}
