namespace Dashboard.Core.Positions;

/// <summary>What a position must look like to be stored. Errors name the field, for problem+json.</summary>
public static class PositionRules
{
    /// <summary>Phone clocks drift; further ahead than this is a broken clock, not a position.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(2);

    /// <summary>Clients buffer fixes while offline (Traccar Client does); older than this is not worth a track.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    public const int MaxBatch = 1000;

    public static void Validate(
        string prefix, double? lat, double? lon, DateTimeOffset? at, double? speed, double? heading, double? accuracy,
        DateTimeOffset now, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (lat is not { } la || !double.IsFinite(la) || la is < -90 or > 90)
        {
            errors[prefix + "lat"] = ["lat must be a number between -90 and 90"];
        }

        if (lon is not { } lo || !double.IsFinite(lo) || lo is < -180 or > 180)
        {
            errors[prefix + "lon"] = ["lon must be a number between -180 and 180"];
        }

        if (at is not { } time)
        {
            errors[prefix + "at"] = ["at (the fix time) is required"];
        }
        else if (time > now + MaxFutureSkew)
        {
            errors[prefix + "at"] = ["the fix time is in the future (check the device clock)"];
        }
        else if (time < now - MaxAge)
        {
            errors[prefix + "at"] = [$"the fix time is more than {MaxAge.TotalDays} days old"];
        }

        if (speed is { } s && (!double.IsFinite(s) || s < 0 || s > 100))
        {
            errors[prefix + "speed"] = ["speed must be 0-100 m/s"];
        }

        if (heading is { } h && (!double.IsFinite(h) || h < 0 || h > 360))
        {
            errors[prefix + "heading"] = ["heading must be 0-360 degrees"];
        }

        if (accuracy is { } a && (!double.IsFinite(a) || a < 0 || a > 100_000))
        {
            errors[prefix + "accuracy"] = ["accuracy must be 0-100000 metres"];
        }
    }
}
