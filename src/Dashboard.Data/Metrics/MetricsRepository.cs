using System.Data.Common;
using Dapper;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Metrics;
using Dashboard.Data.Incidents;

namespace Dashboard.Data.Metrics;

/// <summary>
/// Tier roll-ups (see <see cref="MetricDefinitions"/> for every formula). For a parent node it returns the parent and each
/// child tier node (city → districts, district → townships; a township returns only itself), from seven statements whatever the
/// number of children, each grouped by the child's code:
/// <list type="number">
/// <item>the nodes (parent and children) with their names;</item>
/// <item>per-incident flags of the reports in [from, to) (state at <c>to</c> from the event log, clocks from the incident row),
/// summed per child; the parent is the sum of its children, since every count is additive;</item>
/// <item>Escalated events in [from, to) per child (index ix_incident_events_type_at);</item>
/// <item>distinct (child, active category) pairs of the reports: the parent's coverage is their union;</item>
/// <item>officers per child from the roster;</item>
/// <item>the number of active categories;</item>
/// <item>percentiles, computed in SQL: ROW_NUMBER and COUNT windows over the stopped clocks, per child and over the whole parent,
/// return only the rows at the nearest ranks ceil(n × 50 / 100) and ceil(n × 90 / 100) — at most eight rows per node rather than
/// every time of a year of incidents. Integer arithmetic ((n × p + 99) / 100) gives the same rank on both providers.</item>
/// </list>
/// Every event lookup is an index seek (ix_incident_events_incident_id_type_at, ix_incident_events_type_at from 0005_metrics, and
/// ix_incident_events_incident_id_seq). Measured on SQLite with a synthetic year (150,000 incidents, 1.2 M events, 12 districts ×
/// 13 townships, 2 shared cores): the city over 30 days ≈ 0.45 s for all statements, over the whole year ≈ 4.5 s (the counts and
/// percentile statements ≈ 2 s each); one district over the year ≈ 0.35 s.
/// The statements run one after the other without a shared snapshot: a write landing between them can make one figure newer than
/// another by that write, which a dashboard refreshed every few seconds tolerates.
/// </summary>
public sealed class MetricsRepository(DbConnectionFactory db)
{
    private const string ContactClock = "Contact";
    private const string ArrivalClock = "Arrival";

    private const string InRange = "i.reported_at >= @From AND i.reported_at < @To";

    internal const string ActiveCategoriesSql = "SELECT COUNT(*) FROM categories WHERE active = 1";

    // A township parent: its grids are not tiers of the roll-up, so it is listed alone.
    internal const string NodesSql = """
        SELECT j.code AS Code, j.name AS Name, j.level AS Level
        FROM jurisdictions j
        WHERE j.code = @ScopeCode OR (j.parent_code = @ScopeCode AND j.level <= 2)
        ORDER BY j.level, j.code
        """;

    internal static string CountsUnderCitySql(SqlDialect d) => CountsSql(d, Levels[0]);

    internal static string CountsUnderDistrictSql(SqlDialect d) => CountsSql(d, Levels[1]);

    internal static string CountsOfTownshipSql(SqlDialect d) => CountsSql(d, Levels[2]);

    internal const string EscalationsUnderCitySql = "SELECT " + ByDistrict + " AS Node, COUNT(*) AS N" + EscalationsBody + CityScope + " GROUP BY " + ByDistrict;
    internal const string EscalationsUnderDistrictSql = "SELECT " + ByTownship + " AS Node, COUNT(*) AS N" + EscalationsBody + DistrictScope + " GROUP BY " + ByTownship;
    internal const string EscalationsOfTownshipSql = "SELECT " + ByTownship + " AS Node, COUNT(*) AS N" + EscalationsBody + TownshipScope + " GROUP BY " + ByTownship;

    internal const string CategoriesUnderCitySql = "SELECT DISTINCT " + ByDistrict + " AS Node, i.category_code AS Category" + CategoriesBody + CityScope;
    internal const string CategoriesUnderDistrictSql = "SELECT DISTINCT " + ByTownship + " AS Node, i.category_code AS Category" + CategoriesBody + DistrictScope;
    internal const string CategoriesOfTownshipSql = "SELECT DISTINCT " + ByTownship + " AS Node, i.category_code AS Category" + CategoriesBody + TownshipScope;

    internal const string OfficersUnderCitySql = """
        SELECT t.parent_code AS Node, COUNT(*) AS N FROM officers o JOIN jurisdictions t ON t.code = o.township_code GROUP BY t.parent_code
        """;

