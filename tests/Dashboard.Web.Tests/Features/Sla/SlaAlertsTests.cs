using Bunit;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Web.Features.Sla;
using Dashboard.Web.Realtime;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Features.Sla;

public sealed class SlaAlertsTests : ComponentTestBase
{
    private void Breach(long id, JurisdictionNode township, string clock = "Contact")
    {
        var incident = NewIncident(id, township, reportedSecondsAgo: 61);
        Notifier.Publish(new LiveEvent(incident.LastSeq, IncidentEventTypes.SlaBreached, "system", Time.GetUtcNow(), incident)
        {
            Payload = $$"""{"clock":"{{clock}}"}""",
        });
    }

    private static string[] Shown(IRenderedComponent<SlaAlerts> alerts) =>
        alerts.FindAll(".sla-alert-message").Select(m => m.TextContent).ToArray();

    [Fact]
    public void A_breach_shows_one_alert_naming_the_incident_and_its_clock()
    {
        var township = TownshipAt(0);
        var alerts = Render<SlaAlerts>(p => p.Add(a => a.Scope, township));
        Assert.Empty(Shown(alerts));

        Breach(1, township, "Arrival");

        alerts.WaitForAssertion(() => Assert.Equal(["超时告警：SJ20261123-000001 到达超时"], Shown(alerts)));
        Assert.Equal("alert", alerts.Find(".sla-alert").GetAttribute("role"));
    }

    [Fact]
    public void A_run_of_breaches_is_one_alert_that_counts_them_and_a_new_run_starts_a_new_count()
    {
        var township = TownshipAt(0);
        var alerts = Render<SlaAlerts>(p => p.Add(a => a.Scope, township));

        // One at a time, each delivered in a batch of its own, as breaches come from the monitor's ticks.
        Breach(1, township);
        alerts.WaitForAssertion(() => Assert.Equal(["超时告警：SJ20261123-000001 联络超时"], Shown(alerts)));
        for (var id = 2; id <= 8; id++)
        {
            Breach(id, township);
            alerts.WaitForAssertion(() => Assert.Equal([$"{id} 起事件超时，请查看队列"], Shown(alerts)));
        }

        // A batch of several adds them all; a breach in another township is not this console's.
        Breach(9, township);
        Breach(10, township);
        Breach(99, TownshipAt(7));
        alerts.WaitForAssertion(() => Assert.Equal(["10 起事件超时，请查看队列"], Shown(alerts)));

        // Closed by its button: the next breach is an alert of its own again.
        alerts.Find(".sla-alert-close").Click();
        Assert.Empty(Shown(alerts));
        Breach(13, township);
        alerts.WaitForAssertion(() => Assert.Equal(["超时告警：SJ20261123-000013 联络超时"], Shown(alerts)));
    }

    [Fact]
    public void The_alert_goes_eight_seconds_after_its_latest_breach()
    {
        var township = TownshipAt(0);
        var alerts = Render<SlaAlerts>(p => p.Add(a => a.Scope, township));
        Breach(1, township);
        alerts.WaitForAssertion(() => Assert.Single(Shown(alerts)));

        // A second breach 5 s in shows the alert afresh: it stays until 8 s after that one, not after the first.
        Time.Advance(TimeSpan.FromSeconds(5));
        Breach(2, township);
        alerts.WaitForAssertion(() => Assert.Equal(["2 起事件超时，请查看队列"], Shown(alerts)));
        Time.Advance(TimeSpan.FromSeconds(7));
        Assert.Single(Shown(alerts));

        Time.Advance(TimeSpan.FromSeconds(1));
        alerts.WaitForAssertion(() => Assert.Empty(Shown(alerts)));

        // The next breach starts a new count.
        Breach(3, township);
        alerts.WaitForAssertion(() => Assert.Equal(["超时告警：SJ20261123-000003 联络超时"], Shown(alerts)));
    }

    [Fact]
    public void The_sound_button_switches_the_tone_on_and_off()
    {
        var module = JSInterop.SetupModule(SlaAlerts.ModulePath);
        module.SetupVoid("enable").SetVoidResult();
        module.SetupVoid("beep").SetVoidResult();
        var township = TownshipAt(0);
        var alerts = Render<SlaAlerts>(p => p.Add(a => a.Scope, township));
        var button = () => alerts.Find("[data-action=sla-sound]");
        Assert.Equal("false", button().GetAttribute("aria-pressed"));

        button().Click();

        Assert.Equal("true", button().GetAttribute("aria-pressed"));
        module.VerifyInvoke("enable");
        Breach(1, township);
        // The tone follows the alert's render, so no render is left to wake a render-based wait: poll.
        Eventually(() => module.VerifyInvoke("beep"));

        button().Click();
        Assert.Equal("false", button().GetAttribute("aria-pressed"));
        Breach(2, township);
        alerts.WaitForAssertion(() => Assert.Equal(["2 起事件超时，请查看队列"], Shown(alerts)));
        module.VerifyInvoke("beep", calledTimes: 1);
    }

    private static void Eventually(Action assertion)
    {
        var until = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or Bunit.JSInvokeCountExpectedException && DateTime.UtcNow < until)
            {
                Thread.Sleep(20);
            }
        }
    }
}
