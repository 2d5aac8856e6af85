using System.Data.Common;
using System.Globalization;
using Dapper;
using Dashboard.Core.Accounts;
using Dashboard.Core.Demo;
using Dashboard.Core.Metrics;
using Dashboard.Core.Officers;
using Dashboard.Data.Accounts;

namespace Dashboard.Data.Demo;

/// <summary>What <see cref="HistoryGenerator"/> wrote.</summary>
public sealed record HistoryResult(int Incidents, int Events, int Tasks, int PatrolDays);

/// <summary>
/// Writes past days of plausible activity for the demo city straight into the database: incidents reported by grid captains with
/// day/night rates and hot spots, full lifecycles through the event log (contact, dispatch, accept, arrival, resolve, close, with
/// some breaches, escalations, reassignments, reopenings and cancellations), the incidents' clock columns and tasks consistent
/// with those events, and officers' patrol days. Deterministic for a seed. Used by the demo back-fill and the metrics bench.
/// </summary>
/// <remarks>
/// Each incident is played through <see cref="Dashboard.Core.Dispatch.IncidentLifecycle"/> in memory (see
/// <see cref="HistorySimulation"/>), so rows, tasks and event payloads are what the production commands store. Each local day is
/// written in one transaction with reused parameterised commands: ids continue after the highest existing ones (read under the
/// write lock: SQLite's single writer, SQL Server table locks), seqs are handed out in time order after the last one, and
/// SQL Server's event_sequence is moved past them. Grid captains without an account get one (no password: it cannot sign in),
/// since incidents.reported_by names a user.
/// </remarks>
public sealed class HistoryGenerator(DbConnectionFactory db)
{
    internal const string UsersSql = """
        SELECT id AS Id, user_name AS UserName, display_name AS DisplayName, role AS Role, scope_code AS ScopeCode, officer_id AS OfficerId
        FROM users ORDER BY id
        """;

    internal const string ActiveCategoriesSql = "SELECT code AS Code, name AS Name FROM categories WHERE active = 1 ORDER BY sort_order, code";

    internal const string InsertIncidentSql = """
        INSERT INTO incidents (id, code, client_id, category_code, description, lat, lon, grid_code, township_code, district_code,
                               owner_code, status, reported_at, occurred_at, reported_by, reporter_name, photo_count, last_seq,
                               contact_target_s, arrival_target_s, contacted_at, dispatched_at, on_scene_at, resolved_at, closed_at,
                               paused_at, contact_paused_ms, arrival_paused_ms, contact_ms, arrival_ms, contact_breaches, arrival_breaches,
                               escalations, task_id, assignee_officer_id, assignee_name)
        VALUES (@Id, @Code, @ClientId, @CategoryCode, @Description, @Lat, @Lon, @GridCode, @TownshipCode, @DistrictCode,
                @OwnerCode, @Status, @ReportedAt, @OccurredAt, @ReportedBy, @ReporterName, @PhotoCount, @LastSeq,
                @ContactTargetS, @ArrivalTargetS, @ContactedAt, @DispatchedAt, @OnSceneAt, @ResolvedAt, @ClosedAt,
                @PausedAt, @ContactPausedMs, @ArrivalPausedMs, @ContactMs, @ArrivalMs, @ContactBreaches, @ArrivalBreaches,
                @Escalations, NULL, @AssigneeOfficerId, @AssigneeName)
        """;

    internal const string InsertTaskSql = """
        INSERT INTO tasks (id, incident_id, assignee_kind, officer_id, captain_code, assignee_name, status, dispatched_at, dispatched_by,
                           accepted_at, arrived_at, arrival_auto, arrival_distance_m, arrival_flagged, resolved_at, resolution_note,
                           ended_at, end_reason)
        VALUES (@Id, @IncidentId, @AssigneeKind, @OfficerId, @CaptainCode, @AssigneeName, @Status, @DispatchedAt, @DispatchedBy,
                @AcceptedAt, @ArrivedAt, @ArrivalAuto, @ArrivalDistanceM, @ArrivalFlagged, @ResolvedAt, @ResolutionNote,
                @EndedAt, @EndReason)
        """;

