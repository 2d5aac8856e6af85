using System.Data;
using System.Data.Common;
using Dapper;
using Dashboard.Core.Metrics;
using Dashboard.Core.Positions;
using Dashboard.Data.Metrics;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Positions;

/// <summary>
/// Officer positions: every fix is appended to <c>officer_tracks</c> (on SQLite in a file of its own, see <see cref="TrackFile"/>);
/// <c>officer_positions_latest</c> holds each officer's newest fix and is never moved back by a fix that arrives late or out of
/// order. Each fix that moves an officer forward in time adds its distance from the previous one to <c>officer_patrol_days</c>
/// (see <see cref="PatrolWalk"/>).
/// </summary>
public sealed class PositionRepository(DbConnectionFactory db, TimeProvider time)
{
    // Patrol days are local days of the command rooms.
    private static readonly TimeZoneInfo PatrolZone = MetricRange.Shanghai;

    // Rows between questions whether a short writer waits: under a millisecond of upserts.
    private const int SliceCheckRows = 64;

    private readonly Lock _patrolGate = new();
    private List<PatrolStep> _pendingPatrol = [];

    /// <summary>Officer-days of patrol distance held back by batches written without it (see <see cref="WriteBatchAsync(IReadOnlyList{PositionFix}, bool, CancellationToken)"/>).</summary>
    public int PendingPatrolDays
    {
        get
        {
            lock (_patrolGate)
            {
                return _pendingPatrol.Count;
            }
        }
    }

    private const string Columns = """
        officer_id AS OfficerId, lat AS Latitude, lon AS Longitude, at AS At, speed AS Speed, heading AS Heading, accuracy AS Accuracy
        """;

    internal const string LatestSql = "SELECT " + Columns + " FROM officer_positions_latest ORDER BY officer_id";
    internal const string LatestOfSql = "SELECT " + Columns + " FROM officer_positions_latest WHERE officer_id = @OfficerId";

    // The batch's officers with their stored latest fixes, read before they move: where each officer's patrol walk starts. An
    // officer missing here does not exist, and the tracks file has no foreign key to say so.
    internal const string LatestOfOfficersSqliteSql = """
        SELECT o.id, l.lat, l.lon, l.at
        FROM officers o LEFT JOIN officer_positions_latest l ON l.officer_id = o.id
        WHERE o.id IN (SELECT value FROM json_each(@Ids))
        """;

    // SQLITE_CONSTRAINT_FOREIGNKEY: what the insert would have failed with if the track had a foreign key.
    private const int ForeignKeyError = 787;

    internal const string InsertTrackSqliteSql = """
        INSERT INTO officer_tracks (officer_id, lat, lon, at, speed, heading, accuracy)
        VALUES (@OfficerId, @Latitude, @Longitude, @At, @Speed, @Heading, @Accuracy)
        """;

    // ExecuteNonQuery returns 1 when the row was inserted or moved forward, 0 when the stored fix is as new or newer.
    internal const string UpsertLatestSqliteSql = """
        INSERT INTO officer_positions_latest (officer_id, lat, lon, at, speed, heading, accuracy, received_at)
        VALUES (@OfficerId, @Latitude, @Longitude, @At, @Speed, @Heading, @Accuracy, @ReceivedAt)
        ON CONFLICT (officer_id) DO UPDATE SET
            lat = excluded.lat, lon = excluded.lon, at = excluded.at, speed = excluded.speed, heading = excluded.heading,
            accuracy = excluded.accuracy, received_at = excluded.received_at
        WHERE excluded.at > officer_positions_latest.at
        """;

    internal const string CreateIncomingSql = """
        CREATE TABLE #incoming_positions (
            officer_id int            NOT NULL PRIMARY KEY,
            lat        float          NOT NULL,
            lon        float          NOT NULL,
            at         datetimeoffset NOT NULL,
            speed      float          NULL,
            heading    float          NULL,
            accuracy   float          NULL);
        """;

