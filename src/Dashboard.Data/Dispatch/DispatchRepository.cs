using System.Data.Common;
using System.Text.Json;
using Dapper;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Data.Incidents;
using static Dashboard.Data.Incidents.IncidentRepository;

namespace Dashboard.Data.Dispatch;

/// <summary>A stored change: the incident's new row, the tasks written (with their ids) and the events appended (with their seqs).</summary>
public sealed record CommandResult(Incident Incident, IReadOnlyList<DispatchTask> Tasks, IReadOnlyList<IncidentEvent> Events);

/// <summary>Exactly one of Result, Rejection is set, or NotFound is true.</summary>
public sealed record CommandOutcome(CommandResult? Result, Rejection? Rejection, bool NotFound = false);

/// <summary>Contact and arrival compliance over incidents reported in a range: clocks decided (stopped, or already breached) and those in time.</summary>
public sealed record ComplianceCounts(int ContactDecided, int ContactInTime, int ArrivalDecided, int ArrivalInTime);

/// <summary>Dispatch tasks and every state change of an incident after its report, each in one transaction.</summary>
public sealed class DispatchRepository
{
    /// <summary>The actor recorded on events of the overload without one (SLA monitor, housekeeping).</summary>
    public const string SystemActor = "system";

    private const string TaskColumns = """
        t.id AS Id, t.incident_id AS IncidentId, t.assignee_kind AS AssigneeKind, t.officer_id AS OfficerId,
        t.captain_code AS CaptainCode, t.assignee_name AS AssigneeName, t.status AS Status, t.dispatched_at AS DispatchedAt,
        t.dispatched_by AS DispatchedBy, t.accepted_at AS AcceptedAt, t.arrived_at AS ArrivedAt, t.arrival_auto AS ArrivalAuto,
        t.arrival_distance_m AS ArrivalDistanceMeters, t.arrival_flagged AS ArrivalFlagged, t.resolved_at AS ResolvedAt,
        t.resolution_note AS ResolutionNote, t.ended_at AS EndedAt, t.end_reason AS EndReason
        """;

    // Literals, not parameters: SQL Server matches a filtered index (ux_tasks_active_incident_id) only against literal predicates.
    // Dispatched, Accepted, OnScene of DispatchTaskStatus.
    private const string ActiveStatuses = "0, 1, 2";

    internal const string FindTaskSql = "SELECT " + TaskColumns + " FROM tasks t WHERE t.id = @Id";
    internal const string TasksOfIncidentSql = "SELECT " + TaskColumns + " FROM tasks t WHERE t.incident_id = @IncidentId ORDER BY t.id";
    internal const string ActiveTasksSql = "SELECT " + TaskColumns + " FROM tasks t WHERE t.status IN (" + ActiveStatuses + ") ORDER BY t.id";
    internal const string ActiveTaskOfIncidentSql =
        "SELECT " + TaskColumns + " FROM tasks t WHERE t.incident_id = @IncidentId AND t.status IN (" + ActiveStatuses + ")";

    internal const string UpdateTaskSql = """
        UPDATE tasks
        SET status = @Status, accepted_at = @AcceptedAt, arrived_at = @ArrivedAt, arrival_auto = @ArrivalAuto,
            arrival_distance_m = @ArrivalDistanceMeters, arrival_flagged = @ArrivalFlagged, resolved_at = @ResolvedAt,
            resolution_note = @ResolutionNote, ended_at = @EndedAt, end_reason = @EndReason
        WHERE id = @Id AND incident_id = @IncidentId
        """;

    // Identity and report columns never change after the report, and the SLA targets are fixed then too.
    internal const string UpdateIncidentSql = """
        UPDATE incidents
        SET status = @Status, owner_code = @OwnerCode, photo_count = @PhotoCount,
            contacted_at = @ContactedAt, dispatched_at = @DispatchedAt, on_scene_at = @OnSceneAt, resolved_at = @ResolvedAt,
            closed_at = @ClosedAt, paused_at = @PausedAt, contact_paused_ms = @ContactPausedMs, arrival_paused_ms = @ArrivalPausedMs,
            contact_ms = @ContactMs, arrival_ms = @ArrivalMs, contact_breaches = @ContactBreaches, arrival_breaches = @ArrivalBreaches,
            escalations = @Escalations, task_id = @TaskId, assignee_officer_id = @AssigneeOfficerId, assignee_name = @AssigneeName,
            last_seq = @LastSeq
        WHERE id = @Id AND last_seq = @ExpectedLastSeq
        """;

