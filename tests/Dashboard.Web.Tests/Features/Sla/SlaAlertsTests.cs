using Bunit;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Web.Features.Sla;
using Dashboard.Web.Realtime;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

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

    private string[] Shown() => Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message ?? "").ToArray();

    [Fact]
    public void A_breach_shows_one_alert_naming_the_incident_and_its_clock()
    {
        var township = TownshipAt(0);
        Render<SlaAlerts>(p => p.Add(a => a.Scope, township));

        Breach(1, township, "Arrival");

        Eventually(() => Assert.Equal(["超时告警：SJ20261123-000001 到达超时"], Shown()));
    }

    [Fact]
    public void A_run_of_breaches_is_one_alert_that_counts_them_and_a_new_run_starts_a_new_count()
    {
        var township = TownshipAt(0);
        Render<SlaAlerts>(p => p.Add(a => a.Scope, township));

        // One at a time, each delivered in a batch of its own, as breaches come from the monitor's ticks.
        Breach(1, township);
        Eventually(() => Assert.Equal(["超时告警：SJ20261123-000001 联络超时"], Shown()));
        for (var id = 2; id <= 8; id++)
        {
            Breach(id, township);
            Eventually(() => Assert.Equal([$"{id} 起事件超时，请查看队列"], Shown()));
        }

        // A batch of several adds them all; a breach in another township is not this console's.
        Breach(9, township);
        Breach(10, township);
        Breach(99, TownshipAt(7));
        Eventually(() => Assert.Equal(["10 起事件超时，请查看队列"], Shown()));

        // Closed (by its timer or the close button): the next breach is an alert of its own again.
        Services.GetRequiredService<ISnackbar>().ShownSnackbars.Single().ForceClose();
        Eventually(() => Assert.Empty(Shown()));
        Breach(13, township);
        Eventually(() => Assert.Equal(["超时告警：SJ20261123-000013 联络超时"], Shown()));
    }

    // The alert renders nothing of its own (the snackbar provider does), so there is no render to wait for: poll the service.
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
            catch (Xunit.Sdk.XunitException) when (DateTime.UtcNow < until)
            {
                Thread.Sleep(20);
            }
        }
    }
}
