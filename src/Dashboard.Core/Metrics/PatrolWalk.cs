using Dashboard.Core.Positions;

namespace Dashboard.Core.Metrics;

/// <summary>Distance and accepted fixes to add to one officer's local day.</summary>
public readonly record struct PatrolStep(int OfficerId, DateOnly Day, double DistanceMeters, int Fixes);

/// <summary>
/// Patrol distance (officer_patrol_days) from GPS fixes, the way the position writer accepts them: a fix counts only when it moves
/// the officer forward in time, i.e. its At is strictly after the officer's previous accepted fix (the stored latest position, then
/// the batch's fixes in arrival order). Late, out-of-order and same-instant fixes add nothing, whatever the batching, exactly as
/// they never move the latest position. Each counted fix adds 1 to the fixes of the local day of its own At and the haversine
/// distance from the previous accepted fix to it (a segment across local midnight counts on the new fix's day), except:
/// <list type="bullet">
/// <item>an officer's first fix ever (no previous one stored): counted as a fix, no distance;</item>
/// <item>a jump of more than <see cref="MaxJumpMeters"/> from the previous fix (device reset, position from another city):
/// counted as a fix, no distance; the next segment starts from the new fix.</item>
/// </list>
/// </summary>
public static class PatrolWalk
{
    /// <summary>Longer hops between consecutive accepted fixes are implausible on patrol and add no distance.</summary>
    public const double MaxJumpMeters = 50_000;

    /// <summary>
    /// The steps of one batch, summed per officer and local day, in order of first appearance.
    /// </summary>
    /// <param name="batch">Fixes in arrival order.</param>
    /// <param name="previousOf">The officer's stored latest fix before the batch, or null when there is none.</param>
    /// <param name="zone">The zone of the local days (Asia/Shanghai).</param>
    public static List<PatrolStep> Steps(IReadOnlyList<PositionFix> batch, Func<int, PositionFix?> previousOf, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(previousOf);
        ArgumentNullException.ThrowIfNull(zone);
        var last = new Dictionary<int, PositionFix?>();
        var sums = new Dictionary<(int, DateOnly), int>();
        var steps = new List<PatrolStep>();
        foreach (var fix in batch)
        {
            if (!last.TryGetValue(fix.OfficerId, out var previous))
            {
                previous = previousOf(fix.OfficerId);
            }

            if (previous is not null && fix.At <= previous.At)
            {
                last[fix.OfficerId] = previous;
                continue;
            }

            var meters = 0.0;
            if (previous is not null)
            {
                meters = Geo.HaversineMeters(previous.Latitude, previous.Longitude, fix.Latitude, fix.Longitude);
                if (!(meters <= MaxJumpMeters))
                {
                    meters = 0;
                }
            }

            last[fix.OfficerId] = fix;
            var key = (fix.OfficerId, MetricRange.LocalDate(fix.At, zone));
            if (sums.TryGetValue(key, out var index))
            {
                var s = steps[index];
                steps[index] = s with { DistanceMeters = s.DistanceMeters + meters, Fixes = s.Fixes + 1 };
            }
            else
            {
                sums.Add(key, steps.Count);
                steps.Add(new PatrolStep(fix.OfficerId, key.Item2, meters, 1));
            }
        }

        return steps;
    }
}
