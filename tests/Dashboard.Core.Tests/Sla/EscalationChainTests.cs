using Dashboard.Core.Demo;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Sla;
using Dashboard.Core.Tests.Dispatch;

namespace Dashboard.Core.Tests.Sla;

/// <summary>What a breach scheduler does: read the due breaches, apply each with the owner's parent as the escalation target.</summary>
public sealed class EscalationChainTests
{
    private static readonly JurisdictionTree Tree = SlaPolicyTests.SmallTree;

    private static List<Decision> ApplyDueBreaches(IncidentScenario s, JurisdictionTree tree)
    {
        var decisions = new List<Decision>();
        foreach (var due in SlaClock.DueBreaches(s.Incident, s.Now))
        {
            var parent = tree.Find(s.Incident.OwnerCode)?.ParentCode;
            decisions.Add(s.Do(new BreachCommand(due.Clock, due.Ordinal, parent), "system"));
        }

        return decisions;
    }

    [Fact]
    public void Repeated_contact_breaches_escalate_township_to_district_to_city_then_only_log()
    {
        var s = new IncidentScenario(IncidentScenario.NewIncident(owner: "T1"));

        s.At(59.999);
        Assert.Empty(ApplyDueBreaches(s, Tree));

        s.At(60);
        var first = Assert.Single(ApplyDueBreaches(s, Tree));
        Assert.Equal([IncidentEventTypes.SlaBreached, IncidentEventTypes.Escalated], IncidentScenario.Types(first));
        Assert.Equal(new SlaBreachedPayload("Contact", 1, 60, 60_000), first.Events[0].Payload);
        Assert.Equal(new EscalatedPayload("T1", "D1", "contact clock breached", "Contact", Auto: true), first.Events[1].Payload);
        Assert.Equal(("D1", 1, 1), (s.Incident.OwnerCode, s.Incident.Escalations, s.Incident.ContactBreaches));

        s.At(120);
        var second = Assert.Single(ApplyDueBreaches(s, Tree));
        Assert.Equal(new EscalatedPayload("D1", "C", "contact clock breached", "Contact", Auto: true), second.Events[1].Payload);
        Assert.Equal(("C", 2, 2), (s.Incident.OwnerCode, s.Incident.Escalations, s.Incident.ContactBreaches));

        s.At(180);
        var third = Assert.Single(ApplyDueBreaches(s, Tree));
        Assert.Equal([IncidentEventTypes.SlaBreached], IncidentScenario.Types(third));
        Assert.Equal(new SlaBreachedPayload("Contact", 3, 60, 180_000), third.Events[0].Payload);
        Assert.Equal(("C", 2, 3), (s.Incident.OwnerCode, s.Incident.Escalations, s.Incident.ContactBreaches));
        Assert.Equal(IncidentScenario.ReportedAt + TimeSpan.FromSeconds(240), SlaClock.NextBreachAt(s.Incident));
    }

    [Fact]
    public void A_late_check_applies_every_missed_breach_in_order_and_climbs_the_whole_chain()
    {
        var s = new IncidentScenario(IncidentScenario.NewIncident(owner: "T1")).At(200);

        var decisions = ApplyDueBreaches(s, Tree);

        Assert.Equal(3, decisions.Count);
        Assert.Equal(
            [
                IncidentEventTypes.SlaBreached, IncidentEventTypes.Escalated,
                IncidentEventTypes.SlaBreached, IncidentEventTypes.Escalated,
                IncidentEventTypes.SlaBreached,
            ],
            s.LoggedTypes);
        Assert.Equal(("C", 2, 3), (s.Incident.OwnerCode, s.Incident.Escalations, s.Incident.ContactBreaches));
    }

    [Fact]
    public void An_arrival_breach_escalates_with_the_arrival_reason()
    {
        var s = new IncidentScenario(IncidentScenario.NewIncident(owner: "T1")).At(30).Dispatch().After(300);

        var breach = Assert.Single(ApplyDueBreaches(s, Tree));

        Assert.Equal(new SlaBreachedPayload("Arrival", 1, 300, 300_000), breach.Events[0].Payload);
        Assert.Equal(new EscalatedPayload("T1", "D1", "arrival clock breached", "Arrival", Auto: true), breach.Events[1].Payload);
        Assert.Equal((1, 0), (s.Incident.ArrivalBreaches, s.Incident.ContactBreaches));
    }

    [Fact]
    public void The_demo_city_chain_ends_at_the_city()
    {
        var tree = new JurisdictionTree(DemoCityGenerator.Generate().Jurisdictions);
        var township = tree.OfLevel(JurisdictionLevel.Township).First();
        var s = new IncidentScenario(IncidentScenario.NewIncident(owner: township.Code)).At(180);

        ApplyDueBreaches(s, tree);

        Assert.Equal(tree.Root.Code, s.Incident.OwnerCode);
        Assert.Equal(2, s.Incident.Escalations);
        Assert.Equal(
            [township.Code, township.ParentCode, tree.Root.Code],
            s.Log.Where(e => e.Type == IncidentEventTypes.Escalated).Select(e => ((EscalatedPayload)e.Payload!).From).Append(s.Incident.OwnerCode));
    }
}
