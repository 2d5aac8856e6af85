using Dashboard.Core.Incidents;

namespace Dashboard.Web.Realtime;

/// <summary>
/// One state change as pushed to dashboards and hub clients: the event from the log plus the incident as it is now.
/// Seq is the global sequence number; a client that sees a gap asks for GetEventsSince(lastSeq).
/// </summary>
public sealed record LiveEvent(long Seq, string Type, string Actor, DateTimeOffset At, Incident Incident)
{
    public static LiveEvent From(IncidentEvent e, Incident incident)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new LiveEvent(e.Seq, e.Type, e.Actor, e.At, incident);
    }
}

/// <summary>Strongly typed hub client contract (<c>Hub&lt;ICommandClient&gt;</c>).</summary>
public interface ICommandClient
{
    Task IncidentReported(LiveEvent e);

    Task IncidentUpdated(LiveEvent e);
}