    // HOLDLOCK: another node merging the same officer waits instead of racing to insert the same key.
    // OUTPUT lists only rows actually inserted or updated, i.e. the fixes that moved 'latest', with the fix they replaced
    // (null when the officer had none): where the officer's patrol walk starts.
    internal const string MergeLatestSql = """
        MERGE officer_positions_latest WITH (HOLDLOCK) AS l
        USING #incoming_positions AS s ON l.officer_id = s.officer_id
        WHEN MATCHED AND s.at > l.at THEN
            UPDATE SET lat = s.lat, lon = s.lon, at = s.at, speed = s.speed, heading = s.heading, accuracy = s.accuracy,
                       received_at = @ReceivedAt
        WHEN NOT MATCHED BY TARGET THEN
            INSERT (officer_id, lat, lon, at, speed, heading, accuracy, received_at)
            VALUES (s.officer_id, s.lat, s.lon, s.at, s.speed, s.heading, s.accuracy, @ReceivedAt)
        OUTPUT INSERTED.officer_id AS OfficerId, DELETED.lat AS Latitude, DELETED.lon AS Longitude, DELETED.at AS At;
        """;

    internal const string DropIncomingSql = "DROP TABLE #incoming_positions;";

    internal static string TrackSql(SqlDialect d) => $"""
        SELECT {Columns}
        FROM officer_tracks
        WHERE officer_id = @OfficerId AND at >= @From AND at < @To
        ORDER BY at, id
        {d.Limit("@Limit")}
        """;

    internal static string CountTrackRowsSql(SqlDialect d) => $"SELECT {d.CountAllBig} FROM officer_tracks";

    /// <summary>
    /// Appends every fix to the track, moves each officer's latest position to the newest fix of the batch when that is newer
    /// than the stored one, and adds the patrol distance of the fixes that moved an officer forward in time to their local
    /// days. On SQL Server that is one transaction. On SQLite the fixes are first appended to the tracks file in one
    /// transaction; then the latest positions move in the main file, in one transaction unless a short writer (a report, a
    /// dispatch) starts waiting for it: then what is written so far is committed, the waiting writer goes, and the rest follows;
    /// the end result is the same as from one transaction. A batch with a fix of an unknown officer fails before anything is
    /// written.
    /// </summary>
    /// <returns>The fixes that moved 'latest' (at most one per officer: the newest of the batch).</returns>
    public Task<IReadOnlyList<PositionFix>> WriteBatchAsync(IReadOnlyList<PositionFix> batch, CancellationToken ct = default) =>
        WriteBatchAsync(batch, writePatrol: true, new PositionBatchProgress(), ct);

    /// <inheritdoc cref="WriteBatchAsync(IReadOnlyList{PositionFix}, bool, PositionBatchProgress, CancellationToken)"/>
    public Task<IReadOnlyList<PositionFix>> WriteBatchAsync(IReadOnlyList<PositionFix> batch, bool writePatrol, CancellationToken ct = default) =>
        WriteBatchAsync(batch, writePatrol, new PositionBatchProgress(), ct);

    /// <inheritdoc cref="WriteBatchAsync(IReadOnlyList{PositionFix}, CancellationToken)"/>
    /// <param name="batch">Fixes in arrival order.</param>
    /// <param name="writePatrol">
    /// False keeps this batch's patrol distance in memory, to be written (summed per officer and day) with the next batch written
    /// with true: under sustained load that is one upsert per officer and day every few seconds instead of one per batch. SQL
    /// Server writes it at once either way.
    /// </param>
    /// <param name="progress">
    /// What of this batch is committed already: pass the same instance when retrying a failed write, so a slice committed
    /// before the failure is not written twice.
    /// </param>
    /// <param name="ct">Cancellation.</param>
    public async Task<IReadOnlyList<PositionFix>> WriteBatchAsync(
        IReadOnlyList<PositionFix> batch, bool writePatrol, PositionBatchProgress progress, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(progress);
        if (batch.Count == 0)
        {
            return [];
        }

        foreach (var fix in batch)
        {
            ArgumentNullException.ThrowIfNull(fix, nameof(batch));
        }

        var receivedAt = time.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        switch (connection)
        {
            case SqliteConnection sqlite:
                await WriteSqliteAsync(sqlite, batch, writePatrol, progress, receivedAt, ct);
                break;
            case SqlConnection sql:
                if (!progress.IsComplete(batch.Count))
                {
                    progress.Commit(batch.Count, 0, 0, await WriteSqlServerAsync(sql, batch, NewestPerOfficer(batch), receivedAt, ct));
                }

                break;
            default:
                throw new NotSupportedException($"No position write path for {connection.GetType().Name}.");
        }

        return progress.Moved;
    }

