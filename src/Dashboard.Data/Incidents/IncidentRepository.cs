using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;

namespace Dashboard.Data.Incidents;

/// <summary>Incidents, their append-only event log and their photos.</summary>
public sealed class IncidentRepository(DbConnectionFactory db)
{
    /// <summary>Every column of an incident row (alias i), named for <see cref="IncidentRow"/>.</summary>
    internal const string Columns = """
        i.id AS Id, i.code AS Code, i.client_id AS ClientId, i.category_code AS CategoryCode, i.description AS Description,
        i.lat AS Latitude, i.lon AS Longitude, i.grid_code AS GridCode, i.township_code AS TownshipCode,
        i.district_code AS DistrictCode, i.owner_code AS OwnerCode, i.status AS Status, i.reported_at AS ReportedAt,
        i.occurred_at AS OccurredAt, i.reported_by AS ReportedBy, i.reporter_name AS ReporterName,
        i.photo_count AS PhotoCount, i.last_seq AS LastSeq,
        i.contact_target_s AS ContactTargetSeconds, i.arrival_target_s AS ArrivalTargetSeconds,
        i.contacted_at AS ContactedAt, i.dispatched_at AS DispatchedAt, i.on_scene_at AS OnSceneAt, i.resolved_at AS ResolvedAt,
        i.closed_at AS ClosedAt, i.paused_at AS PausedAt, i.contact_paused_ms AS ContactPausedMs, i.arrival_paused_ms AS ArrivalPausedMs,
        i.contact_breaches AS ContactBreaches, i.arrival_breaches AS ArrivalBreaches, i.escalations AS Escalations,
        i.task_id AS TaskId, i.assignee_officer_id AS AssigneeOfficerId, i.assignee_name AS AssigneeName
        """;

    // TaskId is not named "Id": EventsSince splits the joined row at the incident's first column, Id.
    private const string EventColumns =
        "e.seq AS Seq, e.incident_id AS IncidentId, e.type AS Type, e.actor AS Actor, e.at AS At, e.payload AS Payload, e.task_id AS TaskId";

    private const string PhotoColumns = "id AS Id, incident_id AS IncidentId, content_type AS ContentType, file_name AS FileName, size_bytes AS SizeBytes";

    // One predicate per level rather than one OR-ed predicate, so each statement can seek on its own index.
    internal const string CityScope = "1 = 1";
    internal const string DistrictScope = "i.district_code = @ScopeCode";
    internal const string TownshipScope = "i.township_code = @ScopeCode";
    internal const string GridScope = "i.grid_code = @ScopeCode";

    internal const string FindSql = "SELECT " + Columns + " FROM incidents i WHERE i.id = @Id";
    internal const string FindByClientSql = "SELECT " + Columns + " FROM incidents i WHERE i.reported_by = @ReportedBy AND i.client_id = @ClientId";
    internal const string EventsOfSql = "SELECT " + EventColumns + " FROM incident_events e WHERE e.incident_id = @IncidentId ORDER BY e.seq";
    internal const string MaxSeqSql = "SELECT COALESCE(MAX(seq), 0) FROM incident_events";
    internal const string FinishReportSql = "UPDATE incidents SET code = @Code, last_seq = @LastSeq WHERE id = @Id";
    internal const string InsertPhotoSql = """
        INSERT INTO incident_photos (incident_id, content_type, file_name, size_bytes, content)
        VALUES (@IncidentId, @ContentType, @FileName, @SizeBytes, @Content)
        """;

    internal const string PhotosSql = "SELECT " + PhotoColumns + " FROM incident_photos WHERE incident_id = @IncidentId ORDER BY id";
    internal const string PhotoSql = "SELECT " + PhotoColumns + ", content AS Content FROM incident_photos WHERE id = @Id";

    private const string CountOpenHead = "SELECT COUNT(*) FROM incidents i WHERE i.status NOT IN (@Closed, @Cancelled) AND ";
    internal const string CountOpenInCitySql = CountOpenHead + CityScope;
    internal const string CountOpenInDistrictSql = CountOpenHead + DistrictScope;
    internal const string CountOpenInTownshipSql = CountOpenHead + TownshipScope;
    internal const string CountOpenInGridSql = CountOpenHead + GridScope;

