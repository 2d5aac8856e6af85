using System.Collections.Concurrent;

namespace Dashboard.Core.Positions;

/// <summary>Traccar-style filtering (filter.duplicate, filter.distance, filter.accuracy, filter.maxSpeed); each rule off at 0.</summary>
public sealed record JitterFilterOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>A fix this close to the last kept one, within <see cref="MinInterval"/>, adds nothing.</summary>
    public double MinDistanceMeters { get; init; } = 5;

    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Fixes reporting worse accuracy are dropped (indoor GPS wanders hundreds of metres).</summary>
    public double MaxAccuracyMeters { get; init; } = 200;

    /// <summary>Faster than this between two fixes is a jump, not travel: about 200 km/h.</summary>
    public double MaxSpeedMetersPerSecond { get; init; } = 55;
}

public enum JitterVerdict
{
    Keep,
    Duplicate,
    TooClose,
    Inaccurate,
    Jump,
}

/// <summary>Drops fixes that would only add noise: exact repeats, sub-metre wobble while standing, bad accuracy, teleports.</summary>
public sealed class JitterFilter(JitterFilterOptions options)
{
    private readonly ConcurrentDictionary<int, PositionFix> _lastKept = new();

    public JitterVerdict Check(PositionFix fix)
    {
        ArgumentNullException.ThrowIfNull(fix);
        if (!options.Enabled)
        {
            return JitterVerdict.Keep;
        }

        if (options.MaxAccuracyMeters > 0 && fix.Accuracy > options.MaxAccuracyMeters)
        {
            return JitterVerdict.Inaccurate;
        }

        var verdict = JitterVerdict.Keep;
        _lastKept.AddOrUpdate(
            fix.OfficerId,
            fix,
            (_, last) =>
            {
                verdict = Judge(last, fix);
                // Older fixes (a phone's offline buffer) pass through for the track but do not become the reference.
                return verdict == JitterVerdict.Keep && fix.At > last.At ? fix : last;
            });
        return verdict;
    }

    private JitterVerdict Judge(PositionFix last, PositionFix fix)
    {
        if (fix.At == last.At)
        {
            return JitterVerdict.Duplicate;
        }

        if (fix.At < last.At)
        {
            return JitterVerdict.Keep;
        }

        var meters = Geo.HaversineMeters(last.Latitude, last.Longitude, fix.Latitude, fix.Longitude);
        var seconds = (fix.At - last.At).TotalSeconds;
        if (options.MaxSpeedMetersPerSecond > 0 && meters / seconds > options.MaxSpeedMetersPerSecond)
        {
            return JitterVerdict.Jump;
        }

        return options.MinDistanceMeters > 0 && meters < options.MinDistanceMeters && fix.At - last.At < options.MinInterval
            ? JitterVerdict.TooClose
            : JitterVerdict.Keep;
    }
}
