using System.Diagnostics;
using System.Globalization;
using Dapper;
using Dashboard.Core.Positions;
using Dashboard.Data;
using Dashboard.Data.Positions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Bench;

/// <summary>
/// Durable positions per second through <see cref="PositionWriter"/> (tracks + latest upsert) against a raw
/// Microsoft.Data.Sqlite baseline that only appends to officer_tracks (in the tracks file), each on a fresh migrated SQLite file.
/// </summary>
internal static class PositionsBench
{
    private const int BaselineBatch = 5_000;

    private const string InsertTrackSql = """
        INSERT INTO officer_tracks (officer_id, lat, lon, at, speed, heading, accuracy)
        VALUES (@OfficerId, @Latitude, @Longitude, @At, @Speed, @Heading, @Accuracy)
        """;

    public sealed record Settings(int Officers, int Fixes, int Producers);

    /// <summary>LatestRows: officers with a latest position (the baseline writes none).</summary>
    public sealed record Result(string Name, int Fixes, double Seconds, double PerSecond, long Rows, bool RowsVerified, long LatestRows);

    public sealed record Report(Settings Settings, int ProcessorCount, Result Ours, Result Baseline, Result Repository, double Ratio);

    public static async Task<Report> RunAsync(Settings settings, TextWriter output)
    {
        var root = Path.Combine(Path.GetTempPath(), "dashboard-bench", Guid.NewGuid().ToString("N"));
        try
        {
            var fixes = Generate(settings);
            output.WriteLine($"positions: {settings.Fixes:N0} fixes, {settings.Officers:N0} officers, {settings.Producers} producers, {Environment.ProcessorCount} cores");

            var ours = await RunOursAsync(await PrepareAsync(Path.Combine(root, "ours.db"), settings.Officers), fixes, settings.Producers);
            var baseline = await RunBaselineAsync(await PrepareAsync(Path.Combine(root, "baseline.db"), settings.Officers), fixes);
            var direct = await RunRepositoryAsync(await PrepareAsync(Path.Combine(root, "repository.db"), settings.Officers), fixes);
            var report = new Report(settings, Environment.ProcessorCount, ours, baseline, direct, ours.PerSecond / baseline.PerSecond);

            output.WriteLine();
            output.WriteLine($"{"",-10} {"seconds",9} {"positions/s",13} {"rows",11} {"verified",9} {"latest",8}");
            foreach (var r in new[] { ours, baseline, direct })
            {
                output.WriteLine($"{r.Name,-10} {r.Seconds,9:F2} {r.PerSecond,13:N0} {r.Rows,11:N0} {(r.RowsVerified ? "yes" : "NO"),9} {r.LatestRows,8:N0}");
            }

            output.WriteLine($"ratio ours/baseline: {report.Ratio:P0}");
            return report;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    // Officer i sends every Officers-th fix, one second apart: what a city of phones reporting in turn looks like.
    private static PositionFix[] Generate(Settings s)
    {
        var start = new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
        var fixes = new PositionFix[s.Fixes];
        for (var g = 0; g < s.Fixes; g++)
        {
            var officer = (g % s.Officers) + 1;
            fixes[g] = new PositionFix(
                officer, 29.8 + (officer % 500) * 1e-4 + (g % 97) * 1e-6, 121.5 + (officer / 500) * 1e-3, start.AddMilliseconds(g * 200.0),
                Speed: g % 5 == 0 ? null : g % 13, Heading: g % 5 == 0 ? null : g % 360, Accuracy: g % 5 == 0 ? null : 5 + (g % 20));
        }

        return fixes;
    }

    private static async Task<DbConnectionFactory> PrepareAsync(string file, int officers)
    {
        var db = new DbConnectionFactory(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={file}" });
        await new SchemaMigrator(db).MigrateAsync();
        await using var connection = (SqliteConnection)await db.OpenAsync();
        await using var tx = connection.BeginTransaction();
        // The boundary is never read here; any BLOB satisfies the column.
        await connection.ExecuteAsync(
            "INSERT INTO jurisdictions (code, name, level, parent_code, boundary, centroid_lat, centroid_lon) VALUES ('B', 'bench', 2, NULL, x'00', 29.9, 121.6)",
            transaction: tx);
        await connection.ExecuteAsync("INSERT INTO teams (code, name, township_code) VALUES ('T', 'bench', 'B')", transaction: tx);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO officers (id, code, name, team_code, township_code, mode, phone) VALUES (@id, @code, @code, 'T', 'B', 0, '0')";
            var id = insert.Parameters.Add("@id", SqliteType.Integer);
            var code = insert.Parameters.Add("@code", SqliteType.Text);
            for (var i = 1; i <= officers; i++)
            {
                id.Value = i;
                code.Value = "B" + i.ToString(CultureInfo.InvariantCulture);
                insert.ExecuteNonQuery();
            }
        }

        tx.Commit();
        return db;
    }

    private static async Task<Result> RunOursAsync(DbConnectionFactory db, PositionFix[] fixes, int producers)
    {
        var repository = new PositionRepository(db, TimeProvider.System);
        var writer = new PositionWriter(repository, new PositionWriterOptions(), TimeProvider.System, NullLogger<PositionWriter>.Instance);
        writer.Start();
        var clock = Stopwatch.StartNew();
        var slice = (fixes.Length + producers - 1) / producers;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            for (var i = p * slice; i < Math.Min(fixes.Length, (p + 1) * slice); i++)
            {
                if (!await writer.EnqueueAsync(fixes[i], Timeout.InfiniteTimeSpan))
                {
                    throw new InvalidOperationException("The writer refused a fix.");
                }
            }
        })));
        await writer.FlushAsync();
        clock.Stop();
        await writer.DisposeAsync();
        if (writer.Failed > 0)
        {
            throw new InvalidOperationException($"{writer.Failed} fixes failed.");
        }

        return await ResultAsync("ours", db, fixes.Length, clock.Elapsed);
    }

    // The repository alone, batches of 5,000 one after the other: shows what the writer's queue costs on top.
    private static async Task<Result> RunRepositoryAsync(DbConnectionFactory db, PositionFix[] fixes)
    {
        var repository = new PositionRepository(db, TimeProvider.System);
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < fixes.Length; start += BaselineBatch)
        {
            await repository.WriteBatchAsync(new ArraySegment<PositionFix>(fixes, start, Math.Min(BaselineBatch, fixes.Length - start)));
        }

        clock.Stop();
        return await ResultAsync("repository", db, fixes.Length, clock.Elapsed);
    }

    private static async Task<Result> RunBaselineAsync(DbConnectionFactory db, PositionFix[] fixes)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = (SqliteConnection)await db.OpenTracksAsync();
        for (var start = 0; start < fixes.Length; start += BaselineBatch)
        {
            using var tx = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = InsertTrackSql;
            var officer = insert.Parameters.Add("@OfficerId", SqliteType.Integer);
            var lat = insert.Parameters.Add("@Latitude", SqliteType.Real);
            var lon = insert.Parameters.Add("@Longitude", SqliteType.Real);
            var at = insert.Parameters.Add("@At", SqliteType.Text);
            var speed = insert.Parameters.Add("@Speed", SqliteType.Real);
            var heading = insert.Parameters.Add("@Heading", SqliteType.Real);
            var accuracy = insert.Parameters.Add("@Accuracy", SqliteType.Real);
            insert.Prepare();
            for (var i = start; i < Math.Min(fixes.Length, start + BaselineBatch); i++)
            {
                var f = fixes[i];
                officer.Value = f.OfficerId;
                lat.Value = f.Latitude;
                lon.Value = f.Longitude;
                at.Value = DateTimeOffsetTypeHandler.ToText(f.At);
                speed.Value = f.Speed is { } s ? s : DBNull.Value;
                heading.Value = f.Heading is { } h ? h : DBNull.Value;
                accuracy.Value = f.Accuracy is { } a ? a : DBNull.Value;
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        }

        clock.Stop();
        return await ResultAsync("baseline", db, fixes.Length, clock.Elapsed);
    }

    private static async Task<Result> ResultAsync(string name, DbConnectionFactory db, int fixes, TimeSpan elapsed)
    {
        await using var tracks = await db.OpenTracksAsync();
        var rows = await tracks.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM officer_tracks");
        await using var connection = await db.OpenAsync();
        var latest = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM officer_positions_latest");
        return new Result(name, fixes, elapsed.TotalSeconds, fixes / elapsed.TotalSeconds, rows, rows == fixes, latest);
    }
}
