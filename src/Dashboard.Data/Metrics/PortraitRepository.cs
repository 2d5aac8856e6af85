using System.Data.Common;
using System.Globalization;
using Dapper;
using Dashboard.Core.Incidents;
using Dashboard.Core.Metrics;

namespace Dashboard.Data.Metrics;

/// <summary>
/// Reads what <see cref="PortraitCalculator"/> needs for one subject: the subject and its peers (same parent), the roster under
/// the parent, the officer tasks dispatched in the range with their incidents' state at the range end (from incident_events),
/// the patrol days and the active categories; then builds the report.
/// Five statements whatever the range, each scoped to the parent (a team for officers, a township for teams, a district for
/// townships): peers, roster, task facts (ix_tasks_dispatched_at for the range; the incident's Closed/Cancelled/Reopened events by
/// ix_incident_events_incident_id_type_at), patrol days (primary key / ix_officer_patrol_days_day) and active categories. The
/// statements share no snapshot: a write landing between them can make one figure newer than another by that write.
/// </summary>
public sealed class PortraitRepository
{
    internal const string OfficerPeersSql = """
        SELECT CAST(o.id AS varchar(20)) AS Id, o.name AS Name, t.code AS ParentCode, t.name AS ParentName
        FROM officers o JOIN teams t ON t.code = o.team_code
        WHERE o.team_code = (SELECT s.team_code FROM officers s WHERE s.id = @OfficerId)
        ORDER BY o.id
        """;

    internal const string TeamPeersSql = """
        SELECT t.code AS Id, t.name AS Name, j.code AS ParentCode, j.name AS ParentName
        FROM teams t JOIN jurisdictions j ON j.code = t.township_code
        WHERE t.township_code = (SELECT s.township_code FROM teams s WHERE s.code = @Id)
        ORDER BY t.code
        """;

    internal const string TownshipPeersSql = """
        SELECT w.code AS Id, w.name AS Name, d.code AS ParentCode, d.name AS ParentName
        FROM jurisdictions w JOIN jurisdictions d ON d.code = w.parent_code
        WHERE w.level = 2 AND w.parent_code = (SELECT s.parent_code FROM jurisdictions s WHERE s.code = @Id AND s.level = 2)
        ORDER BY w.code
        """;

    // The officers under the parent, as a predicate on officers o (level 2 is JurisdictionLevel.Township).
    private const string UnderTeam = "o.team_code = @Parent";
    private const string UnderTownship = "o.team_code IN (SELECT pt.code FROM teams pt WHERE pt.township_code = @Parent)";
    private const string UnderDistrict = "o.township_code IN (SELECT pw.code FROM jurisdictions pw WHERE pw.parent_code = @Parent AND pw.level = 2)";

    private const string RosterHead = "SELECT o.id AS OfficerId, o.name AS Name, o.team_code AS TeamCode, o.township_code AS TownshipCode FROM officers o WHERE ";

    internal const string RosterOfTeamSql = RosterHead + UnderTeam;
    internal const string RosterOfTownshipSql = RosterHead + UnderTownship;
    internal const string RosterOfDistrictSql = RosterHead + UnderDistrict;

    // Closed at to: a Closed event before to with no Closed/Cancelled/Reopened event after it (by seq) before to.
    // Reopened after resolve: a Reopened event after the task's resolved_at and before to.
    private static readonly string FactsHead = $"""
        SELECT t.id AS TaskId, t.officer_id AS OfficerId, t.incident_id AS IncidentId, i.category_code AS Category,
            i.arrival_target_s AS ArrivalTargetSeconds, t.dispatched_at AS DispatchedAt, t.accepted_at AS AcceptedAt,
            t.arrived_at AS ArrivedAt, t.resolved_at AS ResolvedAt, t.ended_at AS EndedAt,
            {MetricsRepository.EndedAtTo(IncidentEventTypes.Closed, "t.incident_id")} AS IncidentClosedAtTo,
            CASE WHEN t.resolved_at IS NOT NULL AND EXISTS (
                SELECT 1 FROM incident_events x
                WHERE x.incident_id = t.incident_id AND x.type = '{IncidentEventTypes.Reopened}' AND x.at > t.resolved_at AND x.at < @To)
                THEN 1 ELSE 0 END AS ReopenedAfterResolve
        FROM tasks t
        JOIN officers o ON o.id = t.officer_id
        JOIN incidents i ON i.id = t.incident_id
        WHERE t.dispatched_at >= @From AND t.dispatched_at < @To AND t.officer_id IS NOT NULL AND
        """;