    internal const string OfficersUnderDistrictSql = """
        SELECT o.township_code AS Node, COUNT(*) AS N FROM officers o JOIN jurisdictions t ON t.code = o.township_code
        WHERE t.parent_code = @ScopeCode GROUP BY o.township_code
        """;

    internal const string OfficersOfTownshipSql = """
        SELECT o.township_code AS Node, COUNT(*) AS N FROM officers o WHERE o.township_code = @ScopeCode GROUP BY o.township_code
        """;

    // Child key of the incidents: under a city the district, under a district (and for a township alone) the township.
    private const string ByDistrict = "i.district_code";
    private const string ByTownship = "i.township_code";
    private const string CityScope = IncidentRepository.CityScope;
    private const string DistrictScope = IncidentRepository.DistrictScope;
    private const string TownshipScope = IncidentRepository.TownshipScope;

    private const string EscalationsBody = " FROM incident_events e JOIN incidents i ON i.id = e.incident_id"
        + " WHERE e.type = '" + IncidentEventTypes.Escalated + "' AND e.at >= @From AND e.at < @To AND ";

    private const string CategoriesBody = " FROM incidents i JOIN categories c ON c.code = i.category_code WHERE c.active = 1 AND " + InRange + " AND ";

    private sealed record Level(JurisdictionLevel Parent, string Key, string Scope, string Escalations, string Categories, string Officers);

    private static readonly Level[] Levels =
    [
        new(JurisdictionLevel.City, ByDistrict, CityScope, EscalationsUnderCitySql, CategoriesUnderCitySql, OfficersUnderCitySql),
        new(JurisdictionLevel.District, ByTownship, DistrictScope, EscalationsUnderDistrictSql, CategoriesUnderDistrictSql, OfficersUnderDistrictSql),
        new(JurisdictionLevel.Township, ByTownship, TownshipScope, EscalationsOfTownshipSql, CategoriesOfTownshipSql, OfficersOfTownshipSql),
    ];

    public Task<IReadOnlyList<TierKpis>> TierKpisAsync(ScopeFilter parent, MetricRange range, CancellationToken ct = default) =>
        TierKpisAsync(parent, range.From, range.To, ct);

    /// <summary>
    /// The parent node first, then each of its child tier nodes by code (children without reports included, with zeros).
    /// Empty when the parent node does not exist. A grid is not a tier of the roll-up.
    /// </summary>
    public async Task<IReadOnlyList<TierKpis>> TierKpisAsync(ScopeFilter parent, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentException.ThrowIfNullOrEmpty(parent.Code);
        if (parent.Level is not (JurisdictionLevel.City or JurisdictionLevel.District or JurisdictionLevel.Township))
        {
            throw new ArgumentOutOfRangeException(nameof(parent), parent.Level, "Tier roll-ups start at a city, a district or a township.");
        }

        if (to < from)
        {
            throw new ArgumentException("The end of the range cannot be before its start.", nameof(to));
        }

        var level = Levels[(int)parent.Level];
        var dialect = db.Dialect;
        var args = new { ScopeCode = parent.Code, From = from, To = to, Cancelled = (int)IncidentStatus.Cancelled };
        await using var connection = await db.OpenAsync(ct);

        var nodes = (await Query<NodeRow>(connection, NodesSql, args, ct)).ToList();
        var parentRow = nodes.FirstOrDefault(n => n.Code == parent.Code && n.Level == (int)parent.Level);
        if (parentRow is null)
        {
            return [];
        }

        var children = nodes.Where(n => n != parentRow).ToList();
        var counts = (await Query<CountsRow>(connection, CountsSql(dialect, level), args, ct)).ToDictionary(r => r.Node ?? "", StringComparer.Ordinal);
        var escalations = (await Query<NodeCount>(connection, level.Escalations, args, ct)).ToDictionary(r => r.Node ?? "", r => (int)r.N, StringComparer.Ordinal);
        var categories = (await Query<NodeCategory>(connection, level.Categories, args, ct)).ToList();
        var officers = (await Query<NodeCount>(connection, level.Officers, args, ct)).ToDictionary(r => r.Node ?? "", r => (int)r.N, StringComparer.Ordinal);
        var activeCategories = await connection.ExecuteScalarAsync<int>(new CommandDefinition(ActiveCategoriesSql, cancellationToken: ct));
        var percentiles = (await Query<PercentileRow>(connection, PercentilesSql(dialect, level), args, ct)).ToList();

        TierKpis Build(NodeRow node, bool isParent)
        {
            var own = isParent ? counts.Values.ToList() : counts.TryGetValue(node.Code, out var c) ? [c] : [];
            int Sum(Func<CountsRow, long> pick) => (int)own.Sum(pick);
            double? Seconds(string clock, int percent)
            {
                var row = percentiles.FirstOrDefault(p =>
                    p.Clock == clock && p.Parent == (isParent ? 1 : 0) && (isParent || p.Node == node.Code) && p.Rn == NearestRank.Rank((int)p.N, percent));
                return row is null ? null : row.Ms / 1000.0;
            }

            return new TierKpis(node.Code, node.Name, (JurisdictionLevel)node.Level)
            {
                Reports = Sum(r => r.Reports),
                Cancelled = Sum(r => r.Cancelled),
                Closed = Sum(r => r.Closed),
                ClosedOnTime = Sum(r => r.ClosedOnTime),
                Open = Sum(r => r.OpenCount),
                Overdue = Sum(r => r.Overdue),
                ContactDecided = Sum(r => r.ContactDecided),
                ContactInTime = Sum(r => r.ContactInTime),
                ArrivalDecided = Sum(r => r.ArrivalDecided),
                ArrivalInTime = Sum(r => r.ArrivalInTime),
                ContactP50Seconds = Seconds(ContactClock, 50),
                ContactP90Seconds = Seconds(ContactClock, 90),
                ArrivalP50Seconds = Seconds(ArrivalClock, 50),
                ArrivalP90Seconds = Seconds(ArrivalClock, 90),
                Escalations = isParent ? escalations.Values.Sum() : escalations.GetValueOrDefault(node.Code),
                Officers = isParent ? officers.Values.Sum() : officers.GetValueOrDefault(node.Code),
                CategoriesCovered = categories.Where(x => isParent || x.Node == node.Code).Select(x => x.Category).Distinct(StringComparer.Ordinal).Count(),
                ActiveCategories = activeCategories,
            };
        }

        var result = new List<TierKpis>(children.Count + 1) { Build(parentRow, isParent: true) };
        result.AddRange(children.Select(n => Build(n, isParent: false)));
        return result;
    }

