using Dashboard.Core.Incidents;

namespace Dashboard.Core.Sla;

/// <summary>Reads an incident's two clocks at an instant. Pure: the caller passes "now" from its TimeProvider.</summary>
public static partial class SlaClock
{
    /// <summary>Share of the target after which a running clock shows amber.</summary>
    public const double AmberFraction = 2.0 / 3.0;

    public static ClockReading Read(Incident incident, ClockKind clock, DateTimeOffset now) => clock switch
    {
        ClockKind.Contact => Contact(incident, now),
        ClockKind.Arrival => Arrival(incident, now),
        _ => throw new ArgumentOutOfRangeException(nameof(clock)),
    };
}