    // The incident's current task, set once its tasks exist (incidents and tasks reference each other).
    internal const string SetIncidentTaskSql = "UPDATE incidents SET task_id = @TaskId WHERE id = @Id";

    internal const string InsertEventSql = """
        INSERT INTO incident_events (seq, incident_id, task_id, type, actor, at, payload)
        VALUES (@Seq, @IncidentId, @TaskId, @Type, @Actor, @At, @Payload)
        """;

    internal const string InsertPatrolDaySql = """
        INSERT INTO officer_patrol_days (officer_id, day, distance_m, fixes)
        SELECT @OfficerId, @Day, @DistanceM, @Fixes
        WHERE NOT EXISTS (SELECT 1 FROM officer_patrol_days p WHERE p.officer_id = @OfficerId AND p.day = @Day)
        """;

    internal const string AdvanceEventSequenceSql = "UPDATE event_sequence SET value = @Seq WHERE id = 1 AND value < @Seq";

    /// <summary>The highest incident id, task id and seq ever handed out, read under the write lock of the day's transaction.</summary>
    internal static string LastIdsSql(SqlDialect d) => d.Provider == DatabaseProvider.SqlServer
        ? """
          SELECT
              (SELECT COALESCE(MAX(id), 0) FROM incidents WITH (TABLOCKX, HOLDLOCK)) AS Incident,
              (SELECT COALESCE(MAX(id), 0) FROM tasks WITH (TABLOCKX, HOLDLOCK)) AS Task,
              (SELECT value FROM event_sequence WITH (UPDLOCK, HOLDLOCK) WHERE id = 1) AS Seq
          """
        : """
          SELECT
              MAX(COALESCE((SELECT MAX(id) FROM incidents), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'incidents'), 0)) AS Incident,
              MAX(COALESCE((SELECT MAX(id) FROM tasks), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'tasks'), 0)) AS Task,
              MAX(COALESCE((SELECT MAX(seq) FROM incident_events), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'incident_events'), 0)) AS Seq
          """;

    // SQL Server takes explicit values for identity columns only between these (one table at a time); SQLite needs nothing.
    internal static string IncidentIdsOnSql(SqlDialect d) => IdentityInsert(d, "incidents", on: true);

    internal static string IncidentIdsOffSql(SqlDialect d) => IdentityInsert(d, "incidents", on: false);

    internal static string TaskIdsOnSql(SqlDialect d) => IdentityInsert(d, "tasks", on: true);

    internal static string TaskIdsOffSql(SqlDialect d) => IdentityInsert(d, "tasks", on: false);

    /// <summary>Generates local days [firstDay, lastDay] (Asia/Shanghai) at about <paramref name="reportsPerDay"/> reports per day over the city.</summary>
    public async Task<HistoryResult> GenerateAsync(DemoCity city, DateOnly firstDay, DateOnly lastDay, int reportsPerDay, int seed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(city);
        ArgumentOutOfRangeException.ThrowIfNegative(reportsPerDay);
        if (lastDay < firstDay)
        {
            throw new ArgumentException("The last day cannot be before the first day.", nameof(lastDay));
        }

        var zone = MetricRange.Shanghai;
        var dialect = db.Dialect;
        var sqlite = dialect.Provider == DatabaseProvider.Sqlite;
        await using var connection = await db.OpenAsync(ct);
        var categories = (await connection.QueryAsync<CategoryRow>(new CommandDefinition(ActiveCategoriesSql, cancellationToken: ct)))
            .Select(c => (c.Code, c.Name)).ToList();
        var reporters = await ReportersAsync(connection, dialect, city, StartOfDay(firstDay), ct);
        var users = (await connection.QueryAsync<UserRow>(new CommandDefinition(UsersSql, cancellationToken: ct))).ToList();
        var operators = users.Where(u => u.Role == Roles.Operator).GroupBy(u => u.ScopeCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().UserName, StringComparer.Ordinal);
        var officerUsers = users.Where(u => u.OfficerId is not null).GroupBy(u => u.OfficerId!.Value).ToDictionary(g => g.Key, g => g.First().UserName);

        var rng = new Random(seed);
        var simulation = new HistorySimulation(
            rng,
            city,
            categories,
            reporters,
            code => operators.GetValueOrDefault(code) ?? "op-" + code,
            officer => officerUsers.GetValueOrDefault(officer.Id) ?? officer.Code);
        var horizon = StartOfDay(lastDay.AddDays(1));
        int incidents = 0, events = 0, tasks = 0, patrolDays = 0;
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            ct.ThrowIfCancellationRequested();
            var played = simulation.Day(day, StartOfDay(day), horizon, reportsPerDay);
            var patrols = Patrols(rng, city.Officers, day);
            var written = await WriteDayAsync(connection, dialect, sqlite, day, played, patrols, ct);
            incidents += played.Count;
            events += written.Events;
            tasks += written.Tasks;
            patrolDays += written.PatrolDays;
        }

