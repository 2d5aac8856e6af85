namespace Dashboard.Core.Metrics;

public enum MetricUnit
{
    Count = 0,
    Ratio = 1,
    Seconds = 2,

    /// <summary>A plain quotient that is not a share, e.g. cases per officer.</summary>
    Number = 3,
}

/// <summary>One KPI as a definitions page shows it. Key is stable (used by APIs, exports and saved views).</summary>
public sealed record MetricDefinition(string Key, string NameZh, string NameEn, MetricUnit Unit, string Formula);

/// <summary>
/// The tier KPIs. Common terms used in the formulas:
/// <list type="bullet">
/// <item><b>range</b>: [from, to), UTC instants whose ends are local midnights (Asia/Shanghai), see <see cref="MetricRange"/>;</item>
/// <item><b>reports of a node</b>: incidents located in the node (district_code / township_code) with reported_at in the range,
/// whatever happened to them later;</item>
/// <item><b>state at to</b>: the latest Closed, Cancelled or Reopened event recorded before to (none = still open);</item>
/// <item><b>clock times</b>: contact = first contact − reported_at, arrival = first on-scene − first dispatch, each minus
/// the paused time of that clock, truncated to milliseconds; the targets are the incident's own, fixed at report time
/// (60 s and 300 s by default); a time is in time when it is strictly less than its target.</item>
/// </list>
/// </summary>
public static class MetricDefinitions
{
    public static readonly MetricDefinition Reports = new(
        "reports", "上报数", "Reports", MetricUnit.Count,
        "Number of incidents located in the node with reported_at in [from, to), cancelled ones included.");

    public static readonly MetricDefinition Open = new(
        "open", "在办数", "Open", MetricUnit.Count,
        "Reports that are neither closed nor cancelled at to: no Closed or Cancelled event before to, or a Reopened event after the last of them (still before to).");

    public static readonly MetricDefinition Overdue = new(
        "overdue", "超时在办数", "Overdue", MetricUnit.Count,
        "Open reports with an SlaBreached event before to for a clock still running at to (contact: not contacted before to; arrival: not on scene before to).");

    public static readonly MetricDefinition ContactCompliance = new(
        "contact_compliance", "1分钟联络率", "Contact compliance (within 60 s)", MetricUnit.Ratio,
        "Reports whose contact time is below the contact target ÷ reports whose contact clock is decided (it stopped, or it breached and the incident is not cancelled). Empty when none is decided.");

    public static readonly MetricDefinition ArrivalCompliance = new(
        "arrival_compliance", "5分钟到达率", "Arrival compliance (within 300 s)", MetricUnit.Ratio,
        "Reports whose arrival time is below the arrival target ÷ reports whose arrival clock is decided (it stopped, or it breached and the incident is not cancelled). Empty when none is decided.");

    public static readonly MetricDefinition ContactP50 = new(
        "contact_p50", "联络时长中位数", "Contact time p50", MetricUnit.Seconds,
        "Median (nearest rank: the value at rank ceil(n × 50 / 100) in ascending order) of the contact times of the reports whose contact clock stopped. Paused time excluded.");

    public static readonly MetricDefinition ContactP90 = new(
        "contact_p90", "联络时长P90", "Contact time p90", MetricUnit.Seconds,
        "90th percentile (nearest rank: ceil(n × 90 / 100)) of the contact times of the reports whose contact clock stopped. Paused time excluded.");

    public static readonly MetricDefinition ArrivalP50 = new(
        "arrival_p50", "到达时长中位数", "Arrival time p50", MetricUnit.Seconds,
        "Median (nearest rank) of the arrival times of the reports whose arrival clock stopped. Paused time excluded.");

    public static readonly MetricDefinition ArrivalP90 = new(
        "arrival_p90", "到达时长P90", "Arrival time p90", MetricUnit.Seconds,
        "90th percentile (nearest rank) of the arrival times of the reports whose arrival clock stopped. Paused time excluded.");

    public static readonly MetricDefinition ClosureRate = new(
        "closure_rate", "结案率", "Closure rate", MetricUnit.Ratio,
        "Reports closed at to ÷ (reports − reports cancelled at to). A reopened report counts as closed only if it was closed again before to.");

    public static readonly MetricDefinition OnTimeClosureRate = new(
        "on_time_closure_rate", "按时结案率", "On-time closure rate", MetricUnit.Ratio,
        "Reports closed at to whose contact time is below its target and whose arrival time is below its target (or that were never dispatched) ÷ reports closed at to.");

    public static readonly MetricDefinition Escalations = new(
        "escalations", "升级数", "Escalations", MetricUnit.Count,
        "Number of Escalated events with at in [from, to) of incidents located in the node, whenever they were reported (one incident escalated twice counts twice).");

    public static readonly MetricDefinition CasesPerOfficer = new(
        "cases_per_officer", "人均案件数", "Cases per officer", MetricUnit.Number,
        "Reports ÷ officers on the roster of the node's townships (on duty or not). Empty when the node has no officers.");

    public static readonly MetricDefinition DomainCoverage = new(
        "domain_coverage", "领域覆盖率", "Domain coverage", MetricUnit.Ratio,
        "Active enforcement categories with at least one report ÷ active enforcement categories.");

    /// <summary>Every KPI in display order.</summary>
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        Reports, Open, Overdue, ContactCompliance, ArrivalCompliance, ContactP50, ContactP90, ArrivalP50, ArrivalP90,
        ClosureRate, OnTimeClosureRate, Escalations, CasesPerOfficer, DomainCoverage,
    ];

    public static MetricDefinition? Find(string key) => All.FirstOrDefault(d => string.Equals(d.Key, key, StringComparison.Ordinal));
}
