using Dashboard.Core.Incidents;

namespace Dashboard.Core.Sla;

public enum ClockKind
{
    /// <summary>Reported → first contact; target 60 s by default.</summary>
    Contact = 0,

    /// <summary>Dispatched → on scene; target 300 s by default.</summary>
    Arrival = 1,
}

public enum ClockState
{
    /// <summary>Has not started (arrival before dispatch).</summary>
    NotStarted,
    Running,
    Paused,

    /// <summary>Stopped before the deadline.</summary>
    Met,

    /// <summary>Stopped at or after the deadline.</summary>
    Missed,

    /// <summary>The incident was cancelled while the clock ran; it counts neither way.</summary>
    Void,
}

public enum ClockColour
{
    None,
    Green,
    Amber,
    Red,
}

/// <summary>
/// A clock read at one instant. Elapsed excludes paused time. The deadline is inclusive of the target: elapsed 59.999 s of
/// a 60 s target is in time, elapsed 60 s is late.
/// </summary>
public readonly record struct ClockReading(ClockKind Kind, ClockState State, TimeSpan Elapsed, TimeSpan Target)
{
    public TimeSpan Remaining => Target - Elapsed;

    public bool IsLate => Elapsed >= Target;

    public bool IsActive => State is ClockState.Running or ClockState.Paused;

    /// <summary>Green until <see cref="SlaClock.AmberFraction"/> of the target has passed, amber until the deadline, red after.</summary>
    public ClockColour Colour => State switch
    {
        ClockState.NotStarted or ClockState.Void => ClockColour.None,
        ClockState.Met => ClockColour.Green,
        ClockState.Missed => ClockColour.Red,
        _ when IsLate => ClockColour.Red,
        _ when Elapsed.Ticks >= Target.Ticks * SlaClock.AmberFraction => ClockColour.Amber,
        _ => ClockColour.Green,
    };
}

/// <summary>A breach that has become due: the Ordinal-th time this clock passed a multiple of its target.</summary>
public readonly record struct BreachDue(ClockKind Clock, int Ordinal, DateTimeOffset DueAt);
