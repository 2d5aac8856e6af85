using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;

namespace Dashboard.Web.Realtime;

/// <summary>
/// One state change as pushed to dashboards and hub clients: the event from the log plus the incident as it is now
/// (and the task it concerns, when it concerns one). Seq is the global sequence number; a client that sees a gap asks
/// for GetEventsSince(lastSeq). Payload is the event's JSON detail (reason, assignee, clock…).
/// </summary>
public sealed record LiveEvent(long Seq, string Type, string Actor, DateTimeOffset At, Incident Incident)
{
    public long? TaskId { get; init; }

    public DispatchTask? Task { get; init; }

    public string? Payload { get; init; }

    public static LiveEvent From(IncidentEvent e, Incident incident, DispatchTask? task = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new LiveEvent(e.Seq, e.Type, e.Actor, e.At, incident)
        {
            TaskId = e.TaskId,
            Task = task is not null && task.Id == e.TaskId ? task : null,
            Payload = e.Payload,
        };
    }
}

/// <summary>Strongly typed hub client contract (<c>Hub&lt;ICommandClient&gt;</c>).</summary>
public interface ICommandClient
{
    Task IncidentReported(LiveEvent e);

    /// <summary>Any other change of the incident (contact, close, reopen, pause, cancel…).</summary>
    Task IncidentUpdated(LiveEvent e);

    /// <summary>A task was dispatched (or reassigned to someone new).</summary>
    Task TaskDispatched(LiveEvent e);

    /// <summary>A task moved on: accepted, on scene, resolved, cancelled.</summary>
    Task TaskUpdated(LiveEvent e);

    Task SlaBreached(LiveEvent e);

    Task IncidentEscalated(LiveEvent e);
}

public static class LiveEventRoutes
{
    /// <summary>The hub method that carries an event of this type.</summary>
    public static string MethodFor(string type) => type switch
    {
        IncidentEventTypes.Reported => nameof(ICommandClient.IncidentReported),
        IncidentEventTypes.Dispatched or IncidentEventTypes.Reassigned => nameof(ICommandClient.TaskDispatched),
        IncidentEventTypes.Accepted or IncidentEventTypes.OnScene or IncidentEventTypes.Resolved or IncidentEventTypes.TaskCancelled
            => nameof(ICommandClient.TaskUpdated),
        IncidentEventTypes.SlaBreached => nameof(ICommandClient.SlaBreached),
        IncidentEventTypes.Escalated => nameof(ICommandClient.IncidentEscalated),
        _ => nameof(ICommandClient.IncidentUpdated),
    };
}
