using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Sla;
using Dashboard.Core.Tests.Dispatch;

namespace Dashboard.Core.Tests.Sla;

public sealed class SlaClockTests
{
    private readonly IncidentScenario _s = new();

    private static TimeSpan Seconds(double s) => TimeSpan.FromSeconds(s);

    private ClockReading Contact => SlaClock.Contact(_s.Incident, _s.Now);

    private ClockReading Arrival => SlaClock.Arrival(_s.Incident, _s.Now);

    [Fact]
    public void Contact_clock_at_59_999_seconds_is_running_in_time_with_one_millisecond_left()
    {
        _s.At(59.999);

        Assert.Equal(new ClockReading(ClockKind.Contact, ClockState.Running, Seconds(59.999), Seconds(60)), Contact);
        Assert.False(Contact.IsLate);
        Assert.Equal(TimeSpan.FromMilliseconds(1), Contact.Remaining);
        Assert.Equal(ClockColour.Amber, Contact.Colour);
    }

    [Fact]
    public void Contact_clock_at_exactly_60_seconds_is_running_and_late()
    {
        _s.At(60);

        Assert.Equal(ClockState.Running, Contact.State);
        Assert.Equal(Seconds(60), Contact.Elapsed);
        Assert.True(Contact.IsLate);
        Assert.Equal(ClockColour.Red, Contact.Colour);
    }

    [Fact]
    public void Contact_at_59_999_seconds_is_met()
    {
        _s.At(59.999).Do(new ContactCommand());

        _s.After(3600);
        Assert.Equal(new ClockReading(ClockKind.Contact, ClockState.Met, Seconds(59.999), Seconds(60)), Contact);
        Assert.Equal(ClockColour.Green, Contact.Colour);
    }

    [Fact]
    public void Contact_at_exactly_60_seconds_is_missed()
    {
        _s.At(60).Do(new ContactCommand());

        _s.After(3600);
        Assert.Equal(new ClockReading(ClockKind.Contact, ClockState.Missed, Seconds(60), Seconds(60)), Contact);
        Assert.Equal(ClockColour.Red, Contact.Colour);
    }

    [Fact]
    public void Contact_clock_uses_the_incidents_own_target()
    {
        var s = new IncidentScenario(IncidentScenario.NewIncident(contactTarget: 30)).At(30);

        var reading = SlaClock.Contact(s.Incident, s.Now);

        Assert.Equal(Seconds(30), reading.Target);
        Assert.True(reading.IsLate);
    }

    [Fact]
    public void Arrival_clock_has_not_started_before_dispatch()
    {
        _s.At(500).Do(new ContactCommand());

        Assert.Equal(new ClockReading(ClockKind.Arrival, ClockState.NotStarted, TimeSpan.Zero, Seconds(300)), Arrival);
        Assert.Equal(ClockColour.None, Arrival.Colour);
        Assert.False(Arrival.IsActive);
    }

    [Fact]
    public void Arrival_clock_at_299_999_seconds_after_dispatch_is_running_in_time()
    {
        _s.At(20).Dispatch().After(299.999);

        Assert.Equal(new ClockReading(ClockKind.Arrival, ClockState.Running, Seconds(299.999), Seconds(300)), Arrival);
        Assert.False(Arrival.IsLate);
        Assert.Equal(ClockColour.Amber, Arrival.Colour);
    }

    [Fact]
    public void Arrival_clock_at_exactly_300_seconds_is_late()
    {
        _s.At(20).Dispatch().After(300);

        Assert.Equal(ClockState.Running, Arrival.State);
        Assert.True(Arrival.IsLate);
        Assert.Equal(ClockColour.Red, Arrival.Colour);
    }

    [Fact]
    public void Arrival_at_299_999_seconds_is_met_and_at_300_seconds_is_missed()
    {
        var inTime = new IncidentScenario().At(20).Dispatch().After(299.999).Arrive();
        var late = new IncidentScenario().At(20).Dispatch().After(300).Arrive();

        Assert.Equal(ClockState.Met, SlaClock.Arrival(inTime.Incident, inTime.Now).State);
        Assert.Equal(Seconds(299.999), SlaClock.Arrival(inTime.Incident, inTime.Now).Elapsed);
        Assert.Equal(ClockState.Missed, SlaClock.Arrival(late.Incident, late.Now).State);
        Assert.Equal(Seconds(300), SlaClock.Arrival(late.Incident, late.Now).Elapsed);
    }

    [Fact]
    public void Contact_clock_turns_amber_at_two_thirds_of_its_target()
    {
        _s.At(Seconds(40) - TimeSpan.FromTicks(1));
        Assert.Equal(ClockColour.Green, Contact.Colour);

        _s.At(40);
        Assert.Equal(ClockColour.Amber, Contact.Colour);
    }