    internal const string OpenWithRunningClocksSql = "SELECT " + Columns + " FROM incidents i"
        + " WHERE i.status NOT IN (@Closed, @Cancelled)"
        + " AND (i.contacted_at IS NULL OR (i.dispatched_at IS NOT NULL AND i.on_scene_at IS NULL))"
        + " ORDER BY i.id";

    // Decided: the clock stopped (elapsed stored), or it has already breached and can only end late; a cancelled incident's
    // running clock counts neither way. The target is widened before * 1000 so that no target can overflow an int.
    private const string ComplianceHead = """
        SELECT
            COALESCE(SUM(CASE WHEN i.contact_ms IS NOT NULL OR (i.contact_breaches > 0 AND i.status <> @Cancelled) THEN 1 ELSE 0 END), 0) AS ContactDecided,
            COALESCE(SUM(CASE WHEN i.contact_ms < CAST(i.contact_target_s AS bigint) * 1000 THEN 1 ELSE 0 END), 0) AS ContactInTime,
            COALESCE(SUM(CASE WHEN i.arrival_ms IS NOT NULL OR (i.arrival_breaches > 0 AND i.status <> @Cancelled) THEN 1 ELSE 0 END), 0) AS ArrivalDecided,
            COALESCE(SUM(CASE WHEN i.arrival_ms < CAST(i.arrival_target_s AS bigint) * 1000 THEN 1 ELSE 0 END), 0) AS ArrivalInTime
        FROM incidents i
        WHERE i.reported_at >= @From AND i.reported_at < @To AND
        """;

    internal const string ComplianceInCitySql = ComplianceHead + " " + CityScope;
    internal const string ComplianceInDistrictSql = ComplianceHead + " " + DistrictScope;
    internal const string ComplianceInTownshipSql = ComplianceHead + " " + TownshipScope;
    internal const string ComplianceInGridSql = ComplianceHead + " " + GridScope;

    private static readonly string[] ComplianceSqlByLevel = [ComplianceInCitySql, ComplianceInDistrictSql, ComplianceInTownshipSql, ComplianceInGridSql];

    private readonly DbConnectionFactory _db;
    private readonly TimeProvider _time;

    public DispatchRepository(DbConnectionFactory db)
        : this(db, TimeProvider.System)
    {
    }

    public DispatchRepository(DbConnectionFactory db, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(time);
        _db = db;
        _time = time;
    }

    /// <summary>Tests only: runs in the writing transaction just before the incident row is updated, to stand in for a concurrent writer.</summary>
    internal Func<DbConnection, DbTransaction, Task>? BeforeIncidentUpdate { get; set; }

    internal static string FindIncidentForUpdateSql(SqlDialect d) => $"SELECT {Columns} FROM incidents i {d.UpdateLockHint} WHERE i.id = @Id";

    /// <summary>The active task, else the latest one.</summary>
    internal static string CurrentTaskSql(SqlDialect d) => $"""
        SELECT {TaskColumns}
        FROM tasks t
        WHERE t.incident_id = @IncidentId
        ORDER BY CASE WHEN t.status IN ({ActiveStatuses}) THEN 0 ELSE 1 END, t.id DESC
        {d.Limit("1")}
        """;

    internal static string InsertTaskSql(SqlDialect d) => $"""
        INSERT INTO tasks (incident_id, assignee_kind, officer_id, captain_code, assignee_name, status, dispatched_at, dispatched_by,
                           accepted_at, arrived_at, arrival_auto, arrival_distance_m, arrival_flagged, resolved_at, resolution_note,
                           ended_at, end_reason)
        {d.OutputInsertedId}
        VALUES (@IncidentId, @AssigneeKind, @OfficerId, @CaptainCode, @AssigneeName, @Status, @DispatchedAt, @DispatchedBy,
                @AcceptedAt, @ArrivedAt, @ArrivalAuto, @ArrivalDistanceMeters, @ArrivalFlagged, @ResolvedAt, @ResolutionNote,
                @EndedAt, @EndReason)
        {d.ReturningId}
        """;

    internal static string TasksOfOfficerSql(SqlDialect d) => $"""
        SELECT {TaskColumns} FROM tasks t WHERE t.officer_id = @OfficerId ORDER BY t.id DESC {d.Limit("@Limit")}
        """;

