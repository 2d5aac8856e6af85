namespace Dashboard.Core.Metrics;

public enum MetricPeriod
{
    /// <summary>From today's local midnight to tomorrow's.</summary>
    Today = 0,

    /// <summary>The last 7 local days, today included.</summary>
    Last7Days = 1,

    /// <summary>The last 30 local days, today included.</summary>
    Last30Days = 2,

    /// <summary>Whole local days from a first to a last date, both included.</summary>
    Custom = 3,
}

/// <summary>
/// A half-open range of instants [From, To), both UTC, whose ends are local midnights of a time zone (Asia/Shanghai for the
/// command rooms: 00:00 there is 16:00 UTC the day before). Every metric counts an incident in the range when its
/// reported_at is &gt;= From and &lt; To.
/// </summary>
public readonly record struct MetricRange
{
    public const string ShanghaiTimeZoneId = "Asia/Shanghai";

    public MetricRange(DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from)
        {
            throw new ArgumentException("The end of a metric range cannot be before its start.", nameof(to));
        }

        From = from.ToUniversalTime();
        To = to.ToUniversalTime();
    }

    public DateTimeOffset From { get; }

    public DateTimeOffset To { get; }

    /// <summary>China Standard Time (UTC+8, no daylight saving). IANA id; .NET maps it on Windows too.</summary>
    public static TimeZoneInfo Shanghai => TimeZoneInfo.FindSystemTimeZoneById(ShanghaiTimeZoneId);

    /// <summary>Today, the last 7 or the last 30 local days (today included) as seen at <paramref name="now"/>.</summary>
    public static MetricRange For(MetricPeriod period, DateTimeOffset now, TimeZoneInfo zone) => period switch
    {
        MetricPeriod.Today => LastDays(now, 1, zone),
        MetricPeriod.Last7Days => LastDays(now, 7, zone),
        MetricPeriod.Last30Days => LastDays(now, 30, zone),
        MetricPeriod.Custom => throw new ArgumentException("A custom range needs its dates: use Custom(first, last, zone).", nameof(period)),
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown metric period."),
    };

    /// <summary>The <paramref name="days"/> local days ending with the local day of <paramref name="now"/>.</summary>
    public static MetricRange LastDays(DateTimeOffset now, int days, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(days);
        ArgumentNullException.ThrowIfNull(zone);
        var today = LocalDate(now, zone);
        return Custom(today.AddDays(1 - days), today, zone);
    }

    /// <summary>Local days <paramref name="first"/> to <paramref name="last"/>, both included.</summary>
    public static MetricRange Custom(DateOnly first, DateOnly last, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (last < first)
        {
            throw new ArgumentException("The last day of a range cannot be before its first day.", nameof(last));
        }

        return new MetricRange(StartOfDay(first, zone), StartOfDay(last.AddDays(1), zone));
    }

    /// <summary>The local calendar date of an instant in the zone.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }

    /// <summary>
    /// The UTC instant of the first local moment of <paramref name="date"/>: its midnight, or where a daylight-saving jump skips
    /// midnight, the first valid minute after it.
    /// </summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        // An ambiguous midnight (clocks turned back over it) starts at its first occurrence: the larger offset.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    public bool Contains(DateTimeOffset instant) => instant >= From && instant < To;
}