        return new HistoryResult(incidents, events, tasks, patrolDays);

        DateTimeOffset StartOfDay(DateOnly d) => MetricRange.StartOfDay(d, zone);
    }

    /// <summary>Distance and fix count of each on-duty officer's day: 20–60 km, more by car, less on foot; a fix every 5–10 s over ~8 h.</summary>
    private static List<(int OfficerId, double Meters, int Fixes)> Patrols(Random rng, IReadOnlyList<Officer> officers, DateOnly day)
    {
        var rows = new List<(int, double, int)>();
        foreach (var officer in officers.OrderBy(o => o.Id))
        {
            if (!HistorySimulation.OnDuty(officer.Id, day))
            {
                continue;
            }

            var (min, max) = officer.Mode switch
            {
                TravelMode.Car => (35_000, 60_000),
                TravelMode.Foot => (20_000, 30_000),
                _ => (25_000, 50_000),
            };
            var meters = Math.Round(min + ((max - min) * rng.NextDouble()), 1);
            rows.Add((officer.Id, meters, rng.Next(2_800, 5_800)));
        }

        return rows;
    }

    private static async Task<(int Events, int Tasks, int PatrolDays)> WriteDayAsync(
        DbConnection connection,
        SqlDialect dialect,
        bool sqlite,
        DateOnly day,
        List<HistorySimulation.SimIncident> played,
        List<(int OfficerId, double Meters, int Fixes)> patrols,
        CancellationToken ct)
    {
        // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is held from here, so the ids read next stay free.
        await using var tx = await connection.BeginTransactionAsync(ct);
        var last = await connection.QuerySingleAsync<LastIds>(new CommandDefinition(LastIdsSql(dialect), transaction: tx, cancellationToken: ct));

        // Seqs in time order over the day (ties in decision order), as the live system would have committed them.
        var ordered = played.SelectMany(p => p.Events).OrderBy(e => e.At).ThenBy(e => e.Order).ToList();
        var seqOf = new Dictionary<HistorySimulation.SimEvent, long>(ordered.Count, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < ordered.Count; i++)
        {
            seqOf[ordered[i]] = last.Seq + i + 1;
        }

        var taskCount = played.Sum(p => p.Tasks.Count);
        var taskBase = last.Task;

        // Task ids are local to the day and numbered in play order: shift them past the last one.
        var prefix = "SJ" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "-";
        await ExecuteAsync(IncidentIdsOnSql(dialect));
        await using (var insert = new RowWriter(connection, tx, sqlite, InsertIncidentSql))
        {
            foreach (var p in played)
            {
                var r = p.Row;
                var id = last.Incident + r.Id;
                var lastSeq = p.Events.Count == 0 ? 0 : p.Events.Max(e => seqOf[e]);
                await insert.RunAsync(
                    ct,
                    ("Id", id), ("Code", prefix + id.ToString("D6", CultureInfo.InvariantCulture)), ("ClientId", "hist-" + id.ToString(CultureInfo.InvariantCulture)),
                    ("CategoryCode", r.CategoryCode), ("Description", r.Description), ("Lat", r.Latitude), ("Lon", r.Longitude), ("GridCode", r.GridCode),
                    ("TownshipCode", r.TownshipCode), ("DistrictCode", r.DistrictCode), ("OwnerCode", r.OwnerCode), ("Status", (int)r.Status),
                    ("ReportedAt", r.ReportedAt), ("OccurredAt", r.OccurredAt), ("ReportedBy", r.ReportedBy), ("ReporterName", r.ReporterName),
                    ("PhotoCount", r.PhotoCount), ("LastSeq", lastSeq), ("ContactTargetS", r.ContactTargetSeconds), ("ArrivalTargetS", r.ArrivalTargetSeconds),
                    ("ContactedAt", r.ContactedAt), ("DispatchedAt", r.DispatchedAt), ("OnSceneAt", r.OnSceneAt), ("ResolvedAt", r.ResolvedAt),
                    ("ClosedAt", r.ClosedAt), ("PausedAt", r.PausedAt), ("ContactPausedMs", Ms(r.ContactPaused)), ("ArrivalPausedMs", Ms(r.ArrivalPaused)),
                    ("ContactMs", Dispatch.DispatchRepository.ElapsedMs(r.ReportedAt, r.ContactedAt, r.ContactPaused)),
                    ("ArrivalMs", Dispatch.DispatchRepository.ElapsedMs(r.DispatchedAt, r.OnSceneAt, r.ArrivalPaused)),
                    ("ContactBreaches", r.ContactBreaches), ("ArrivalBreaches", r.ArrivalBreaches), ("Escalations", r.Escalations),
                    ("AssigneeOfficerId", r.AssigneeOfficerId), ("AssigneeName", r.AssigneeName));
            }
        }

        await ExecuteAsync(IncidentIdsOffSql(dialect));
        await ExecuteAsync(TaskIdsOnSql(dialect));
        await using (var insert = new RowWriter(connection, tx, sqlite, InsertTaskSql))
        {
            foreach (var p in played)
            {
                foreach (var t in p.Tasks)
                {
                    await insert.RunAsync(
                        ct,
                        ("Id", taskBase + t.Id), ("IncidentId", last.Incident + t.IncidentId), ("AssigneeKind", (int)t.Assignee.Kind),
                        ("OfficerId", t.Assignee.OfficerId), ("CaptainCode", t.Assignee.CaptainCode), ("AssigneeName", t.Assignee.Name),
                        ("Status", (int)t.Status), ("DispatchedAt", t.DispatchedAt), ("DispatchedBy", t.DispatchedBy), ("AcceptedAt", t.AcceptedAt),
                        ("ArrivedAt", t.ArrivedAt), ("ArrivalAuto", t.ArrivalAuto), ("ArrivalDistanceM", t.ArrivalDistanceMeters),
                        ("ArrivalFlagged", t.ArrivalFlagged), ("ResolvedAt", t.ResolvedAt), ("ResolutionNote", t.ResolutionNote),
                        ("EndedAt", t.EndedAt), ("EndReason", t.EndReason));
                }
            }
        }

        await ExecuteAsync(TaskIdsOffSql(dialect));
        await using (var update = new RowWriter(connection, tx, sqlite, SetIncidentTaskSql))
        {
            foreach (var p in played.Where(p => p.Row.TaskId is not null))
            {
                await update.RunAsync(ct, ("TaskId", taskBase + p.Row.TaskId!.Value), ("Id", last.Incident + p.Row.Id));
            }
        }

        await using (var insert = new RowWriter(connection, tx, sqlite, InsertEventSql))
        {
            foreach (var e in ordered)
            {
                await insert.RunAsync(
                    ct,
                    ("Seq", seqOf[e]), ("IncidentId", last.Incident + e.IncidentId), ("TaskId", e.TaskId is { } t ? taskBase + t : null),
                    ("Type", e.Type), ("Actor", e.Actor), ("At", e.At), ("Payload", e.Payload));
            }
        }

        if (!sqlite && ordered.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(AdvanceEventSequenceSql, new { Seq = last.Seq + ordered.Count }, tx, cancellationToken: ct));
        }

        var patrolDays = 0;
        await using (var insert = new RowWriter(connection, tx, sqlite, InsertPatrolDaySql))
        {
            foreach (var (officerId, meters, fixes) in patrols)
            {
                patrolDays += await insert.RunAsync(ct, ("OfficerId", officerId), ("Day", day), ("DistanceM", meters), ("Fixes", fixes));
            }
        }

        await tx.CommitAsync(ct);
        return (ordered.Count, taskCount, patrolDays);

        async Task ExecuteAsync(string sql)
        {
            if (!string.IsNullOrEmpty(sql))
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: tx, cancellationToken: ct));
            }
        }

        static long Ms(TimeSpan t) => t.Ticks / TimeSpan.TicksPerMillisecond;
    }

    /// <summary>The account each grid captain reports with: an existing GridCaptain user of the grid, else a new one without a password.</summary>
    private static async Task<Dictionary<string, HistorySimulation.Reporter>> ReportersAsync(
        DbConnection connection, SqlDialect dialect, DemoCity city, DateTimeOffset createdAt, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        var users = (await connection.QueryAsync<UserRow>(new CommandDefinition(UsersSql, transaction: tx, cancellationToken: ct))).ToList();
        var byGrid = users.Where(u => u.Role == Roles.GridCaptain).GroupBy(u => u.ScopeCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var names = users.Select(u => u.UserName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var reporters = new Dictionary<string, HistorySimulation.Reporter>(StringComparer.Ordinal);
        foreach (var captain in city.GridCaptains)
        {
            if (!byGrid.TryGetValue(captain.GridCode, out var user))
            {
                var userName = "gc-" + captain.Code;
                for (var n = 2; names.Contains(userName); n++)
                {
                    userName = "gc-" + captain.Code + "-" + n.ToString(CultureInfo.InvariantCulture);
                }

                var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(UserRepository.InsertSql(dialect), new
                {
                    UserName = userName,
                    DisplayName = captain.Name,
                    PasswordHash = "",
                    Role = Roles.GridCaptain,
                    ScopeCode = captain.GridCode,
                    OfficerId = (int?)null,
                    FailedSignIns = 0,
                    LockoutEnd = (DateTimeOffset?)null,
                    CreatedAt = createdAt,
                }, tx, cancellationToken: ct));
                names.Add(userName);
                user = new UserRow { Id = id, UserName = userName, DisplayName = captain.Name, Role = Roles.GridCaptain, ScopeCode = captain.GridCode };
                byGrid[captain.GridCode] = user;
            }

            reporters[captain.Code] = new HistorySimulation.Reporter(user.Id, user.UserName, user.DisplayName);
        }

        await tx.CommitAsync(ct);
        return reporters;
    }

    private static string IdentityInsert(SqlDialect d, string table, bool on) =>
        d.Provider == DatabaseProvider.SqlServer ? $"SET IDENTITY_INSERT {table} {(on ? "ON" : "OFF")}" : "";

    /// <summary>One parameterised command run once per row inside the transaction; values are bound as the Dapper handlers would.</summary>
    private sealed class RowWriter : IAsyncDisposable
    {
        private readonly DbCommand _command;
        private readonly bool _sqlite;
        private readonly Dictionary<string, DbParameter> _parameters = new(StringComparer.Ordinal);

        public RowWriter(DbConnection connection, DbTransaction tx, bool sqlite, string sql)
        {
            _command = connection.CreateCommand();
            _command.Transaction = tx;
            _command.CommandText = sql;
            _sqlite = sqlite;
        }

        public Task<int> RunAsync(CancellationToken ct, params (string Name, object? Value)[] values)
        {
            foreach (var (name, value) in values)
            {
                if (!_parameters.TryGetValue(name, out var parameter))
                {
                    parameter = _command.CreateParameter();
                    parameter.ParameterName = "@" + name;
                    _command.Parameters.Add(parameter);
                    _parameters[name] = parameter;
                }

                parameter.Value = value switch
                {
                    null => DBNull.Value,
                    DateTimeOffset at when _sqlite => DateTimeOffsetTypeHandler.ToText(at),
                    DateOnly d when _sqlite => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    DateOnly d => d.ToDateTime(TimeOnly.MinValue),
                    bool b when _sqlite => b ? 1 : 0,
                    _ => value,
                };
            }

            return _command.ExecuteNonQueryAsync(ct);
        }

        public ValueTask DisposeAsync() => _command.DisposeAsync();
    }

    private sealed class LastIds
    {
        public long Incident { get; set; }
        public long Task { get; set; }
        public long Seq { get; set; }
    }

    private sealed class CategoryRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
    }

    private sealed class UserRow
    {
        public long Id { get; set; }
        public string UserName { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string Role { get; set; } = "";
        public string ScopeCode { get; set; } = "";
        public int? OfficerId { get; set; }
    }
}
