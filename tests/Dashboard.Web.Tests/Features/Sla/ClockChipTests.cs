using Bunit;
using Dashboard.Core.Incidents;
using Dashboard.Core.Sla;
using Dashboard.Web.Features.Sla;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Features.Sla;

public sealed class ClockChipTests : ComponentTestBase
{
    private Incident Reported() => new(1, "SJ20261123-000001", "c1", "ZDJY", "测试事件", 29.9, 121.6, null, "t", "d", "t",
        IncidentStatus.Reported, Time.GetUtcNow(), null, 1, "网格长", 0, 1);

    private IRenderedComponent<ClockChip> Chip(Incident incident, ClockKind kind = ClockKind.Contact) =>
        Render<ClockChip>(p => p.Add(c => c.Incident, incident).Add(c => c.Kind, kind).Add(c => c.Now, Time.GetUtcNow()));

    /// <summary>Moves the fake clock on and re-renders the chip at the new instant, as its parent's ticker does.</summary>
    private void AdvanceTo(IRenderedComponent<ClockChip> chip, TimeSpan sinceStart, DateTimeOffset start)
    {
        Time.Advance(start + sinceStart - Time.GetUtcNow());
        chip.Render(p => p.Add(c => c.Now, Time.GetUtcNow()));
    }

    private static (string? Colour, string Value) Read(IRenderedComponent<ClockChip> chip)
    {
        var root = chip.Find("[data-clock]");
        return (root.GetAttribute("data-colour"), root.QuerySelector(".clock-value")!.TextContent);
    }

    [Fact]
    public void The_contact_countdown_turns_green_to_amber_at_two_thirds_and_red_at_the_deadline_then_counts_over()
    {
        var incident = Reported();
        var start = incident.ReportedAt;
        var chip = Chip(incident);
        Assert.Equal(("green", "1:00"), Read(chip));
        Assert.Equal("contact", chip.Find("[data-clock]").GetAttribute("data-clock"));
        Assert.Contains("联络", chip.Find(".clock-label").TextContent, StringComparison.Ordinal);
        Assert.Equal("联络时限 60 秒", chip.Find("[data-clock]").GetAttribute("title"));

        AdvanceTo(chip, TimeSpan.FromMilliseconds(39_999), start);
        Assert.Equal(("green", "0:21"), Read(chip));

        AdvanceTo(chip, TimeSpan.FromSeconds(40), start);
        Assert.Equal(("amber", "0:20"), Read(chip));
        Assert.Contains("clock-amber", chip.Find("[data-clock]").ClassName, StringComparison.Ordinal);

        AdvanceTo(chip, TimeSpan.FromMilliseconds(59_999), start);
        Assert.Equal(("amber", "0:01"), Read(chip));

        AdvanceTo(chip, TimeSpan.FromSeconds(60), start);
        Assert.Equal(("red", "0:00"), Read(chip));

        AdvanceTo(chip, TimeSpan.FromSeconds(65), start);
        Assert.Equal(("red", "+0:05"), Read(chip));
        Assert.Equal("Running", chip.Find("[data-clock]").GetAttribute("data-state"));
    }

    [Fact]
    public void A_running_clock_past_its_deadline_blinks_lit_on_odd_seconds_over_and_a_stopped_one_does_not()
    {
        var incident = Reported();
        var start = incident.ReportedAt;
        var chip = Chip(incident);
        string? Blink() => chip.Find("[data-clock]").GetAttribute("data-blink");
        Assert.Null(Blink());

        AdvanceTo(chip, TimeSpan.FromMilliseconds(59_999), start);
        Assert.Null(Blink());
        AdvanceTo(chip, TimeSpan.FromSeconds(60), start);
        Assert.Equal("on", Blink());
        AdvanceTo(chip, TimeSpan.FromMilliseconds(60_999), start);
        Assert.Equal("on", Blink());
        AdvanceTo(chip, TimeSpan.FromSeconds(61), start);
        Assert.Equal("off", Blink());
        AdvanceTo(chip, TimeSpan.FromSeconds(62.5), start);
        Assert.Equal("on", Blink());

        chip.Render(p => p.Add(c => c.Incident, incident with { ContactedAt = start.AddSeconds(62), Status = IncidentStatus.Contacted }));
        Assert.Null(Blink());
        Assert.Equal("Missed", chip.Find("[data-clock]").GetAttribute("data-state"));
    }

    [Fact]
    public void A_stopped_clock_shows_the_time_it_took_green_when_in_time_and_red_when_late()
    {
        var incident = Reported();

        Time.Advance(TimeSpan.FromSeconds(90));
        var met = Chip(incident with { ContactedAt = incident.ReportedAt.AddSeconds(30), Status = IncidentStatus.Contacted });
        var missed = Chip(incident with { ContactedAt = incident.ReportedAt.AddSeconds(75), Status = IncidentStatus.Contacted });

        Assert.Equal(("green", "✓ 0:30"), Read(met));
        Assert.Equal("Met", met.Find("[data-clock]").GetAttribute("data-state"));
        Assert.Equal(("red", "✗ 1:15"), Read(missed));
        Assert.Equal("Missed", missed.Find("[data-clock]").GetAttribute("data-state"));
    }

    [Fact]
    public void A_paused_clock_holds_its_remaining_time_while_the_fake_clock_runs_on()
    {
        var incident = Reported();
        var start = incident.ReportedAt;
        var paused = incident with { PausedAt = start.AddSeconds(50) };
        var chip = Chip(paused);

        AdvanceTo(chip, TimeSpan.FromSeconds(50), start);
        Assert.Equal(("amber", "⏸ 0:10"), Read(chip));
        AdvanceTo(chip, TimeSpan.FromSeconds(500), start);
        Assert.Equal(("amber", "⏸ 0:10"), Read(chip));
        Assert.Equal("Paused", chip.Find("[data-clock]").GetAttribute("data-state"));
        Assert.Contains("clock-paused", chip.Find("[data-clock]").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void The_arrival_clock_is_hidden_until_dispatch_then_counts_down_five_minutes()
    {
        var incident = Reported();
        var start = incident.ReportedAt;

        var before = Chip(incident, ClockKind.Arrival);
        Assert.Empty(before.FindAll("[data-clock]"));

        var dispatched = incident with { Status = IncidentStatus.Dispatched, ContactedAt = start, DispatchedAt = start };
        var chip = Chip(dispatched, ClockKind.Arrival);
        Assert.Equal(("green", "5:00"), Read(chip));
        Assert.Equal("arrival", chip.Find("[data-clock]").GetAttribute("data-clock"));

        AdvanceTo(chip, TimeSpan.FromSeconds(200), start);
        Assert.Equal(("amber", "1:40"), Read(chip));
        AdvanceTo(chip, TimeSpan.FromSeconds(301), start);
        Assert.Equal(("red", "+0:01"), Read(chip));
    }
}