    internal static string TasksOfCaptainSql(SqlDialect d) => $"""
        SELECT {TaskColumns} FROM tasks t WHERE t.captain_code = @CaptainCode ORDER BY t.id DESC {d.Limit("@Limit")}
        """;

    /// <summary>
    /// Reads the incident and its current task inside a write transaction, lets <paramref name="decide"/> judge the command, and
    /// stores the decision (incident row, tasks, events, attachments) atomically. A refusal or any failure writes nothing.
    /// Events are recorded as done by <see cref="SystemActor"/> now; commands of a person go through the overload with an actor.
    /// </summary>
    public Task<CommandOutcome> ExecuteAsync(long incidentId, Func<IncidentState, Decision> decide, IReadOnlyList<NewPhoto>? attachments = null, CancellationToken ct = default)
        => ExecuteAsync(incidentId, SystemActor, _time.GetUtcNow(), decide, attachments, ct);

    /// <summary>
    /// As the overload above; the events appended are recorded as done by <paramref name="actor"/> at <paramref name="at"/>
    /// (pass the same instant that <paramref name="decide"/> judges with).
    /// </summary>
    public async Task<CommandOutcome> ExecuteAsync(
        long incidentId,
        string actor,
        DateTimeOffset at,
        Func<IncidentState, Decision> decide,
        IReadOnlyList<NewPhoto>? attachments = null,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        ArgumentNullException.ThrowIfNull(decide);
        await using var connection = await _db.OpenAsync(ct);
        // The row lock (SQL Server) or the write lock (SQLite) makes a lost update impossible among writers using this method;
        // the last_seq check also catches any other writer, and one retry with a fresh read settles an ordinary race.
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await TryExecuteAsync(connection, incidentId, actor, at, decide, attachments ?? [], ct);
            if (outcome is not null)
            {
                return outcome;
            }

            if (attempt == 2)
            {
                return new CommandOutcome(null, new Rejection(RejectionKind.Conflict, "The incident was changed by someone else at the same time; try again."));
            }
        }
    }

    public async Task<DispatchTask?> FindTaskAsync(long taskId, CancellationToken ct = default)
    {
        await using var connection = await _db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<TaskRow>(new CommandDefinition(FindTaskSql, new { Id = taskId }, cancellationToken: ct));
        return row?.ToTask();
    }

    /// <summary>Every task of the incident, oldest first.</summary>
    public Task<IReadOnlyList<DispatchTask>> TasksOfIncidentAsync(long incidentId, CancellationToken ct = default) =>
        QueryTasksAsync(TasksOfIncidentSql, new { IncidentId = incidentId }, ct);

    /// <summary>Every active task (Dispatched, Accepted, OnScene): busy officers and dispatch lines at start-up.</summary>
    public Task<IReadOnlyList<DispatchTask>> ActiveTasksAsync(CancellationToken ct = default) => QueryTasksAsync(ActiveTasksSql, null, ct);

    /// <summary>The assignee's tasks, newest first (an officer by id, or a grid captain by code).</summary>
    public Task<IReadOnlyList<DispatchTask>> TasksOfAssigneeAsync(Assignee assignee, int limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(assignee);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return assignee.Kind switch
        {
            AssigneeKind.Officer => QueryTasksAsync(
                TasksOfOfficerSql(_db.Dialect),
                new { OfficerId = assignee.OfficerId ?? throw new ArgumentException("An officer assignee needs an officer id.", nameof(assignee)), Limit = limit },
                ct),
            AssigneeKind.GridCaptain => QueryTasksAsync(
                TasksOfCaptainSql(_db.Dialect),
                new { CaptainCode = assignee.CaptainCode ?? throw new ArgumentException("A grid captain assignee needs a captain code.", nameof(assignee)), Limit = limit },
                ct),
            _ => throw new ArgumentOutOfRangeException(nameof(assignee), assignee.Kind, "Unknown assignee kind."),
        };
    }

    /// <summary>Open incidents whose contact or arrival clock is still running: the SLA monitor's start-up load.</summary>
    public async Task<IReadOnlyList<Incident>> OpenWithRunningClocksAsync(CancellationToken ct = default)
    {
        await using var connection = await _db.OpenAsync(ct);
        var rows = await connection.QueryAsync<IncidentRow>(new CommandDefinition(OpenWithRunningClocksSql, new
        {
            Closed = (int)IncidentStatus.Closed,
            Cancelled = (int)IncidentStatus.Cancelled,
        }, cancellationToken: ct));
        return rows.Select(r => r.ToIncident()).ToList();
    }

    /// <summary>Compliance of incidents in scope reported in [from, to).</summary>
    public async Task<ComplianceCounts> ComplianceAsync(ScopeFilter scope, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var level = LevelOf(scope);
        await using var connection = await _db.OpenAsync(ct);
        var row = await connection.QuerySingleAsync<ComplianceRow>(new CommandDefinition(ComplianceSqlByLevel[level], new
        {
            ScopeCode = scope.Code,
            From = from,
            To = to,
            Cancelled = (int)IncidentStatus.Cancelled,
        }, cancellationToken: ct));
        return new ComplianceCounts((int)row.ContactDecided, (int)row.ContactInTime, (int)row.ArrivalDecided, (int)row.ArrivalInTime);
    }

    /// <summary>Elapsed milliseconds of a stopped clock minus its pauses, or null while it has not stopped.</summary>
    /// <remarks>
    /// Truncated, not rounded: the deadline is exclusive (59.9999 s of a 60 s target is in time), and truncation keeps
    /// "ms &lt; target * 1000" equivalent to "elapsed &lt; target".
    /// </remarks>
    internal static long? ElapsedMs(DateTimeOffset? start, DateTimeOffset? stop, TimeSpan paused) =>
        start is { } s && stop is { } e ? (e - s - paused).Ticks / TimeSpan.TicksPerMillisecond : null;

    /// <returns>The outcome, or null when the incident row changed under us and everything was rolled back.</returns>
    private async Task<CommandOutcome?> TryExecuteAsync(
        DbConnection connection,
        long incidentId,
        string actor,
        DateTimeOffset at,
        Func<IncidentState, Decision> decide,
        IReadOnlyList<NewPhoto> attachments,
        CancellationToken ct)
    {
        var dialect = _db.Dialect;
        // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is taken here, so SQLite writers run one at a time.
        await using var turn = await _db.WriteTurnAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var read = await connection.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(
            FindIncidentForUpdateSql(dialect), new { Id = incidentId }, tx, cancellationToken: ct));
        if (read is null)
        {
            await tx.RollbackAsync(ct);
            return new CommandOutcome(null, null, NotFound: true);
        }

        var current = read.ToIncident();
        var currentTask = (await connection.QuerySingleOrDefaultAsync<TaskRow>(new CommandDefinition(
            CurrentTaskSql(dialect), new { IncidentId = incidentId }, tx, cancellationToken: ct)))?.ToTask();

        // An exception from decide or from any write below propagates, and disposing the uncommitted transaction rolls it back.
        var decision = decide(new IncidentState(current, currentTask)) ?? throw new InvalidOperationException("The decision is null.");
        if (decision.Rejection is { } rejection)
        {
            await tx.RollbackAsync(ct);
            return new CommandOutcome(null, rejection);
        }

        var decided = decision.Incident ?? throw new InvalidOperationException("An accepted decision must carry the incident's new row.");
        if (decided.Id != incidentId)
        {
            throw new InvalidOperationException($"The decision for incident {incidentId} returned incident {decided.Id}.");
        }

        try
        {
            var tasks = await WriteTasksAsync(connection, tx, incidentId, decision.Tasks, ct);

            if (attachments.Count > 0)
            {
                var photos = attachments.Select(p => new
                {
                    IncidentId = incidentId,
                    p.ContentType,
                    p.FileName,
                    SizeBytes = p.Content?.LongLength ?? 0,
                    p.Content,
                }).ToList();
                await connection.ExecuteAsync(new CommandDefinition(InsertPhotoSql, photos, tx, cancellationToken: ct));
            }

            // Appended last, just before commit: on SQL Server the sequence row stays locked until then.
            var events = new List<IncidentEvent>(decision.Events.Count);
            foreach (var pending in decision.Events)
            {
                var taskId = pending.TaskIndex is { } index
                    ? (index >= 0 && index < tasks.Count ? tasks[index].Id : throw new InvalidOperationException($"Event {pending.Type} points at task {index} of {tasks.Count}."))
                    : (long?)null;
                var payload = pending.Payload is null ? null : JsonSerializer.Serialize(pending.Payload, pending.Payload.GetType(), PayloadJson);
                var seq = await connection.ExecuteScalarAsync<long>(new CommandDefinition(dialect.AppendIncidentEventSql, new
                {
                    IncidentId = incidentId,
                    TaskId = taskId,
                    pending.Type,
                    Actor = actor,
                    At = at,
                    Payload = payload,
                }, tx, cancellationToken: ct));
                events.Add(new IncidentEvent(seq, incidentId, pending.Type, actor, at, payload) { TaskId = taskId });
            }

            var stored = Stored(current, decided, decision.Tasks, tasks, events.Count > 0 ? events[^1].Seq : current.LastSeq);
            if (BeforeIncidentUpdate is { } hook)
            {
                await hook(connection, tx);
            }

            var updated = await connection.ExecuteAsync(new CommandDefinition(UpdateIncidentSql, new
            {
                stored.Id,
                Status = (int)stored.Status,
                stored.OwnerCode,
                stored.PhotoCount,
                stored.ContactedAt,
                stored.DispatchedAt,
                stored.OnSceneAt,
                stored.ResolvedAt,
                stored.ClosedAt,
                stored.PausedAt,
                ContactPausedMs = stored.ContactPaused.Ticks / TimeSpan.TicksPerMillisecond,
                ArrivalPausedMs = stored.ArrivalPaused.Ticks / TimeSpan.TicksPerMillisecond,
                ContactMs = ElapsedMs(stored.ReportedAt, stored.ContactedAt, stored.ContactPaused),
                ArrivalMs = ElapsedMs(stored.DispatchedAt, stored.OnSceneAt, stored.ArrivalPaused),
                stored.ContactBreaches,
                stored.ArrivalBreaches,
                stored.Escalations,
                stored.TaskId,
                stored.AssigneeOfficerId,
                stored.AssigneeName,
                stored.LastSeq,
                ExpectedLastSeq = current.LastSeq,
            }, tx, cancellationToken: ct));
            if (updated == 0)
            {
                await tx.RollbackAsync(ct);
                return null;
            }

            await tx.CommitAsync(ct);
            return new CommandOutcome(new CommandResult(stored, tasks, events), null);
        }
        catch (DbException e) when (dialect.IsUniqueViolation(e))
        {
            // Two unique keys can be hit: one active task per incident, and one active task per officer.
            await tx.RollbackAsync(ct);
            var active = await connection.QuerySingleOrDefaultAsync<TaskRow>(new CommandDefinition(
                ActiveTaskOfIncidentSql, new { IncidentId = incidentId }, cancellationToken: ct));
            if (active is null && e.Message.Contains("officer_id", StringComparison.OrdinalIgnoreCase))
            {
                return new CommandOutcome(null, new Rejection(RejectionKind.Conflict, "The officer already has an active task on another incident.", "officerId"));
            }

            var message = active is null
                ? $"Incident {current.Code} is already dispatched."
                : $"Incident {current.Code} is already dispatched to {active.AssigneeName} (task {active.Id}).";
            return new CommandOutcome(null, new Rejection(RejectionKind.Conflict, message));
        }
    }

    /// <summary>Updates the decision's stored tasks, then inserts its new ones, and returns them all with ids in decision order.</summary>
    private async Task<List<DispatchTask>> WriteTasksAsync(
        DbConnection connection, DbTransaction tx, long incidentId, IReadOnlyList<DispatchTask> decided, CancellationToken ct)
    {
        if (decided.FirstOrDefault(t => t.IncidentId != incidentId) is { } foreign)
        {
            throw new InvalidOperationException($"The decision for incident {incidentId} writes task {foreign.Id} of incident {foreign.IncidentId}.");
        }

        // Updates first: a reassignment cancels the old task before inserting the new one, or the active-task index would refuse it.
        foreach (var task in decided.Where(t => t.Id != 0))
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(UpdateTaskSql, TaskParameters(task), tx, cancellationToken: ct));
            if (changed == 0)
            {
                throw new InvalidOperationException($"Task {task.Id} of incident {incidentId} does not exist.");
            }
        }

        var written = new List<DispatchTask>(decided.Count);
        foreach (var task in decided)
        {
            if (task.Id != 0)
            {
                written.Add(task);
                continue;
            }

            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                InsertTaskSql(_db.Dialect), TaskParameters(task), tx, cancellationToken: ct));
            written.Add(task with { Id = id });
        }

        return written;
    }

    /// <summary>The row as stored: the read row with the decision's mutable columns, the new task id and the last seq.</summary>
    private static Incident Stored(Incident current, Incident decided, IReadOnlyList<DispatchTask> decidedTasks, List<DispatchTask> written, long lastSeq)
    {
        var taskId = decided.TaskId;
        if (taskId == 0)
        {
            var lastInserted = Enumerable.Range(0, decidedTasks.Count).LastOrDefault(i => decidedTasks[i].Id == 0, -1);
            taskId = lastInserted >= 0
                ? written[lastInserted].Id
                : throw new InvalidOperationException("The decision refers to a new task (TaskId 0) but inserts none.");
        }

        return current with
        {
            Status = decided.Status,
            OwnerCode = decided.OwnerCode,
            PhotoCount = decided.PhotoCount,
            ContactedAt = decided.ContactedAt,
            DispatchedAt = decided.DispatchedAt,
            OnSceneAt = decided.OnSceneAt,
            ResolvedAt = decided.ResolvedAt,
            ClosedAt = decided.ClosedAt,
            PausedAt = decided.PausedAt,
            // Stored in whole milliseconds; the result says what a later read will say.
            ContactPaused = TimeSpan.FromMilliseconds(decided.ContactPaused.Ticks / TimeSpan.TicksPerMillisecond),
            ArrivalPaused = TimeSpan.FromMilliseconds(decided.ArrivalPaused.Ticks / TimeSpan.TicksPerMillisecond),
            ContactBreaches = decided.ContactBreaches,
            ArrivalBreaches = decided.ArrivalBreaches,
            Escalations = decided.Escalations,
            TaskId = taskId,
            AssigneeOfficerId = decided.AssigneeOfficerId,
            AssigneeName = decided.AssigneeName,
            LastSeq = lastSeq,
        };
    }

    private static object TaskParameters(DispatchTask task) => new
    {
        task.Id,
        task.IncidentId,
        AssigneeKind = (int)task.Assignee.Kind,
        task.Assignee.OfficerId,
        task.Assignee.CaptainCode,
        AssigneeName = task.Assignee.Name,
        Status = (int)task.Status,
        task.DispatchedAt,
        task.DispatchedBy,
        task.AcceptedAt,
        task.ArrivedAt,
        task.ArrivalAuto,
        task.ArrivalDistanceMeters,
        task.ArrivalFlagged,
        task.ResolvedAt,
        task.ResolutionNote,
        task.EndedAt,
        task.EndReason,
    };

    private async Task<IReadOnlyList<DispatchTask>> QueryTasksAsync(string sql, object? parameters, CancellationToken ct)
    {
        await using var connection = await _db.OpenAsync(ct);
        var rows = await connection.QueryAsync<TaskRow>(new CommandDefinition(sql, parameters, cancellationToken: ct));
        return rows.Select(r => r.ToTask()).ToList();
    }

    private sealed class TaskRow
    {
        public long Id { get; set; }
        public long IncidentId { get; set; }
        public int AssigneeKind { get; set; }
        public int? OfficerId { get; set; }
        public string? CaptainCode { get; set; }
        public string AssigneeName { get; set; } = "";
        public int Status { get; set; }
        public DateTimeOffset DispatchedAt { get; set; }
        public string DispatchedBy { get; set; } = "";
        public DateTimeOffset? AcceptedAt { get; set; }
        public DateTimeOffset? ArrivedAt { get; set; }
        public bool ArrivalAuto { get; set; }
        public double? ArrivalDistanceMeters { get; set; }
        public bool ArrivalFlagged { get; set; }
        public DateTimeOffset? ResolvedAt { get; set; }
        public string? ResolutionNote { get; set; }
        public DateTimeOffset? EndedAt { get; set; }
        public string? EndReason { get; set; }

        public DispatchTask ToTask() => new(
            Id,
            IncidentId,
            new Assignee((AssigneeKind)AssigneeKind, OfficerId, CaptainCode, AssigneeName),
            (DispatchTaskStatus)Status,
            DispatchedAt,
            DispatchedBy)
        {
            AcceptedAt = AcceptedAt,
            ArrivedAt = ArrivedAt,
            ArrivalAuto = ArrivalAuto,
            ArrivalDistanceMeters = ArrivalDistanceMeters,
            ArrivalFlagged = ArrivalFlagged,
            ResolvedAt = ResolvedAt,
            ResolutionNote = ResolutionNote,
            EndedAt = EndedAt,
            EndReason = EndReason,
        };
    }

    private sealed class ComplianceRow
    {
        public long ContactDecided { get; set; }
        public long ContactInTime { get; set; }
        public long ArrivalDecided { get; set; }
        public long ArrivalInTime { get; set; }
    }
}
