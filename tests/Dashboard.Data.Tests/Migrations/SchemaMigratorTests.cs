using Dapper;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Tests.Migrations;

public abstract class SchemaMigratorTests : DatabaseTests
{
    private static readonly string[] EmptyTables =
        ["jurisdictions", "command_centres", "teams", "officers", "grid_captains", "users", "incidents", "incident_events", "incident_photos",
         "officer_positions_latest", "tasks"];

    [Fact]
    public async Task Migrating_an_empty_database_creates_every_table_and_records_the_version()
    {
        await using var db = await CreateEmptyAsync();

        var applied = await new SchemaMigrator(db.Factory).MigrateAsync(Ct);

        Assert.Equal(["0001_foundation.sql", "0002_intake.sql", "0003_positions.sql", "0004_dispatch.sql", "0005_metrics.sql", "0006_portraits.sql", "0007_metrics_horizon.sql"], applied);
        await using var connection = await db.Factory.OpenAsync(Ct);
        foreach (var table in EmptyTables)
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>($"SELECT COUNT(*) FROM {table}"));
        }

        await using (var tracks = await db.Factory.OpenTracksAsync(Ct))
        {
            Assert.Equal(0, await tracks.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM officer_tracks"));
        }

        // The intake script seeds the default enforcement categories.
        Assert.Equal(12, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM categories"));
        var versions = (await connection.QueryAsync<(int Version, string Name)>("SELECT version, name FROM schema_versions ORDER BY version")).ToList();
        Assert.Equal([(1, "0001_foundation.sql"), (2, "0002_intake.sql"), (3, "0003_positions.sql"), (4, "0004_dispatch.sql"), (5, "0005_metrics.sql"), (6, "0006_portraits.sql"), (7, "0007_metrics_horizon.sql")], versions);
    }

    [Fact]
    public async Task Migrating_twice_applies_nothing_the_second_time()
    {
        await using var db = await CreateEmptyAsync();
        var migrator = new SchemaMigrator(db.Factory);
        await migrator.MigrateAsync(Ct);

        var second = await migrator.MigrateAsync(Ct);

        Assert.Empty(second);
        await using var connection = await db.Factory.OpenAsync(Ct);
        Assert.Equal(7, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_versions"));
        Assert.Equal(12, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM categories"));
    }

    [Fact]
    public async Task Foreign_keys_are_enforced()
    {
        await using var db = await CreateMigratedAsync();
        await using var connection = await db.Factory.OpenAsync(Ct);

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync(
            "INSERT INTO teams (code, name, township_code) VALUES ('T', 'orphan', 'no-such-township')"));
    }
}

public sealed class SqliteSchemaMigratorTests : SchemaMigratorTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());

    [Fact]
    public async Task Opening_creates_the_missing_directory_and_the_file_uses_wal()
    {
        await using var db = SqliteTestDatabase.Create();
        Assert.False(Directory.Exists(Path.GetDirectoryName(db.FilePath)));

        await new SchemaMigrator(db.Factory).MigrateAsync(Ct);

        Assert.True(File.Exists(db.FilePath));
        // Read through a plain connection: WAL must be a property of the file, not of the factory's session.
        await using var plain = new SqliteConnection($"Data Source={db.FilePath};Pooling=False");
        await plain.OpenAsync(Ct);
        Assert.Equal("wal", await plain.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task The_tracks_live_in_their_own_wal_file_next_to_the_database()
    {
        await using var db = SqliteTestDatabase.Create();

        await new SchemaMigrator(db.Factory).MigrateAsync(Ct);

        var tracksFile = Path.Combine(Path.GetDirectoryName(db.FilePath)!, "dashboard.tracks.db");
        Assert.Equal(tracksFile, db.Factory.TracksFile);
        await using var main = await db.Factory.OpenAsync(Ct);
        Assert.Equal(0, await main.ExecuteScalarAsync<int>(Dashboard.Data.Positions.TrackFile.MainHasTracksSqliteSql));
        await using var plain = new SqliteConnection($"Data Source={tracksFile};Pooling=False");
        await plain.OpenAsync(Ct);
        Assert.Equal("wal", await plain.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(0, await plain.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM officer_tracks"));
    }

    [Fact]
    public async Task Tracks_in_the_main_file_from_before_are_moved_into_the_tracks_file_once_with_their_ids()
    {
        await using var db = await CreateSeededAsync();
        var officer = await OfficerIdAsync(db);
        await using (var main = await db.Factory.OpenAsync(Ct))
        {
            // What 0003_positions.sql made and earlier versions wrote to.
            await main.ExecuteAsync("""
                CREATE TABLE officer_tracks (
                    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, officer_id INTEGER NOT NULL REFERENCES officers (id),
                    lat REAL NOT NULL, lon REAL NOT NULL, at TEXT NOT NULL, speed REAL NULL, heading REAL NULL, accuracy REAL NULL);
                """);
            await main.ExecuteAsync(
                "INSERT INTO officer_tracks (id, officer_id, lat, lon, at, speed) VALUES (7, @Officer, 29.9, 121.6, '2026-11-20T01:00:00.0000000Z', 3.5), (9, @Officer, 29.91, 121.61, '2026-11-20T01:00:10.0000000Z', NULL)",
                new { Officer = officer });
        }

        // A move cut short after the copy: row 7 is in the tracks file already, the main file still has its table.
        await using (var tracks = await db.Factory.OpenTracksAsync(Ct))
        {
            await tracks.ExecuteAsync(
                "INSERT INTO officer_tracks (id, officer_id, lat, lon, at, speed) VALUES (7, @Officer, 29.9, 121.6, '2026-11-20T01:00:00.0000000Z', 3.5)",
                new { Officer = officer });
        }

        Assert.Empty(await new SchemaMigrator(db.Factory).MigrateAsync(Ct));

        await using (var main = await db.Factory.OpenAsync(Ct))
        {
            Assert.Equal(0, await main.ExecuteScalarAsync<int>(Dashboard.Data.Positions.TrackFile.MainHasTracksSqliteSql));
        }

        var positions = new Dashboard.Data.Positions.PositionRepository(db.Factory, TimeProvider.System);
        Assert.Equal(2, await positions.CountTrackRowsAsync(Ct));
        await using (var tracks = await db.Factory.OpenTracksAsync(Ct))
        {
            Assert.Equal([7L, 9L], await tracks.QueryAsync<long>("SELECT id FROM officer_tracks ORDER BY id"));
        }

        var track = await positions.TrackAsync(officer, new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), ct: Ct);
        Assert.Equal([3.5, null], track.Select(f => f.Speed));
    }

    private static async Task<int> OfficerIdAsync(TestDatabase db)
    {
        await using var connection = await db.Factory.OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<int>("SELECT MIN(id) FROM officers");
    }

    [Fact]
    public async Task Every_session_has_foreign_keys_busy_timeout_and_normal_sync()
    {
        await using var db = await CreateMigratedAsync();
        await using var connection = await db.Factory.OpenAsync(Ct);

        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("PRAGMA foreign_keys"));
        Assert.Equal(5000, await connection.ExecuteScalarAsync<int>("PRAGMA busy_timeout"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("PRAGMA synchronous"));
    }
}