    /// <summary>Every officer's latest position, by officer id.</summary>
    public async Task<IReadOnlyList<PositionFix>> LatestAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<FixRow>(new CommandDefinition(LatestSql, cancellationToken: ct));
        return rows.Select(r => r.ToFix()).ToList();
    }

    public async Task<PositionFix?> LatestOfAsync(int officerId, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<FixRow>(new CommandDefinition(LatestOfSql, new { OfficerId = officerId }, cancellationToken: ct));
        return row?.ToFix();
    }

    /// <summary>The officer's fixes with <paramref name="from"/> ≤ At &lt; <paramref name="to"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<PositionFix>> TrackAsync(
        int officerId, DateTimeOffset from, DateTimeOffset to, int limit = 50_000, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await db.OpenTracksAsync(ct);
        var rows = await connection.QueryAsync<FixRow>(new CommandDefinition(
            TrackSql(db.Dialect), new { OfficerId = officerId, From = from, To = to, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => r.ToFix()).ToList();
    }

    public async Task<long> CountTrackRowsAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenTracksAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountTrackRowsSql(db.Dialect), cancellationToken: ct));
    }

    // Only the newest fix of each officer can move 'latest'; on equal At the later one in the batch wins.
    private static List<PositionFix> NewestPerOfficer(IReadOnlyList<PositionFix> batch)
    {
        var newest = new Dictionary<int, int>(Math.Min(batch.Count, 32_768));
        var order = new List<int>();
        for (var i = 0; i < batch.Count; i++)
        {
            var fix = batch[i];
            if (newest.TryGetValue(fix.OfficerId, out var seen))
            {
                if (fix.At >= batch[seen].At)
                {
                    newest[fix.OfficerId] = i;
                }
            }
            else
            {
                newest.Add(fix.OfficerId, i);
                order.Add(fix.OfficerId);
            }
        }

        return order.ConvertAll(officerId => batch[newest[officerId]]);
    }

    // Microsoft.Data.Sqlite runs synchronously anyway. One prepared one-row statement re-bound per fix, no per-row
    // reflection. Multi-row VALUES statements measured no faster (8 rows) or much slower (64 rows): binding a parameter
    // by name scans the statement's parameter list.
    private async Task WriteSqliteAsync(
        SqliteConnection connection, IReadOnlyList<PositionFix> batch, bool writePatrol, PositionBatchProgress progress, DateTimeOffset receivedAt, CancellationToken ct)
    {
        if (!progress.IsComplete(batch.Count))
        {
            // Read and computed before the turn, so the file is held only for the writes. Only this writer moves 'latest'
            // (one loop per process), so what is read here still stands when the upserts run.
            var newest = NewestPerOfficer(batch);
            progress.Steps ??= PatrolWalk.Steps(batch, ReadLatestSqlite(connection, newest).GetValueOrDefault, PatrolZone);
            if (progress.Committed < batch.Count)
            {
                await AppendTracksSqliteAsync(batch, progress, ct);
            }

            await using var turn = await db.BulkWriteTurnAsync(ct);
            while (!progress.IsComplete(batch.Count))
            {
                WriteLatestSliceSqlite(connection, newest, progress, turn, receivedAt);
                if (progress.IsComplete(batch.Count))
                {
                    break;
                }

                await turn.YieldAsync(ct);
            }

            // The batch's distance becomes pending once the whole batch is written. A retried batch keeps the steps its
            // first attempt computed from the positions before it.
            AddPending(progress.Steps);
            progress.Steps = [];
        }

        if (writePatrol && PendingPatrolDays > 0)
        {
            await using var turn = await db.BulkWriteTurnAsync(ct);
            while (WritePatrolSliceSqlite(connection, turn))
            {
                await turn.YieldAsync(ct);
            }
        }
    }

    /// <summary>
    /// One transaction in the tracks file: appends the fixes from where the progress stands. The inserts run on the
    /// <see cref="BackgroundLane"/>, so a report being handled meanwhile gets the CPU first.
    /// </summary>
    private async Task AppendTracksSqliteAsync(IReadOnlyList<PositionFix> batch, PositionBatchProgress progress, CancellationToken ct)
    {
        await using var tracks = (SqliteConnection)await db.OpenTracksAsync(ct);
        await using var turn = await db.TracksWriteTurnAsync(ct);
        var from = progress.Committed;
        await BackgroundLane.RunAsync(() =>
        {
            using var tx = tracks.BeginTransaction(deferred: false);
            using (var insert = new FixCommand(tracks, tx, InsertTrackSqliteSql, receivedAt: null))
            {
                for (var i = from; i < batch.Count; i++)
                {
                    insert.Execute(batch[i]);
                }
            }

            tx.Commit();
            return true;
        });

        // Only a committed transaction moves the progress: a failed one is retried from the same place.
        progress.CommitTracks(batch.Count);
    }

    /// <summary>
    /// One transaction in the main file: moves 'latest' to the batch's newest fixes from where the progress stands; stops
    /// early (and commits) when a short writer is waiting for the file.
    /// </summary>
    private static void WriteLatestSliceSqlite(
        SqliteConnection connection, List<PositionFix> newest, PositionBatchProgress progress, BulkWriteTurn turn, DateTimeOffset receivedAt)
    {
        // BEGIN IMMEDIATE: the write lock is taken here, not half-way through the slice.
        using var tx = connection.BeginTransaction(deferred: false);
        var latestDone = progress.LatestDone;
        var start = latestDone;
        var moved = new List<PositionFix>();
        var stepAside = false;
        using (var upsert = new FixCommand(connection, tx, UpsertLatestSqliteSql, DateTimeOffsetTypeHandler.ToText(receivedAt)))
        {
            while (latestDone < newest.Count && !stepAside)
            {
                var fix = newest[latestDone++];
                if (upsert.Execute(fix) > 0)
                {
                    moved.Add(fix);
                }

                stepAside = (latestDone - start) % SliceCheckRows == 0 && turn.OthersWaiting;
            }
        }

        tx.Commit();
        progress.CommitLatest(latestDone, newest.Count, moved);
    }

    private void AddPending(List<PatrolStep>? steps)
    {
        if (steps is not { Count: > 0 })
        {
            return;
        }

        lock (_patrolGate)
        {
            _pendingPatrol = _pendingPatrol.Count == 0 ? steps : PatrolDays.Combine(_pendingPatrol.Concat(steps));
        }
    }

    /// <summary>Writes pending patrol distance until done or a short writer waits; true when some is left for after it.</summary>
    private bool WritePatrolSliceSqlite(SqliteConnection connection, BulkWriteTurn turn)
    {
        List<PatrolStep> pending;
        lock (_patrolGate)
        {
            pending = _pendingPatrol;
        }

        if (pending.Count == 0)
        {
            return false;
        }

        using var tx = connection.BeginTransaction(deferred: false);
        var written = PatrolDays.AddSqlite(connection, tx, pending, () => turn.OthersWaiting, SliceCheckRows);
        tx.Commit();
        lock (_patrolGate)
        {
            _pendingPatrol = written == pending.Count ? [] : pending.GetRange(written, pending.Count - written);
            return _pendingPatrol.Count > 0;
        }
    }

    private static async Task<IReadOnlyList<PositionFix>> WriteSqlServerAsync(
        SqlConnection connection, IReadOnlyList<PositionFix> batch, List<PositionFix> newest, DateTimeOffset receivedAt, CancellationToken ct)
    {
        await using var tx = (SqlTransaction)await connection.BeginTransactionAsync(ct);
        using (var tracks = FixTable(batch))
        {
            await BulkCopyAsync(connection, tx, "officer_tracks", tracks, ct);
        }

        await connection.ExecuteAsync(new CommandDefinition(CreateIncomingSql, transaction: tx, cancellationToken: ct));
        using (var incoming = FixTable(newest))
        {
            await BulkCopyAsync(connection, tx, "#incoming_positions", incoming, ct);
        }

        var replaced = (await connection.QueryAsync<ReplacedRow>(new CommandDefinition(
            MergeLatestSql, new { ReceivedAt = receivedAt }, tx, cancellationToken: ct))).ToDictionary(r => r.OfficerId, r => r.ToFix());
        await connection.ExecuteAsync(new CommandDefinition(DropIncomingSql, transaction: tx, cancellationToken: ct));
        // Officers whose latest did not move have no fix newer than the stored one: their walk adds nothing.
        var forward = batch.Where(f => replaced.ContainsKey(f.OfficerId)).ToList();
        await PatrolDays.AddSqlServerAsync(connection, tx, PatrolWalk.Steps(forward, id => replaced[id], PatrolZone), ct);
        await tx.CommitAsync(ct);
        return newest.Where(f => replaced.ContainsKey(f.OfficerId)).ToList();
    }

    private static Dictionary<int, PositionFix> ReadLatestSqlite(SqliteConnection connection, List<PositionFix> newest)
    {
        var ids = new System.Text.StringBuilder(newest.Count * 6).Append('[');
        foreach (var fix in newest)
        {
            ids.Append(fix.OfficerId).Append(',');
        }

        ids[^1] = ']';
        var latest = new Dictionary<int, PositionFix>(newest.Count);
        var known = new HashSet<int>(newest.Count);
        using var command = connection.CreateCommand();
        command.CommandText = LatestOfOfficersSqliteSql;
        command.Parameters.Add("@Ids", SqliteType.Text).Value = ids.ToString();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var officerId = reader.GetInt32(0);
                known.Add(officerId);
                if (!reader.IsDBNull(3))
                {
                    latest[officerId] = new PositionFix(officerId, reader.GetDouble(1), reader.GetDouble(2), ParseStoredInstant(reader.GetString(3)));
                }
            }
        }

        if (known.Count < newest.Count)
        {
            var unknown = newest.Select(f => f.OfficerId).Where(id => !known.Contains(id)).Take(10);
            throw new SqliteException($"FOREIGN KEY constraint failed: no officer {string.Join(", ", unknown)}; nothing of the batch was written.", ForeignKeyError);
        }

        return latest;
    }

    /// <summary>
    /// Reads the fixed-width text of <see cref="DateTimeOffsetTypeHandler.ToText"/> digit by digit (the batch reads one per officer);
    /// anything else goes through the handler.
    /// </summary>
    internal static DateTimeOffset ParseStoredInstant(string text)
    {
        if (text.Length != 28 || text[4] != '-' || text[10] != 'T' || text[19] != '.' || text[27] != 'Z')
        {
            return new DateTimeOffsetTypeHandler().Parse(text);
        }

        static int Digits(ReadOnlySpan<char> span)
        {
            var value = 0;
            foreach (var c in span)
            {
                if (c is < '0' or > '9')
                {
                    throw new FormatException("Not a stored instant.");
                }

                value = (value * 10) + (c - '0');
            }

            return value;
        }

        var t = text.AsSpan();
        var date = new DateTime(Digits(t[..4]), Digits(t.Slice(5, 2)), Digits(t.Slice(8, 2)), Digits(t.Slice(11, 2)), Digits(t.Slice(14, 2)), Digits(t.Slice(17, 2)), DateTimeKind.Utc);
        return new DateTimeOffset(date.AddTicks(Digits(t.Slice(20, 7))));
    }

    internal static async Task BulkCopyAsync(SqlConnection connection, SqlTransaction tx, string table, DataTable rows, CancellationToken ct)
    {
        // Without CheckConstraints a bulk copy skips the foreign key and SQL Server marks it untrusted.
        using var bulk = new SqlBulkCopy(connection, SqlBulkCopyOptions.CheckConstraints, tx) { DestinationTableName = table, BulkCopyTimeout = 0 };
        foreach (DataColumn column in rows.Columns)
        {
            bulk.ColumnMappings.Add(column.ColumnName, column.ColumnName);
        }

        await bulk.WriteToServerAsync(rows, ct);
    }

    private static DataTable FixTable(IEnumerable<PositionFix> fixes)
    {
        var table = new DataTable { Locale = System.Globalization.CultureInfo.InvariantCulture };
        table.Columns.Add("officer_id", typeof(int));
        table.Columns.Add("lat", typeof(double));
        table.Columns.Add("lon", typeof(double));
        table.Columns.Add("at", typeof(DateTimeOffset));
        table.Columns.Add("speed", typeof(double));
        table.Columns.Add("heading", typeof(double));
        table.Columns.Add("accuracy", typeof(double));
        foreach (var f in fixes)
        {
            table.Rows.Add(f.OfficerId, f.Latitude, f.Longitude, f.At, OrNull(f.Speed), OrNull(f.Heading), OrNull(f.Accuracy));
        }

        return table;
    }

    private static object OrNull(double? value) => value is { } v ? v : DBNull.Value;

    /// <summary>One prepared SQLite statement whose parameter values are swapped per fix.</summary>
    private sealed class FixCommand : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter _officerId;
        private readonly SqliteParameter _latitude;
        private readonly SqliteParameter _longitude;
        private readonly SqliteParameter _at;
        private readonly SqliteParameter _speed;
        private readonly SqliteParameter _heading;
        private readonly SqliteParameter _accuracy;

        public FixCommand(SqliteConnection connection, SqliteTransaction tx, string sql, string? receivedAt)
        {
            _command = connection.CreateCommand();
            _command.Transaction = tx;
            _command.CommandText = sql;
            _officerId = _command.Parameters.Add("@OfficerId", SqliteType.Integer);
            _latitude = _command.Parameters.Add("@Latitude", SqliteType.Real);
            _longitude = _command.Parameters.Add("@Longitude", SqliteType.Real);
            _at = _command.Parameters.Add("@At", SqliteType.Text);
            _speed = _command.Parameters.Add("@Speed", SqliteType.Real);
            _heading = _command.Parameters.Add("@Heading", SqliteType.Real);
            _accuracy = _command.Parameters.Add("@Accuracy", SqliteType.Real);
            if (receivedAt is not null)
            {
                _command.Parameters.Add("@ReceivedAt", SqliteType.Text).Value = receivedAt;
            }

            _command.Prepare();
        }

        /// <returns>Rows inserted or updated.</returns>
        public int Execute(PositionFix fix)
        {
            _officerId.Value = fix.OfficerId;
            _latitude.Value = fix.Latitude;
            _longitude.Value = fix.Longitude;
            _at.Value = DateTimeOffsetTypeHandler.ToText(fix.At);
            _speed.Value = OrNull(fix.Speed);
            _heading.Value = OrNull(fix.Heading);
            _accuracy.Value = OrNull(fix.Accuracy);
            return _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }

    private sealed class ReplacedRow
    {
        public int OfficerId { get; set; }
        public double? Latitude { get; set; }
        public double? Longitude { get; set; }
        public DateTimeOffset? At { get; set; }

        public PositionFix? ToFix() => At is { } at ? new(OfficerId, Latitude ?? 0, Longitude ?? 0, at) : null;
    }

    private sealed class FixRow
    {
        public int OfficerId { get; set; }
        public double Latitude { get; set; }
        public double Longitude { get; set; }
        public DateTimeOffset At { get; set; }
        public double? Speed { get; set; }
        public double? Heading { get; set; }
        public double? Accuracy { get; set; }

        public PositionFix ToFix() => new(OfficerId, Latitude, Longitude, At, Speed, Heading, Accuracy);
    }
}