    // Methods, not constants: the closed-at-to test is shared with MetricsRepository; the T-SQL parsing test calls them by convention.
    internal static string FactsOfTeamSql(SqlDialect d) => Facts(d, UnderTeam);

    internal static string FactsOfTownshipSql(SqlDialect d) => Facts(d, UnderTownship);

    internal static string FactsOfDistrictSql(SqlDialect d) => Facts(d, UnderDistrict);

    private static string Facts(SqlDialect d, string under)
    {
        _ = d; // The same text on both providers.
        return FactsHead + " " + under;
    }

    private const string PatrolHead = """
        SELECT p.officer_id AS OfficerId, p.day AS Day, p.distance_m AS DistanceMeters
        FROM officer_patrol_days p JOIN officers o ON o.id = p.officer_id
        WHERE p.day >= @FirstDay AND p.day <= @LastDay AND
        """;

    internal const string PatrolOfTeamSql = PatrolHead + " " + UnderTeam;
    internal const string PatrolOfTownshipSql = PatrolHead + " " + UnderTownship;
    internal const string PatrolOfDistrictSql = PatrolHead + " " + UnderDistrict;

    internal const string ActiveCategoryCodesSql = "SELECT code FROM categories WHERE active = 1";

    private sealed record Kind(string Peers, string Roster, string FactsUnder, string Patrol);

    private static readonly Kind[] Kinds =
    [
        new(OfficerPeersSql, RosterOfTeamSql, UnderTeam, PatrolOfTeamSql),
        new(TeamPeersSql, RosterOfTownshipSql, UnderTownship, PatrolOfTownshipSql),
        new(TownshipPeersSql, RosterOfDistrictSql, UnderDistrict, PatrolOfDistrictSql),
    ];

    private readonly DbConnectionFactory _db;
    private readonly TimeProvider _time;

    public PortraitRepository(DbConnectionFactory db)
        : this(db, TimeProvider.System)
    {
    }

    /// <param name="time">The reading time: a task still active is judged at the earlier of the range end and now.</param>
    public PortraitRepository(DbConnectionFactory db, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(time);
        _db = db;
        _time = time;
    }

    /// <summary>The report, or null when no subject of that kind has that id (officer id as text, team code, township code).</summary>
    public async Task<PortraitReport?> LoadAsync(PortraitKind kind, string id, MetricRange range, TrendBucket bucket, TimeZoneInfo zone, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(zone);
        if (kind is not (PortraitKind.Officer or PortraitKind.Team or PortraitKind.Township))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown portrait kind.");
        }

