using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;
using Dashboard.Core.Metrics;
using Dashboard.Data.Positions;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Metrics;

/// <summary>
/// Writes and reads officer_patrol_days. Increments are added (upsert) inside the caller's transaction: the position write path
/// adds the distance of each batch in the batch's own transaction, <see cref="PortraitRepository.AddPatrolAsync"/> in its own.
/// The day is the local date (Asia/Shanghai): TEXT yyyy-MM-dd on SQLite, date on SQL Server.
/// </summary>
internal static class PatrolDays
{
    internal const string UpsertSqliteSql = """
        INSERT INTO officer_patrol_days (officer_id, day, distance_m, fixes)
        VALUES (@OfficerId, @Day, @DistanceMeters, @Fixes)
        ON CONFLICT (officer_id, day) DO UPDATE SET
            distance_m = distance_m + excluded.distance_m, fixes = fixes + excluded.fixes
        """;

    internal const string CreateIncomingPatrolSql = """
        CREATE TABLE #incoming_patrol (
            officer_id int   NOT NULL,
            day        date  NOT NULL,
            distance_m float NOT NULL,
            fixes      int   NOT NULL,
            PRIMARY KEY (officer_id, day));
        """;

    // HOLDLOCK, as for officer_positions_latest: two writers adding to the same new day wait for each other instead of both inserting.
    internal const string MergePatrolSql = """
        MERGE officer_patrol_days WITH (HOLDLOCK) AS p
        USING #incoming_patrol AS s ON p.officer_id = s.officer_id AND p.day = s.day
        WHEN MATCHED THEN
            UPDATE SET distance_m = p.distance_m + s.distance_m, fixes = p.fixes + s.fixes
        WHEN NOT MATCHED BY TARGET THEN
            INSERT (officer_id, day, distance_m, fixes) VALUES (s.officer_id, s.day, s.distance_m, s.fixes);
        """;

    internal const string DropIncomingPatrolSql = "DROP TABLE #incoming_patrol;";

    public static string DayText(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A day parameter for <paramref name="dialect"/>'s day column.</summary>
    public static void AddDay(DynamicParameters parameters, string name, DateOnly day, SqlDialect dialect)
    {
        if (dialect.Provider == DatabaseProvider.SqlServer)
        {
            parameters.Add(name, day.ToDateTime(TimeOnly.MinValue), DbType.Date);
        }
        else
        {
            parameters.Add(name, DayText(day), DbType.String);
        }
    }

    /// <summary>A day column as read by either provider (text or DateTime).</summary>
    public static DateOnly ReadDay(object value) => value switch
    {
        string s => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => DateOnly.FromDateTime(d),
        DateOnly d => d,
        _ => throw new DataException($"Cannot read a day from {value?.GetType().Name ?? "null"}."),
    };

    /// <summary>Sums increments of the same officer and day (the SQL Server staging table has one row per key).</summary>
    public static List<PatrolStep> Combine(IEnumerable<PatrolStep> steps)
    {
        var index = new Dictionary<(int, DateOnly), int>();
        var result = new List<PatrolStep>();
        foreach (var step in steps)
        {
            if (index.TryGetValue((step.OfficerId, step.Day), out var i))
            {
                result[i] = result[i] with { DistanceMeters = result[i].DistanceMeters + step.DistanceMeters, Fixes = result[i].Fixes + step.Fixes };
            }
            else
            {
                index.Add((step.OfficerId, step.Day), result.Count);
                result.Add(step);
            }
        }

        return result;
    }

    /// <summary>One prepared statement re-bound per officer-day, as the position writer does for fixes.</summary>
    /// <param name="connection">The connection of <paramref name="tx"/>.</param>
    /// <param name="tx">The write transaction.</param>
    /// <param name="steps">Increments, at most one per officer and day.</param>
    /// <param name="stop">Asked every <paramref name="checkEvery"/> rows; true stops there (a bulk writer stepping aside).</param>
    /// <param name="checkEvery">Rows between questions to <paramref name="stop"/>.</param>
    /// <returns>How many of the steps, from the first, were written.</returns>
    public static int AddSqlite(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<PatrolStep> steps, Func<bool>? stop = null, int checkEvery = 64)
    {
        if (steps.Count == 0)
        {
            return 0;
        }

        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = UpsertSqliteSql;
        var officerId = command.Parameters.Add("@OfficerId", SqliteType.Integer);
        var day = command.Parameters.Add("@Day", SqliteType.Text);
        var distance = command.Parameters.Add("@DistanceMeters", SqliteType.Real);
        var fixes = command.Parameters.Add("@Fixes", SqliteType.Integer);
        command.Prepare();
        var written = 0;
        while (written < steps.Count)
        {
            var step = steps[written++];
            officerId.Value = step.OfficerId;
            day.Value = DayText(step.Day);
            distance.Value = step.DistanceMeters;
            fixes.Value = step.Fixes;
            command.ExecuteNonQuery();
            if (stop is not null && written % checkEvery == 0 && stop())
            {
                break;
            }
        }

        return written;
    }

    /// <summary>Bulk-copies the increments (one row per officer-day) into a staging table and merges them.</summary>
    public static async Task AddSqlServerAsync(SqlConnection connection, SqlTransaction tx, IReadOnlyList<PatrolStep> steps, CancellationToken ct)
    {
        if (steps.Count == 0)
        {
            return;
        }

        using var table = new DataTable { Locale = CultureInfo.InvariantCulture };
        table.Columns.Add("officer_id", typeof(int));
        table.Columns.Add("day", typeof(DateTime));
        table.Columns.Add("distance_m", typeof(double));
        table.Columns.Add("fixes", typeof(int));
        foreach (var step in Combine(steps))
        {
            table.Rows.Add(step.OfficerId, step.Day.ToDateTime(TimeOnly.MinValue), step.DistanceMeters, step.Fixes);
        }

        await connection.ExecuteAsync(new CommandDefinition(CreateIncomingPatrolSql, transaction: tx, cancellationToken: ct));
        await PositionRepository.BulkCopyAsync(connection, tx, "#incoming_patrol", table, ct);
        await connection.ExecuteAsync(new CommandDefinition(MergePatrolSql, transaction: tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(DropIncomingPatrolSql, transaction: tx, cancellationToken: ct));
    }

    /// <summary>Adds the increments inside <paramref name="tx"/> on whichever provider the connection is.</summary>
    public static Task AddAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<PatrolStep> steps, CancellationToken ct)
    {
        switch (connection)
        {
            case SqliteConnection sqlite:
                AddSqlite(sqlite, (SqliteTransaction)tx, steps);
                return Task.CompletedTask;
            case SqlConnection sql:
                return AddSqlServerAsync(sql, (SqlTransaction)tx, steps, ct);
            default:
                throw new NotSupportedException($"No patrol write path for {connection.GetType().Name}.");
        }
    }
}
