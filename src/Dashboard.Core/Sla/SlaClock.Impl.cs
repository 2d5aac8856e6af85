using Dashboard.Core.Incidents;

namespace Dashboard.Core.Sla;

public static partial class SlaClock
{
    /// <summary>Reported → ContactedAt, excluding ContactPaused and an ongoing pause.</summary>
    public static ClockReading Contact(Incident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return ReadClock(incident, ClockKind.Contact, incident.ReportedAt, incident.ContactedAt, now);
    }

    /// <summary>DispatchedAt → OnSceneAt, excluding ArrivalPaused and an ongoing pause; NotStarted before dispatch.</summary>
    public static ClockReading Arrival(Incident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var target = TargetOf(incident, ClockKind.Arrival);
        return incident.DispatchedAt is { } start
            ? ReadClock(incident, ClockKind.Arrival, start, incident.OnSceneAt, now)
            : new ClockReading(ClockKind.Arrival, ClockState.NotStarted, TimeSpan.Zero, target);
    }

    /// <summary>
    /// Breaches that are due at <paramref name="now"/> and not yet recorded: the n-th breach of a running (not paused) clock is due
    /// when its elapsed time reaches n × target, for n = recorded breaches + 1, … In seq order of DueAt.
    /// </summary>
    public static IReadOnlyList<BreachDue> DueBreaches(Incident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var due = new List<BreachDue>();
        foreach (var clock in (ReadOnlySpan<ClockKind>)[ClockKind.Contact, ClockKind.Arrival])
        {
            if (!CanBreach(incident, clock, out var start, out var target))
            {
                continue;
            }

            var elapsed = Read(incident, clock, now).Elapsed;
            var paused = PausedTotal(incident, clock);
            for (var n = BreachesOf(incident, clock) + 1; elapsed >= n * target; n++)
            {
                due.Add(new BreachDue(clock, n, start + paused + (n * target)));
            }
        }

        due.Sort((a, b) => a.DueAt.CompareTo(b.DueAt));
        return due;
    }

    /// <summary>The instant the next breach of a running clock becomes due, if nothing happens before; null when none can be.</summary>
    public static DateTimeOffset? NextBreachAt(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        DateTimeOffset? next = null;
        foreach (var clock in (ReadOnlySpan<ClockKind>)[ClockKind.Contact, ClockKind.Arrival])
        {
            if (CanBreach(incident, clock, out var start, out var target))
            {
                var at = start + PausedTotal(incident, clock) + ((BreachesOf(incident, clock) + 1) * target);
                if (next is null || at < next)
                {
                    next = at;
                }
            }
        }

        return next;
    }

    /// <summary>
    /// The clock that is ticking (or paused) for the incident's current stage, ignoring its status: contact until contacted,
    /// then arrival from dispatch to on scene. A pause always belongs to this clock.
    /// </summary>
    internal static ClockKind? CurrentClock(Incident incident) =>
        incident.ContactedAt is null ? ClockKind.Contact
        : incident.DispatchedAt is not null && incident.OnSceneAt is null ? ClockKind.Arrival
        : null;

    internal static TimeSpan TargetOf(Incident incident, ClockKind clock) =>
        TimeSpan.FromSeconds(clock == ClockKind.Contact ? incident.ContactTargetSeconds : incident.ArrivalTargetSeconds);

    internal static TimeSpan PausedTotal(Incident incident, ClockKind clock) =>
        clock == ClockKind.Contact ? incident.ContactPaused : incident.ArrivalPaused;

    internal static int BreachesOf(Incident incident, ClockKind clock) =>
        clock == ClockKind.Contact ? incident.ContactBreaches : incident.ArrivalBreaches;

    private static ClockReading ReadClock(Incident incident, ClockKind clock, DateTimeOffset start, DateTimeOffset? stop, DateTimeOffset now)
    {
        var target = TargetOf(incident, clock);
        var paused = PausedTotal(incident, clock);
        if (stop is { } stoppedAt)
        {
            var taken = NonNegative(stoppedAt - start - paused);
            return new ClockReading(clock, taken < target ? ClockState.Met : ClockState.Missed, taken, target);
        }

        if (incident.Status == IncidentStatus.Cancelled)
        {
            // Cancelled incidents do not record when the clock stopped; a growing elapsed time would mislead, and Void counts neither way.
            return new ClockReading(clock, ClockState.Void, TimeSpan.Zero, target);
        }

        var pausedNow = incident.PausedAt is not null && CurrentClock(incident) == clock;
        var ongoing = pausedNow ? NonNegative(now - incident.PausedAt!.Value) : TimeSpan.Zero;
        var elapsed = NonNegative(now - start - paused - ongoing);
        return new ClockReading(clock, pausedNow ? ClockState.Paused : ClockState.Running, elapsed, target);
    }

    /// <summary>True for a clock of an open incident that runs unpaused, so that its next breach has a fixed instant.</summary>
    private static bool CanBreach(Incident incident, ClockKind clock, out DateTimeOffset start, out TimeSpan target)
    {
        start = clock == ClockKind.Contact ? incident.ReportedAt : incident.DispatchedAt.GetValueOrDefault();
        target = TargetOf(incident, clock);

        // A non-positive target would make every instant a breach; the policy validation refuses it, this keeps the loop finite.
        return incident.IsOpen && incident.PausedAt is null && CurrentClock(incident) == clock && target > TimeSpan.Zero;
    }

    private static TimeSpan NonNegative(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;
}
