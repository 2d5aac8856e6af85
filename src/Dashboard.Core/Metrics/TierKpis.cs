using Dashboard.Core.Jurisdictions;

namespace Dashboard.Core.Metrics;

/// <summary>
/// The KPIs of one tier node over a <see cref="MetricRange"/> [from, to). See <see cref="MetricDefinitions"/> for the exact
/// formula of each. Counts are stored; rates and per-officer figures are derived from them and are null when their
/// denominator is zero. Times are seconds with paused time excluded, null when no clock of that kind stopped.
/// </summary>
public sealed record TierKpis(string Code, string Name, JurisdictionLevel Level)
{
    /// <summary>Incidents located in the node with reported_at in [from, to), cancelled ones included.</summary>
    public int Reports { get; init; }

    /// <summary>Of <see cref="Reports"/>: cancelled before <c>to</c> (the latest Closed/Cancelled/Reopened event before to is Cancelled).</summary>
    public int Cancelled { get; init; }

    /// <summary>Of <see cref="Reports"/>: closed at <c>to</c> (the latest Closed/Cancelled/Reopened event before to is Closed).</summary>
    public int Closed { get; init; }

    /// <summary>Of <see cref="Closed"/>: contact met and arrival met or never started.</summary>
    public int ClosedOnTime { get; init; }

    /// <summary>Of <see cref="Reports"/>: neither closed nor cancelled at <c>to</c>.</summary>
    public int Open { get; init; }

    /// <summary>Of <see cref="Open"/>: a SlaBreached event before <c>to</c> for a clock that had not stopped before <c>to</c>.</summary>
    public int Overdue { get; init; }

    public int ContactDecided { get; init; }

    public int ContactInTime { get; init; }

    public int ArrivalDecided { get; init; }

    public int ArrivalInTime { get; init; }

    public double? ContactP50Seconds { get; init; }

    public double? ContactP90Seconds { get; init; }

    public double? ArrivalP50Seconds { get; init; }

    public double? ArrivalP90Seconds { get; init; }

    /// <summary>Escalated events with at in [from, to) of incidents located in the node, whenever they were reported.</summary>
    public int Escalations { get; init; }

    /// <summary>Officers on the roster of the node's townships (on duty or not).</summary>
    public int Officers { get; init; }

    /// <summary>Active categories with at least one of <see cref="Reports"/>.</summary>
    public int CategoriesCovered { get; init; }

    /// <summary>Active enforcement categories.</summary>
    public int ActiveCategories { get; init; }

    public double? ContactCompliance => Ratio(ContactInTime, ContactDecided);

    public double? ArrivalCompliance => Ratio(ArrivalInTime, ArrivalDecided);

    /// <summary>Closed ÷ (reports − cancelled).</summary>
    public double? ClosureRate => Ratio(Closed, Reports - Cancelled);

    /// <summary>Closed on time ÷ closed.</summary>
    public double? OnTimeClosureRate => Ratio(ClosedOnTime, Closed);

    /// <summary>Reports ÷ officers.</summary>
    public double? CasesPerOfficer => Ratio(Reports, Officers);

    /// <summary>Categories covered ÷ active categories.</summary>
    public double? DomainCoverage => Ratio(CategoriesCovered, ActiveCategories);

    /// <summary>The value of the KPI with <see cref="MetricDefinition.Key"/> <paramref name="key"/> (ratios 0–1, times in seconds).</summary>
    public double? Value(string key) => key switch
    {
        "reports" => Reports,
        "open" => Open,
        "overdue" => Overdue,
        "contact_compliance" => ContactCompliance,
        "arrival_compliance" => ArrivalCompliance,
        "contact_p50" => ContactP50Seconds,
        "contact_p90" => ContactP90Seconds,
        "arrival_p50" => ArrivalP50Seconds,
        "arrival_p90" => ArrivalP90Seconds,
        "closure_rate" => ClosureRate,
        "on_time_closure_rate" => OnTimeClosureRate,
        "escalations" => Escalations,
        "cases_per_officer" => CasesPerOfficer,
        "domain_coverage" => DomainCoverage,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Unknown KPI."),
    };

    public static double? Ratio(int numerator, int denominator) => denominator > 0 ? (double)numerator / denominator : null;
}

/// <summary>Percentiles by the nearest-rank method: the smallest value with at least p % of the values at or below it.</summary>
public static class NearestRank
{
    /// <summary>1-based rank of the <paramref name="percent"/> percentile among <paramref name="count"/> sorted values: ceil(count × p / 100).</summary>
    public static int Rank(int count, int percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        return (int)(((long)count * percent + 99) / 100);
    }

    /// <summary>The percentile of values sorted ascending, or null when there are none.</summary>
    public static T? Of<T>(IReadOnlyList<T> sorted, int percent)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Count == 0 ? null : sorted[Rank(sorted.Count, percent) - 1];
    }
}
