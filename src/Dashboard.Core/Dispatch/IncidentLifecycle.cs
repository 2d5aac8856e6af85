using Dashboard.Core.Incidents;

namespace Dashboard.Core.Dispatch;

/// <summary>
/// The incident and task state machine. Given the state read in the writing transaction, a command, who does it and when,
/// decides the new incident row, the task rows and the events — or refuses with a reason. Pure.
/// </summary>
public static class IncidentLifecycle
{
    public static Decision Decide(IncidentState state, IncidentCommand command, string actor, DateTimeOffset now) => throw new NotImplementedException();
}