    private static readonly IncidentStatus[] AllStatuses = Enum.GetValues<IncidentStatus>();

    // A fixed list of nullable slots instead of Dapper's "IN @list" expansion: the text stays plain SQL that both
    // providers (and the T-SQL parser) accept, and unused slots are NULL, which matches nothing.
    private static readonly string StatusSlots = string.Join(", ", Enumerable.Range(0, AllStatuses.Length).Select(i => $"@Status{i}"));

    private static readonly Func<SqlDialect, string>[] ListSqlByLevel = [ListInCitySql, ListInDistrictSql, ListInTownshipSql, ListInGridSql];
    private static readonly string[] CountOpenSqlByLevel = [CountOpenInCitySql, CountOpenInDistrictSql, CountOpenInTownshipSql, CountOpenInGridSql];
    private static readonly Func<SqlDialect, string>[] EventsSinceSqlByLevel =
        [EventsSinceInCitySql, EventsSinceInDistrictSql, EventsSinceInTownshipSql, EventsSinceInGridSql];

    /// <summary>Event payloads are JSON with the web defaults (camelCase).</summary>
    // Names and reasons are Chinese: keep them readable in the log (it is never embedded in HTML unencoded).
    internal static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    internal static string InsertSql(SqlDialect d) => $"""
        INSERT INTO incidents (code, client_id, category_code, description, lat, lon, grid_code, township_code, district_code,
                               owner_code, status, reported_at, occurred_at, reported_by, reporter_name, photo_count, last_seq,
                               contact_target_s, arrival_target_s)
        {d.OutputInsertedId}
        VALUES (@Code, @ClientId, @CategoryCode, @Description, @Latitude, @Longitude, @GridCode, @TownshipCode, @DistrictCode,
                @OwnerCode, @Status, @ReportedAt, @OccurredAt, @ReportedBy, @ReporterName, @PhotoCount, 0,
                @ContactTargetSeconds, @ArrivalTargetSeconds)
        {d.OnConflictDoNothing("reported_by, client_id")}
        {d.ReturningId}
        """;

    internal static string ListInCitySql(SqlDialect d) => ListSql(d, CityScope);

    internal static string ListInDistrictSql(SqlDialect d) => ListSql(d, DistrictScope);

    internal static string ListInTownshipSql(SqlDialect d) => ListSql(d, TownshipScope);

    internal static string ListInGridSql(SqlDialect d) => ListSql(d, GridScope);

    internal static string EventsSinceInCitySql(SqlDialect d) => EventsSinceSql(d, CityScope);

    internal static string EventsSinceInDistrictSql(SqlDialect d) => EventsSinceSql(d, DistrictScope);

    internal static string EventsSinceInTownshipSql(SqlDialect d) => EventsSinceSql(d, TownshipScope);

    internal static string EventsSinceInGridSql(SqlDialect d) => EventsSinceSql(d, GridScope);

    private static string ListSql(SqlDialect d, string scope) => $"""
        SELECT {Columns}
        FROM incidents i
        WHERE {scope}
          AND i.status IN ({StatusSlots})
          AND (@CategoryCode IS NULL OR i.category_code = @CategoryCode)
          AND (@BeforeId IS NULL OR i.id < @BeforeId)
        ORDER BY i.id DESC
        {d.Limit("@Limit")}
        """;

    private static string EventsSinceSql(SqlDialect d, string scope) => $"""
        SELECT {EventColumns}, {Columns}
        FROM incident_events e
        JOIN incidents i ON i.id = e.incident_id
        WHERE e.seq > @AfterSeq AND {scope}
        ORDER BY e.seq
        {d.Limit("@Limit")}
        """;