    [Fact]
    public void Arrival_clock_turns_amber_at_two_thirds_of_its_target()
    {
        _s.At(10).Dispatch().After(199.999);
        Assert.Equal(ClockColour.Green, Arrival.Colour);

        _s.After(0.001);
        Assert.Equal(Seconds(200), Arrival.Elapsed);
        Assert.Equal(ClockColour.Amber, Arrival.Colour);
    }

    [Fact]
    public void An_ongoing_pause_freezes_the_contact_clock()
    {
        _s.At(10).Do(new PauseCommand("等待报告人回电"));
        _s.At(100);

        Assert.Equal(new ClockReading(ClockKind.Contact, ClockState.Paused, Seconds(10), Seconds(60)), Contact);
        Assert.True(Contact.IsActive);
        Assert.Equal(ClockColour.Green, Contact.Colour);
    }

    [Fact]
    public void A_completed_pause_is_excluded_and_the_clock_runs_on_after_resume()
    {
        _s.At(10).Do(new PauseCommand("等待报告人回电"));
        _s.At(40).Do(new ResumeCommand());
        _s.At(80);

        Assert.Equal(Seconds(30), _s.Incident.ContactPaused);
        Assert.Equal(new ClockReading(ClockKind.Contact, ClockState.Running, Seconds(50), Seconds(60)), Contact);
    }

    [Fact]
    public void A_later_action_resumes_automatically_and_the_paused_time_stays_excluded()
    {
        _s.At(10).Do(new PauseCommand("等待报告人回电"));
        _s.At(70).Do(new ContactCommand("已联系"));
        _s.At(500);

        Assert.Null(_s.Incident.PausedAt);
        Assert.Equal(new ClockReading(ClockKind.Contact, ClockState.Met, Seconds(10), Seconds(60)), Contact);
    }

    [Fact]
    public void A_pause_after_dispatch_freezes_the_arrival_clock_and_not_the_stopped_contact_clock()
    {
        _s.At(5).Dispatch().After(100).Do(new PauseCommand("道路封闭"));
        _s.After(1000);

        Assert.Equal(new ClockReading(ClockKind.Arrival, ClockState.Paused, Seconds(100), Seconds(300)), Arrival);
        Assert.Equal(ClockState.Met, Contact.State);
        Assert.Equal(Seconds(5), Contact.Elapsed);

        _s.Arrive();
        Assert.Equal(Seconds(1000), _s.Incident.ArrivalPaused);
        Assert.Equal(TimeSpan.Zero, _s.Incident.ContactPaused);
        Assert.Equal(new ClockReading(ClockKind.Arrival, ClockState.Met, Seconds(100), Seconds(300)), Arrival);
    }

    [Fact]
    public void Cancelling_voids_the_running_clocks_and_keeps_the_stopped_ones()
    {
        var uncontacted = new IncidentScenario().At(30);
        uncontacted.Do(new CancelIncidentCommand("重复上报"));
        _s.At(20).Dispatch().After(100).Do(new CancelIncidentCommand("报告人撤回"));
        _s.After(1000);
        uncontacted.After(1000);

        var voided = SlaClock.Contact(uncontacted.Incident, uncontacted.Now);
        Assert.Equal(ClockState.Void, voided.State);
        Assert.Equal(ClockColour.None, voided.Colour);
        Assert.False(voided.IsActive);
        Assert.Equal(ClockState.NotStarted, SlaClock.Arrival(uncontacted.Incident, uncontacted.Now).State);
        Assert.Equal(ClockState.Met, Contact.State);
        Assert.Equal(ClockState.Void, Arrival.State);
    }

    [Fact]
    public void Read_dispatches_to_the_named_clock()
    {
        _s.At(10).Dispatch().After(30);

        Assert.Equal(Contact, SlaClock.Read(_s.Incident, ClockKind.Contact, _s.Now));
        Assert.Equal(Arrival, SlaClock.Read(_s.Incident, ClockKind.Arrival, _s.Now));
    }

    [Fact]
    public void Elapsed_time_never_goes_negative()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(IncidentScenario.ReportedAt - Seconds(5));

