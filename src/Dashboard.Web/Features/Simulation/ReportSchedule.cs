namespace Dashboard.Web.Features.Simulation;

/// <summary>
/// When grid captains report: a Poisson process whose rate follows the hour of the local day (quiet nights, morning and
/// afternoon peaks). Arrivals are drawn by time rescaling, so the gaps are exact exponentials of the varying rate.
/// </summary>
public static class ReportSchedule
{
    // Flatter than the history's profile so a night-time demo still shows a report every few minutes.
    private static readonly double[] Raw =
        [0.4, 0.3, 0.25, 0.25, 0.25, 0.35, 0.6, 1.1, 1.6, 1.9, 2.0, 1.8, 1.3, 1.5, 1.9, 2.0, 1.9, 1.7, 1.4, 1.2, 1.0, 0.8, 0.6, 0.45];

    /// <summary>Rate of each local hour relative to the day's mean (the 24 values average 1).</summary>
    public static IReadOnlyList<double> HourWeights { get; } = Raw.Select(w => w * Raw.Length / Raw.Sum()).ToArray();

    /// <summary>Reports per hour at <paramref name="at"/> for a day averaging <paramref name="reportsPerHour"/>.</summary>
    public static double RateAt(double reportsPerHour, DateTimeOffset at, TimeZoneInfo zone) =>
        reportsPerHour * HourWeights[TimeZoneInfo.ConvertTime(at, zone).Hour];

    /// <summary>The next report after <paramref name="from"/>; null when the rate is zero.</summary>
    public static DateTimeOffset? Next(DateTimeOffset from, double reportsPerHour, TimeZoneInfo zone, Random rng)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(rng);
        if (reportsPerHour <= 0)
        {
            return null;
        }

        var mass = -Math.Log(1 - rng.NextDouble());
        var t = from;
        while (true)
        {
            var local = TimeZoneInfo.ConvertTime(t, zone);
            var segmentEnd = t + (TimeSpan.FromHours(1) - TimeSpan.FromTicks(local.Ticks % TimeSpan.TicksPerHour));
            var perSecond = reportsPerHour * HourWeights[local.Hour] / 3600;
            var segmentMass = perSecond * (segmentEnd - t).TotalSeconds;
            if (mass <= segmentMass)
            {
                return t + TimeSpan.FromSeconds(mass / perSecond);
            }

            mass -= segmentMass;
            t = segmentEnd;
        }
    }
}