    /// <summary>
    /// One row per child key. The inner select flags each report; SQL Server refuses a subquery inside an aggregate, so the
    /// flags are computed in a derived table and summed outside. "State at to": the latest Closed/Cancelled/Reopened event
    /// (by seq) recorded before to — an incident is closed at to when a Closed event before to has no such event after it.
    /// </summary>
    private static string CountsSql(SqlDialect d, Level level) => $"""
        SELECT f.Node AS Node, COUNT(*) AS Reports,
            SUM(f.IsCancelled) AS Cancelled,
            SUM(f.IsClosed) AS Closed,
            SUM(CASE WHEN f.IsClosed = 1 AND f.ContactInTime = 1 AND f.ArrivalOk = 1 THEN 1 ELSE 0 END) AS ClosedOnTime,
            SUM(CASE WHEN f.IsClosed = 0 AND f.IsCancelled = 0 THEN 1 ELSE 0 END) AS OpenCount,
            SUM(CASE WHEN f.IsClosed = 0 AND f.IsCancelled = 0 AND f.Breached = 1 THEN 1 ELSE 0 END) AS Overdue,
            SUM(f.ContactDecided) AS ContactDecided,
            SUM(f.ContactInTime) AS ContactInTime,
            SUM(f.ArrivalDecided) AS ArrivalDecided,
            SUM(f.ArrivalInTime) AS ArrivalInTime
        FROM (
            SELECT {level.Key} AS Node,
                {Ended(IncidentEventTypes.Closed)} AS IsClosed,
                {Ended(IncidentEventTypes.Cancelled)} AS IsCancelled,
                CASE WHEN EXISTS (
                    SELECT 1 FROM incident_events b
                    WHERE b.incident_id = i.id AND b.type = '{IncidentEventTypes.SlaBreached}' AND b.at < @To
                      AND (({d.JsonText("b.payload", "$.clock")} = '{ContactClock}' AND (i.contacted_at IS NULL OR i.contacted_at >= @To))
                        OR ({d.JsonText("b.payload", "$.clock")} = '{ArrivalClock}' AND (i.on_scene_at IS NULL OR i.on_scene_at >= @To))))
                    THEN 1 ELSE 0 END AS Breached,
                CASE WHEN i.contact_ms IS NOT NULL OR (i.contact_breaches > 0 AND i.status <> @Cancelled) THEN 1 ELSE 0 END AS ContactDecided,
                CASE WHEN i.contact_ms < CAST(i.contact_target_s AS bigint) * 1000 THEN 1 ELSE 0 END AS ContactInTime,
                CASE WHEN i.arrival_ms IS NOT NULL OR (i.arrival_breaches > 0 AND i.status <> @Cancelled) THEN 1 ELSE 0 END AS ArrivalDecided,
                CASE WHEN i.arrival_ms < CAST(i.arrival_target_s AS bigint) * 1000 THEN 1 ELSE 0 END AS ArrivalInTime,
                CASE WHEN i.dispatched_at IS NULL OR i.arrival_ms < CAST(i.arrival_target_s AS bigint) * 1000 THEN 1 ELSE 0 END AS ArrivalOk
            FROM incidents i
            WHERE {InRange} AND {level.Scope}
        ) f
        GROUP BY f.Node
        """;