/// <summary>How much of one batch <see cref="PositionRepository.WriteBatchAsync(IReadOnlyList{PositionFix}, bool, PositionBatchProgress, CancellationToken)"/> has committed.</summary>
public sealed class PositionBatchProgress
{
    private readonly List<PositionFix> _moved = [];
    private bool _complete;

    /// <summary>The fixes of the batch before this index are in the track.</summary>
    public int Committed { get; private set; }

    /// <summary>The committed fixes that moved an officer's latest position (the batch's newest per officer).</summary>
    public IReadOnlyList<PositionFix> Moved => _moved;

    /// <summary>
    /// Transactions committed for the batch: on SQLite one in the tracks file and one in the main file, more when it stepped
    /// aside for a waiting writer; one on SQL Server.
    /// </summary>
    public int Transactions { get; private set; }

    /// <summary>How many of the batch's newest fixes per officer have been applied to 'latest'.</summary>
    internal int LatestDone { get; private set; }

    /// <summary>True when the whole batch is in the track and every officer's latest position has been moved.</summary>
    public bool IsComplete(int batchCount) => _complete && Committed == batchCount;

    internal void Commit(int committed, int latestDone, int latestCount, IEnumerable<PositionFix> moved)
    {
        Committed = committed;
        CommitLatest(latestDone, latestCount, moved);
    }

    internal void CommitTracks(int committed)
    {
        Committed = committed;
        Transactions++;
    }

    internal void CommitLatest(int latestDone, int latestCount, IEnumerable<PositionFix> moved)
    {
        LatestDone = latestDone;
        Transactions++;
        _complete = latestDone == latestCount;
        _moved.AddRange(moved);
    }

    /// <summary>The batch's patrol steps, computed before its first write; empty once they are pending.</summary>
    internal List<PatrolStep>? Steps { get; set; }
}