        Assert.Equal(TimeSpan.Zero, SlaClock.Contact(_s.Incident, time.GetUtcNow()).Elapsed);
    }

    [Fact]
    public void No_breach_is_due_before_the_target()
    {
        _s.At(59.999);

        Assert.Empty(SlaClock.DueBreaches(_s.Incident, _s.Now));
    }

    [Fact]
    public void The_first_contact_breach_is_due_at_exactly_the_target()
    {
        _s.At(60);

        Assert.Equal([new BreachDue(ClockKind.Contact, 1, IncidentScenario.ReportedAt + Seconds(60))], SlaClock.DueBreaches(_s.Incident, _s.Now));
    }

    [Fact]
    public void Unrecorded_breaches_are_all_due_in_order()
    {
        _s.At(130);

        Assert.Equal(
            [
                new BreachDue(ClockKind.Contact, 1, IncidentScenario.ReportedAt + Seconds(60)),
                new BreachDue(ClockKind.Contact, 2, IncidentScenario.ReportedAt + Seconds(120)),
            ],
            SlaClock.DueBreaches(_s.Incident, _s.Now));
    }

    [Fact]
    public void A_recorded_breach_is_not_due_again_and_the_next_one_comes_at_twice_the_target()
    {
        _s.At(60).Do(new BreachCommand(ClockKind.Contact, 1, null));
        _s.At(119.999);
        Assert.Empty(SlaClock.DueBreaches(_s.Incident, _s.Now));

        _s.At(120);
        Assert.Equal([new BreachDue(ClockKind.Contact, 2, IncidentScenario.ReportedAt + Seconds(120))], SlaClock.DueBreaches(_s.Incident, _s.Now));
    }

    [Fact]
    public void Paused_time_pushes_the_breach_back()
    {
        _s.At(10).Do(new PauseCommand("等待回电"));
        _s.At(40).Do(new ResumeCommand());
        _s.At(89.999);
        Assert.Empty(SlaClock.DueBreaches(_s.Incident, _s.Now));

        _s.At(90);
        Assert.Equal([new BreachDue(ClockKind.Contact, 1, IncidentScenario.ReportedAt + Seconds(90))], SlaClock.DueBreaches(_s.Incident, _s.Now));
    }

    [Fact]
    public void A_paused_clock_has_no_due_breach_and_no_next_breach()
    {
        _s.At(10).Do(new PauseCommand("等待回电"));
        _s.At(1000);

        Assert.Empty(SlaClock.DueBreaches(_s.Incident, _s.Now));
        Assert.Null(SlaClock.NextBreachAt(_s.Incident));
    }

    [Fact]
    public void A_cancelled_incident_has_no_due_breach_and_no_next_breach()
    {
        _s.At(10).Do(new CancelIncidentCommand("误报"));
        _s.At(1000);

        Assert.Empty(SlaClock.DueBreaches(_s.Incident, _s.Now));
        Assert.Null(SlaClock.NextBreachAt(_s.Incident));
    }

    [Fact]
    public void Arrival_breaches_fall_due_from_the_dispatch_at_multiples_of_the_arrival_target()
    {
        _s.At(50).Dispatch().At(50 + 600);

        Assert.Equal(
            [
                new BreachDue(ClockKind.Arrival, 1, IncidentScenario.ReportedAt + Seconds(350)),
                new BreachDue(ClockKind.Arrival, 2, IncidentScenario.ReportedAt + Seconds(650)),
            ],
            SlaClock.DueBreaches(_s.Incident, _s.Now));
    }

    [Fact]
    public void A_stopped_clock_has_no_due_breach_even_when_it_was_missed()
    {
        _s.At(100).Do(new ContactCommand());
        _s.At(1000);

        Assert.Empty(SlaClock.DueBreaches(_s.Incident, _s.Now));
    }

    [Fact]
    public void Next_breach_of_a_new_incident_is_the_contact_target()
    {
        Assert.Equal(IncidentScenario.ReportedAt + Seconds(60), SlaClock.NextBreachAt(_s.Incident));
    }

    [Fact]
    public void Next_breach_after_a_recorded_breach_is_the_next_multiple_plus_paused_time()
    {
        _s.At(10).Do(new PauseCommand("等待回电"));
        _s.At(25).Do(new ResumeCommand());
        _s.At(75).Do(new BreachCommand(ClockKind.Contact, 1, null));

        Assert.Equal(IncidentScenario.ReportedAt + Seconds(135), SlaClock.NextBreachAt(_s.Incident));
    }

    [Fact]
    public void Next_breach_after_dispatch_is_the_arrival_target_from_the_dispatch()
    {
        _s.At(45).Dispatch();

        Assert.Equal(IncidentScenario.ReportedAt + Seconds(345), SlaClock.NextBreachAt(_s.Incident));
    }

    [Fact]
    public void Nothing_is_next_once_the_officer_is_on_scene()
    {
        _s.At(45).Dispatch().After(60).Arrive();

        Assert.Null(SlaClock.NextBreachAt(_s.Incident));
    }

    [Fact]
    public void Contacted_but_undispatched_incidents_have_no_next_breach()
    {
        _s.At(45).Do(new ContactCommand());

        Assert.Null(SlaClock.NextBreachAt(_s.Incident));
    }
}