    private static string Ended(string type) => $"""
        CASE WHEN EXISTS (
                    SELECT 1 FROM incident_events t
                    WHERE t.incident_id = i.id AND t.type = '{type}' AND t.at < @To
                      AND NOT EXISTS (
                          SELECT 1 FROM incident_events r
                          WHERE r.incident_id = i.id AND r.seq > t.seq AND r.at < @To
                            AND r.type IN ('{IncidentEventTypes.Closed}', '{IncidentEventTypes.Cancelled}', '{IncidentEventTypes.Reopened}')))
                    THEN 1 ELSE 0 END
        """;

    internal static string PercentilesUnderCitySql(SqlDialect d) => PercentilesSql(d, Levels[0]);

    internal static string PercentilesUnderDistrictSql(SqlDialect d) => PercentilesSql(d, Levels[1]);

    internal static string PercentilesOfTownshipSql(SqlDialect d) => PercentilesSql(d, Levels[2]);

    /// <summary>Rows at the p50 and p90 nearest ranks of each stopped clock: per child (Parent = 0) and over the parent (Parent = 1).</summary>
    private static string PercentilesSql(SqlDialect d, Level level)
    {
        _ = d; // The same text on both providers; the dialect parameter lets the T-SQL parsing test find it.
        string Ranked(string clock, string column, bool parent) => $"""
            SELECT '{clock}' AS Clock, {(parent ? 1 : 0)} AS Parent, {(parent ? "''" : level.Key)} AS Node, {column} AS Ms,
                   ROW_NUMBER() OVER ({(parent ? "" : $"PARTITION BY {level.Key} ")}ORDER BY {column}) AS Rn,
                   COUNT(*) OVER ({(parent ? "" : $"PARTITION BY {level.Key}")}) AS N
            FROM incidents i
            WHERE {InRange} AND {level.Scope} AND {column} IS NOT NULL
            """;

        return $"""
            SELECT p.Clock AS Clock, p.Parent AS Parent, p.Node AS Node, p.Ms AS Ms, p.Rn AS Rn, p.N AS N
            FROM (
                {Ranked(ContactClock, "i.contact_ms", parent: false)}
                UNION ALL
                {Ranked(ContactClock, "i.contact_ms", parent: true)}
                UNION ALL
                {Ranked(ArrivalClock, "i.arrival_ms", parent: false)}
                UNION ALL
                {Ranked(ArrivalClock, "i.arrival_ms", parent: true)}
            ) p
            WHERE p.Rn = (p.N * 50 + 99) / 100 OR p.Rn = (p.N * 90 + 99) / 100
            """;
    }

    private static Task<IEnumerable<T>> Query<T>(DbConnection connection, string sql, object args, CancellationToken ct) =>
        connection.QueryAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct));

    private sealed class NodeRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public int Level { get; set; }
    }

    private sealed class NodeCount
    {
        public string? Node { get; set; }
        public long N { get; set; }
    }

    private sealed class NodeCategory
    {
        public string? Node { get; set; }
        public string Category { get; set; } = "";
    }

    private sealed class CountsRow
    {
        public string? Node { get; set; }
        public long Reports { get; set; }
        public long Cancelled { get; set; }
        public long Closed { get; set; }
        public long ClosedOnTime { get; set; }
        public long OpenCount { get; set; }
        public long Overdue { get; set; }
        public long ContactDecided { get; set; }
        public long ContactInTime { get; set; }
        public long ArrivalDecided { get; set; }
        public long ArrivalInTime { get; set; }
    }

    private sealed class PercentileRow
    {
        public string Clock { get; set; } = "";
        public long Parent { get; set; }
        public string? Node { get; set; }
        public long Ms { get; set; }
        public long Rn { get; set; }
        public long N { get; set; }
    }
}