        var officerId = 0;
        if (kind == PortraitKind.Officer && !int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out officerId))
        {
            return null;
        }

        var sql = Kinds[(int)kind];
        var now = _time.GetUtcNow();
        await using var connection = await _db.OpenAsync(ct);
        var peerRows = (await Query<PeerRow>(connection, sql.Peers, new { Id = id, OfficerId = officerId }, ct)).ToList();
        // An officer's id is compared as the number it is ("007" is officer 7).
        var subjectId = kind == PortraitKind.Officer ? officerId.ToString(CultureInfo.InvariantCulture) : id;
        if (!peerRows.Any(p => string.Equals(p.Id, subjectId, StringComparison.Ordinal)))
        {
            return null;
        }

        var parent = peerRows[0].ParentCode;
        var (first, last) = PortraitCalculator.LocalDays(range, zone);
        var roster = (await Query<RosterRow>(connection, sql.Roster, new { Parent = parent }, ct))
            .Select(r => new RosterOfficer(r.OfficerId, r.Name, r.TeamCode, r.TownshipCode)).ToList();
        var facts = (await Query<FactRow>(connection, Facts(_db.Dialect, sql.FactsUnder), new { Parent = parent, range.From, range.To }, ct)).Select(r => r.ToFact()).ToList();
        var patrolArgs = new DynamicParameters(new { Parent = parent });
        PatrolDays.AddDay(patrolArgs, "FirstDay", first, _db.Dialect);
        PatrolDays.AddDay(patrolArgs, "LastDay", last, _db.Dialect);
        var patrol = (await Query<PatrolRow>(connection, sql.Patrol, patrolArgs, ct))
            .Select(r => new PatrolDay(r.OfficerId, PatrolDays.ReadDay(r.Day), r.DistanceMeters)).ToList();
        var active = (await Query<string>(connection, ActiveCategoryCodesSql, null, ct)).ToHashSet(StringComparer.Ordinal);

        var officersOf = roster
            .GroupBy(o => kind switch
            {
                PortraitKind.Officer => o.OfficerId.ToString(CultureInfo.InvariantCulture),
                PortraitKind.Team => o.TeamCode,
                _ => o.TownshipCode,
            }, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var peers = peerRows
            .Select(p => new PortraitSubject(kind, p.Id, p.Name, p.ParentCode, p.ParentName, officersOf.GetValueOrDefault(p.Id)))
            .ToList();
        return PortraitCalculator.Build(kind, subjectId, peers, roster, facts, patrol, active, range, bucket, zone, now);
    }

    /// <summary>Adds distance and fixes to officers' local days (upsert), in one transaction. Used by the position writer and the history generator.</summary>
    public async Task AddPatrolAsync(IReadOnlyList<PatrolDayIncrement> increments, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(increments);
        var steps = new List<PatrolStep>(increments.Count);
        foreach (var increment in increments)
        {
            ArgumentNullException.ThrowIfNull(increment, nameof(increments));
            if (!(increment.DistanceMeters >= 0) || double.IsInfinity(increment.DistanceMeters) || increment.Fixes < 0)
            {
                throw new ArgumentException("Patrol increments add a finite non-negative distance and a non-negative number of fixes.", nameof(increments));
            }

            steps.Add(new PatrolStep(increment.OfficerId, increment.Day, increment.DistanceMeters, increment.Fixes));
        }

        if (steps.Count == 0)
        {
            return;
        }

        await using var connection = await _db.OpenAsync(ct);
        await using var turn = await _db.WriteTurnAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await PatrolDays.AddAsync(connection, tx, steps, ct);
        await tx.CommitAsync(ct);
    }

    private static Task<IEnumerable<T>> Query<T>(DbConnection connection, string sql, object? args, CancellationToken ct) =>
        connection.QueryAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct));

    private sealed class PeerRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string ParentCode { get; set; } = "";
        public string ParentName { get; set; } = "";
    }

    private sealed class RosterRow
    {
        public int OfficerId { get; set; }
        public string Name { get; set; } = "";
        public string TeamCode { get; set; } = "";
        public string TownshipCode { get; set; } = "";
    }

    private sealed class PatrolRow
    {
        public int OfficerId { get; set; }
        public object Day { get; set; } = "";
        public double DistanceMeters { get; set; }
    }

    private sealed class FactRow
    {
        public long TaskId { get; set; }
        public int OfficerId { get; set; }
        public long IncidentId { get; set; }
        public string Category { get; set; } = "";
        public int ArrivalTargetSeconds { get; set; }
        public DateTimeOffset DispatchedAt { get; set; }
        public DateTimeOffset? AcceptedAt { get; set; }
        public DateTimeOffset? ArrivedAt { get; set; }
        public DateTimeOffset? ResolvedAt { get; set; }
        public DateTimeOffset? EndedAt { get; set; }
        public long IncidentClosedAtTo { get; set; }
        public long ReopenedAfterResolve { get; set; }

        public TaskFact ToFact() => new(
            TaskId, OfficerId, IncidentId, Category, ArrivalTargetSeconds, DispatchedAt, AcceptedAt, ArrivedAt, ResolvedAt, EndedAt,
            IncidentClosedAtTo != 0, ReopenedAfterResolve != 0);
    }
}

/// <summary>Distance and fix count to add to one officer's local day.</summary>
public sealed record PatrolDayIncrement(int OfficerId, DateOnly Day, double DistanceMeters, int Fixes);
