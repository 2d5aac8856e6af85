namespace Dashboard.Core.Metrics;

/// <summary>Who a portrait (效能画像) describes. Peers are ranked within the parent: officers within their team, teams within their township, townships within their district.</summary>
public enum PortraitKind
{
    Officer = 0,
    Team = 1,
    Township = 2,
}

/// <summary>The width of one trend point.</summary>
public enum TrendBucket
{
    /// <summary>One local day.</summary>
    Day = 0,

    /// <summary>Seven local days starting on a Monday (ISO week); the first and last points are clipped to the range.</summary>
    Week = 1,
}

/// <summary>One axis of the radar. Formula is the exact definition shown to leaders.</summary>
public sealed record PortraitDimension(string Key, string NameZh, string NameEn, string UnitZh, string UnitEn, bool HigherIsBetter, string Formula)
{
    /// <summary>The raw value is a 0–1 share, shown as a percentage.</summary>
    public bool IsShare => UnitEn == "%";
}

/// <summary>
/// The six portrait dimensions. All count tasks dispatched to the subject's officers with dispatched_at in the range [from, to)
/// (grid-captain tasks are not an officer's work). A score is the raw value normalised against the subject's peers over the same
/// range: 100 × value ÷ best peer value when higher is better, 100 × best ÷ value when lower is better (0 when the value is 0 and
/// higher is better; 100 when the best is 0 and lower is better); null when the subject has no raw value.
/// Precisely: the best is the largest (higher is better) or smallest (lower is better) non-null raw value among the peers, the
/// subject included. Higher is better: 0 when the best is 0 (then every value is 0). Lower is better: a value of 0 is itself the
/// best and scores 100; any other value scores 100 × best ÷ value, which is 0 when the best is 0.
/// Trend points count the same tasks, split by the local date of dispatched_at, with their state judged at the range end.
/// </summary>
public static class PortraitDimensions
{
    public static readonly PortraitDimension ResponseSpeed = new(
        "response_speed", "响应速度", "Response speed", "秒", "s", HigherIsBetter: false,
        "Median (nearest rank) of accepted_at − dispatched_at over the tasks that were accepted. Lower is better.");

    public static readonly PortraitDimension ArrivalPunctuality = new(
        "arrival_punctuality", "到达准时率", "Arrival punctuality", "%", "%", HigherIsBetter: true,
        "Tasks with arrived_at − dispatched_at below the incident's arrival target ÷ tasks whose arrival is decided: arrived, or not arrived and the target elapsed before the task ended (ended_at − dispatched_at ≥ target), or, when still active, before the earlier of to and the time of reading.");

    public static readonly PortraitDimension Workload = new(
        "workload", "工作量", "Workload", "件/人", "tasks/officer", HigherIsBetter: true,
        "Tasks ÷ officers on the subject's roster (1 for an officer). Empty when the roster is empty.");

    public static readonly PortraitDimension ClosureQuality = new(
        "closure_quality", "办结质量", "Closure quality", "%", "%", HigherIsBetter: true,
        "Resolved tasks (resolved_at set) whose incident is closed at to (its latest Closed/Cancelled/Reopened event before to is Closed) and has no Reopened event after the task's resolved_at and before to ÷ resolved tasks.");

    public static readonly PortraitDimension Coverage = new(
        "coverage", "领域覆盖", "Coverage", "%", "%", HigherIsBetter: true,
        "Distinct active enforcement categories among the tasks' incidents ÷ active enforcement categories.");

    public static readonly PortraitDimension PatrolDistance = new(
        "patrol_distance", "巡逻里程", "Patrol distance", "公里/人日", "km/officer-day", HigherIsBetter: true,
        "Kilometres travelled between consecutive accepted GPS fixes (officer_patrol_days, local days of the range; a fix counts on the local day it was taken; the first fix of an officer and jumps over 50 km add no distance) ÷ (officers × days in range).");

    public static IReadOnlyList<PortraitDimension> All { get; } = [ResponseSpeed, ArrivalPunctuality, Workload, ClosureQuality, Coverage, PatrolDistance];

    public static PortraitDimension? Find(string key) => All.FirstOrDefault(d => string.Equals(d.Key, key, StringComparison.Ordinal));
}

/// <summary>One officer task as the portraits read it (from tasks, incidents and incident_events; times UTC).</summary>
public sealed record TaskFact(
    long TaskId,
    int OfficerId,
    long IncidentId,
    string Category,
    int ArrivalTargetSeconds,
    DateTimeOffset DispatchedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? ArrivedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? EndedAt,
    bool IncidentClosedAtTo,
    bool ReopenedAfterResolve);

/// <summary>An officer on the roster, with the team and township the portraits group by.</summary>
public sealed record RosterOfficer(int OfficerId, string Name, string TeamCode, string TownshipCode);

/// <summary>Distance travelled by one officer on one local day.</summary>
public sealed record PatrolDay(int OfficerId, DateOnly Day, double DistanceMeters);

/// <summary>A subject of a portrait. Id is the officer id (as text), the team code or the township code.</summary>
public sealed record PortraitSubject(PortraitKind Kind, string Id, string Name, string ParentCode, string ParentName, int Officers);

/// <summary>The raw figures of one subject over one range (or one trend bucket). Derived values are null without a denominator.</summary>
public sealed record PortraitFigures
{
    public int Officers { get; init; }

    public int Days { get; init; }

    public int Tasks { get; init; }

    public int Accepted { get; init; }

    public double? AcceptP50Seconds { get; init; }

    public int ArrivalDecided { get; init; }

    public int ArrivalInTime { get; init; }

    public int Resolved { get; init; }

    public int ResolvedClosed { get; init; }

    public int CategoriesCovered { get; init; }

    public int ActiveCategories { get; init; }

    public double DistanceMeters { get; init; }

    /// <summary>The raw value of a dimension, keyed by <see cref="PortraitDimension.Key"/> (ratios 0–1, seconds, tasks/officer, km/officer-day).</summary>
    public double? Raw(string key) => key switch
    {
        "response_speed" => AcceptP50Seconds,
        "arrival_punctuality" => TierKpis.Ratio(ArrivalInTime, ArrivalDecided),
        "workload" => Officers > 0 ? (double)Tasks / Officers : null,
        "closure_quality" => TierKpis.Ratio(ResolvedClosed, Resolved),
        "coverage" => TierKpis.Ratio(CategoriesCovered, ActiveCategories),
        "patrol_distance" => Officers > 0 && Days > 0 ? DistanceMeters / 1000.0 / (Officers * Days) : null,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Unknown portrait dimension."),
    };
}

/// <summary>A dimension's raw value and its 0–100 score among the peers.</summary>
public sealed record PortraitScore(string Key, double? Raw, double? Score);

/// <summary>One subject's portrait: figures, one score per dimension (in <see cref="PortraitDimensions.All"/> order) and overall = mean of the non-null scores.</summary>
public sealed record Portrait(PortraitSubject Subject, PortraitFigures Figures, IReadOnlyList<PortraitScore> Scores, double? Overall, int Rank);

/// <summary>One trend point: the subject's figures over [Start, End) local days.</summary>
public sealed record PortraitTrendPoint(DateOnly Start, DateOnly End, PortraitFigures Figures);

/// <summary>A portrait with its peers ranked (best overall first, the subject among them) and its trend over the range.</summary>
public sealed record PortraitReport(Portrait Subject, IReadOnlyList<Portrait> Ranking, IReadOnlyList<PortraitTrendPoint> Trend, MetricRange Range, TrendBucket Bucket);

