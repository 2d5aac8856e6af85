using Dashboard.Core.Incidents;

namespace Dashboard.Core.Sla;

public static partial class SlaClock
{
    /// <summary>Reported → ContactedAt, excluding ContactPaused and an ongoing pause.</summary>
    public static ClockReading Contact(Incident incident, DateTimeOffset now) => throw new NotImplementedException();

    /// <summary>DispatchedAt → OnSceneAt, excluding ArrivalPaused and an ongoing pause; NotStarted before dispatch.</summary>
    public static ClockReading Arrival(Incident incident, DateTimeOffset now) => throw new NotImplementedException();

    /// <summary>
    /// Breaches that are due at <paramref name="now"/> and not yet recorded: the n-th breach of a running (not paused) clock is due
    /// when its elapsed time reaches n × target, for n = recorded breaches + 1, … In seq order of DueAt.
    /// </summary>
    public static IReadOnlyList<BreachDue> DueBreaches(Incident incident, DateTimeOffset now) => throw new NotImplementedException();

    /// <summary>The instant the next breach of a running clock becomes due, if nothing happens before; null when none can be.</summary>
    public static DateTimeOffset? NextBreachAt(Incident incident) => throw new NotImplementedException();
}
