using Dapper;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Tests.Migrations;

public abstract class SchemaMigratorTests : DatabaseTests
{
    private static readonly string[] EmptyTables =
        ["jurisdictions", "command_centres", "teams", "officers", "grid_captains", "users", "incidents", "incident_events", "incident_photos",
         "officer_positions_latest", "officer_tracks", "tasks"];

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
    public async Task Every_session_has_foreign_keys_busy_timeout_and_normal_sync()
    {
        await using var db = await CreateMigratedAsync();
        await using var connection = await db.Factory.OpenAsync(Ct);

        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("PRAGMA foreign_keys"));
        Assert.Equal(5000, await connection.ExecuteScalarAsync<int>("PRAGMA busy_timeout"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("PRAGMA synchronous"));
    }
}