    /// <summary>
    /// Stores a new report with its photos and its Reported event in one transaction, or returns the incident this
    /// reporter already sent under the same ClientId (writing nothing). Any failure leaves no trace.
    /// </summary>
    public async Task<ReportOutcome> CreateReportAsync(NewReport report, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(report.Photos);
        await using var connection = await db.OpenAsync(ct);
        try
        {
            var created = await InsertReportAsync(connection, report, ct);
            if (created is not null)
            {
                return created;
            }
        }
        catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
        {
            // SQL Server: a concurrent or earlier report with this ClientId won; ours has been rolled back.
            var winner = await FindByClientAsync(connection, report, ct);
            if (winner is null)
            {
                throw;
            }

            return new ReportOutcome(winner, Created: false, Event: null);
        }

        // SQLite: ON CONFLICT DO NOTHING inserted no row, and the transaction has been rolled back.
        var existing = await FindByClientAsync(connection, report, ct)
            ?? throw new InvalidOperationException($"Report '{report.ClientId}' of user {report.ReportedBy} was neither inserted nor found.");
        return new ReportOutcome(existing, Created: false, Event: null);
    }

    public async Task<Incident?> FindAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(FindSql, new { Id = id }, cancellationToken: ct));
        return row?.ToIncident();
    }

    /// <summary>The incident's log in ascending seq order.</summary>
    public async Task<IReadOnlyList<IncidentEvent>> EventsOfAsync(long incidentId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(EventsOfSql, new { IncidentId = incidentId }, cancellationToken: ct));
        return rows.Select(r => r.ToEvent()).ToList();
    }

    /// <summary>Incidents in scope matching the filters, newest (highest id) first.</summary>
    public async Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var level = LevelOf(query.Scope);
        var statuses = (query.Statuses ?? AllStatuses).Distinct().ToList();
        if (statuses.Count == 0)
        {
            return [];
        }

        if (statuses.Any(s => !Enum.IsDefined(s)))
        {
            throw new ArgumentException("Unknown incident status in the filter.", nameof(query));
        }

        var parameters = new DynamicParameters(new { ScopeCode = query.Scope.Code, query.CategoryCode, query.BeforeId, query.Limit });
        for (var i = 0; i < AllStatuses.Length; i++)
        {
            parameters.Add($"Status{i}", i < statuses.Count ? (int)statuses[i] : null, DbType.Int32);
        }

        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<IncidentRow>(new CommandDefinition(ListSqlByLevel[level](db.Dialect), parameters, cancellationToken: ct));
        return rows.Select(r => r.ToIncident()).ToList();
    }

    /// <summary>Incidents in scope that are neither Closed nor Cancelled.</summary>
    public async Task<int> CountOpenAsync(ScopeFilter scope, CancellationToken ct = default)
    {
        var level = LevelOf(scope);
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(CountOpenSqlByLevel[level], new
        {
            ScopeCode = scope.Code,
            Closed = (int)IncidentStatus.Closed,
            Cancelled = (int)IncidentStatus.Cancelled,
        }, cancellationToken: ct));
    }

    /// <summary>
    /// Up to <paramref name="limit"/> events with seq greater than <paramref name="afterSeq"/>, ascending, of incidents in
    /// scope, each with its incident's current row. Seq grows in commit order, so a client that asks again from the last
    /// seq it saw never misses an event.
    /// </summary>
    public async Task<IReadOnlyList<EventWithIncident>> EventsSinceAsync(long afterSeq, ScopeFilter scope, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var level = LevelOf(scope);
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<EventRow, IncidentRow, EventWithIncident>(
            new CommandDefinition(EventsSinceSqlByLevel[level](db.Dialect), new { AfterSeq = afterSeq, ScopeCode = scope.Code, Limit = limit }, cancellationToken: ct),
            (e, i) => new EventWithIncident(e.ToEvent(), i.ToIncident()),
            splitOn: "Id");
        return rows.ToList();
    }

    /// <summary>The highest committed seq, 0 when there are no events yet.</summary>
    public async Task<long> MaxSeqAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(MaxSeqSql, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<IncidentPhoto>> PhotosAsync(long incidentId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<PhotoRow>(new CommandDefinition(PhotosSql, new { IncidentId = incidentId }, cancellationToken: ct));
        return rows.Select(r => r.ToPhoto()).ToList();
    }

    public async Task<(IncidentPhoto Photo, byte[] Content)?> PhotoAsync(long photoId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<PhotoRow>(new CommandDefinition(PhotoSql, new { Id = photoId }, cancellationToken: ct));
        return row is null ? null : (row.ToPhoto(), row.Content ?? []);
    }

    /// <returns>The outcome, or null when SQLite skipped the insert because the ClientId is taken.</returns>
    private async Task<ReportOutcome?> InsertReportAsync(DbConnection connection, NewReport report, CancellationToken ct)
    {
        var dialect = db.Dialect;
        // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is taken here, so SQLite writers run one at a time.
        await using var turn = await db.WriteTurnAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(InsertSql(dialect), new
        {
            // The real code needs the id; a unique placeholder fills the NOT NULL UNIQUE column until FinishReportSql.
            Code = "~" + Guid.NewGuid().ToString("N"),
            report.ClientId,
            report.CategoryCode,
            report.Description,
            report.Latitude,
            report.Longitude,
            report.GridCode,
            report.TownshipCode,
            report.DistrictCode,
            OwnerCode = report.TownshipCode,
            Status = (int)IncidentStatus.Reported,
            report.ReportedAt,
            report.OccurredAt,
            report.ReportedBy,
            report.ReporterName,
            PhotoCount = report.Photos.Count,
            report.ContactTargetSeconds,
            report.ArrivalTargetSeconds,
        }, tx, cancellationToken: ct));
        if (id is not { } incidentId)
        {
            return null;
        }

        if (report.Photos.Count > 0)
        {
            // Content is not checked here: a missing body is refused by the NOT NULL column, inside the transaction.
            var photos = report.Photos.Select(p => new
            {
                IncidentId = incidentId,
                p.ContentType,
                p.FileName,
                SizeBytes = p.Content?.LongLength ?? 0,
                p.Content,
            }).ToList();
            await connection.ExecuteAsync(new CommandDefinition(InsertPhotoSql, photos, tx, cancellationToken: ct));
        }

        var payload = JsonSerializer.Serialize(
            new ReportedPayload(report.CategoryCode, report.Latitude, report.Longitude, report.GridCode, report.TownshipCode, report.Photos.Count),
            PayloadJson);
        // Taken last, just before commit: on SQL Server the sequence row stays locked until then.
        var seq = await connection.ExecuteScalarAsync<long>(new CommandDefinition(dialect.AppendIncidentEventSql, new
        {
            IncidentId = incidentId,
            TaskId = (long?)null,
            Type = IncidentEventTypes.Reported,
            report.Actor,
            At = report.ReportedAt,
            Payload = payload,
        }, tx, cancellationToken: ct));

        var code = report.CodePrefix + incidentId.ToString("D6", CultureInfo.InvariantCulture);
        await connection.ExecuteAsync(new CommandDefinition(FinishReportSql, new { Id = incidentId, Code = code, LastSeq = seq }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);

        var incident = new Incident(
            incidentId, code, report.ClientId, report.CategoryCode, report.Description, report.Latitude, report.Longitude,
            report.GridCode, report.TownshipCode, report.DistrictCode, report.TownshipCode, IncidentStatus.Reported,
            report.ReportedAt, report.OccurredAt, report.ReportedBy, report.ReporterName, report.Photos.Count, seq)
        {
            ContactTargetSeconds = report.ContactTargetSeconds,
            ArrivalTargetSeconds = report.ArrivalTargetSeconds,
        };
        var reported = new IncidentEvent(seq, incidentId, IncidentEventTypes.Reported, report.Actor, report.ReportedAt, payload);
        return new ReportOutcome(incident, Created: true, reported);
    }

    private static async Task<Incident?> FindByClientAsync(DbConnection connection, NewReport report, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(
            FindByClientSql, new { report.ReportedBy, report.ClientId }, cancellationToken: ct));
        return row?.ToIncident();
    }

    internal static int LevelOf(ScopeFilter scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!Enum.IsDefined(scope.Level))
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope.Level, "Unknown jurisdiction level.");
        }

        if (scope.Level != JurisdictionLevel.City && string.IsNullOrEmpty(scope.Code))
        {
            throw new ArgumentException("A district, township or grid scope needs a code.", nameof(scope));
        }

        return (int)scope.Level;
    }

    private sealed record ReportedPayload(string Category, double Lat, double Lon, string? Grid, string Township, int Photos);

    internal sealed class IncidentRow
    {
        public long Id { get; set; }
        public string Code { get; set; } = "";
        public string ClientId { get; set; } = "";
        public string CategoryCode { get; set; } = "";
        public string Description { get; set; } = "";
        public double Latitude { get; set; }
        public double Longitude { get; set; }
        public string? GridCode { get; set; }
        public string TownshipCode { get; set; } = "";
        public string DistrictCode { get; set; } = "";
        public string OwnerCode { get; set; } = "";
        public int Status { get; set; }
        public DateTimeOffset ReportedAt { get; set; }
        public DateTimeOffset? OccurredAt { get; set; }
        public long ReportedBy { get; set; }
        public string ReporterName { get; set; } = "";
        public int PhotoCount { get; set; }
        public long LastSeq { get; set; }
        public int ContactTargetSeconds { get; set; }
        public int ArrivalTargetSeconds { get; set; }
        public DateTimeOffset? ContactedAt { get; set; }
        public DateTimeOffset? DispatchedAt { get; set; }
        public DateTimeOffset? OnSceneAt { get; set; }
        public DateTimeOffset? ResolvedAt { get; set; }
        public DateTimeOffset? ClosedAt { get; set; }
        public DateTimeOffset? PausedAt { get; set; }
        public long ContactPausedMs { get; set; }
        public long ArrivalPausedMs { get; set; }
        public int ContactBreaches { get; set; }
        public int ArrivalBreaches { get; set; }
        public int Escalations { get; set; }
        public long? TaskId { get; set; }
        public int? AssigneeOfficerId { get; set; }
        public string? AssigneeName { get; set; }

        public Incident ToIncident() => new(
            Id, Code, ClientId, CategoryCode, Description, Latitude, Longitude, GridCode, TownshipCode, DistrictCode, OwnerCode,
            (IncidentStatus)Status, ReportedAt, OccurredAt, ReportedBy, ReporterName, PhotoCount, LastSeq)
        {
            ContactTargetSeconds = ContactTargetSeconds,
            ArrivalTargetSeconds = ArrivalTargetSeconds,
            ContactedAt = ContactedAt,
            DispatchedAt = DispatchedAt,
            OnSceneAt = OnSceneAt,
            ResolvedAt = ResolvedAt,
            ClosedAt = ClosedAt,
            PausedAt = PausedAt,
            ContactPaused = TimeSpan.FromMilliseconds(ContactPausedMs),
            ArrivalPaused = TimeSpan.FromMilliseconds(ArrivalPausedMs),
            ContactBreaches = ContactBreaches,
            ArrivalBreaches = ArrivalBreaches,
            Escalations = Escalations,
            TaskId = TaskId,
            AssigneeOfficerId = AssigneeOfficerId,
            AssigneeName = AssigneeName,
        };
    }

    private sealed class EventRow
    {
        public long Seq { get; set; }
        public long IncidentId { get; set; }
        public string Type { get; set; } = "";
        public string Actor { get; set; } = "";
        public DateTimeOffset At { get; set; }
        public string? Payload { get; set; }
        public long? TaskId { get; set; }

        public IncidentEvent ToEvent() => new(Seq, IncidentId, Type, Actor, At, Payload) { TaskId = TaskId };
    }

    private sealed class PhotoRow
    {
        public long Id { get; set; }
        public long IncidentId { get; set; }
        public string ContentType { get; set; } = "";
        public string? FileName { get; set; }
        public long SizeBytes { get; set; }
        public byte[]? Content { get; set; }

        public IncidentPhoto ToPhoto() => new(Id, IncidentId, ContentType, FileName, SizeBytes);
    }
}
