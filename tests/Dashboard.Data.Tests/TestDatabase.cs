using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Tests;

/// <summary>A fresh, empty database for one test; removed again on dispose.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    protected TestDatabase(DatabaseOptions options)
    {
        Options = options;
        Factory = new DbConnectionFactory(options);
    }

    public DatabaseOptions Options { get; }

    public DbConnectionFactory Factory { get; }

    public async Task<TestDatabase> MigratedAsync()
    {
        await new SchemaMigrator(Factory).MigrateAsync(TestContext.Current.CancellationToken);
        return this;
    }

    public abstract ValueTask DisposeAsync();
}

/// <summary>A real SQLite file in its own temporary directory (not yet created: the factory must create it).</summary>
public sealed class SqliteTestDatabase : TestDatabase
{
    private SqliteTestDatabase(string directory)
        : base(new DatabaseOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(directory, "data", "dashboard.db")}",
        })
    {
        Directory = directory;
        FilePath = Path.Combine(directory, "data", "dashboard.db");
    }

    public string Directory { get; }

    public string FilePath { get; }

    public static SqliteTestDatabase Create() =>
        new(Path.Combine(Path.GetTempPath(), "dashboard-data-tests", Guid.NewGuid().ToString("N")));

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them so the directory can go.
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A throw-away database on the server named by DASHBOARD_SQLSERVER_TEST (a connection string with rights to create databases).
/// Without it the calling test is skipped.
/// </summary>
public sealed class SqlServerTestDatabase : TestDatabase
{
    public const string EnvironmentVariable = "DASHBOARD_SQLSERVER_TEST";

    private readonly string _serverConnectionString;
    private readonly string _databaseName;

    private SqlServerTestDatabase(string serverConnectionString, string databaseName, string connectionString)
        : base(new DatabaseOptions { Provider = DatabaseProvider.SqlServer, ConnectionString = connectionString })
    {
        _serverConnectionString = serverConnectionString;
        _databaseName = databaseName;
    }

    public static async Task<SqlServerTestDatabase> CreateAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Skip($"SQL Server live tests need {EnvironmentVariable} set to a connection string (none can run on this machine).");
        }

        var server = new SqlConnectionStringBuilder(connectionString) { InitialCatalog = "master" }.ConnectionString;
        var name = "dashboard_test_" + Guid.NewGuid().ToString("N");
        await ExecuteOnServerAsync(server, "DECLARE @sql nvarchar(max) = N'CREATE DATABASE ' + QUOTENAME(@name); EXEC (@sql);", name);
        var database = new SqlConnectionStringBuilder(connectionString) { InitialCatalog = name }.ConnectionString;
        return new SqlServerTestDatabase(server, name, database);
    }

    public override async ValueTask DisposeAsync()
    {
        SqlConnection.ClearAllPools();
        await ExecuteOnServerAsync(
            _serverConnectionString,
            "DECLARE @sql nvarchar(max) = N'ALTER DATABASE ' + QUOTENAME(@name) + N' SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE ' + QUOTENAME(@name); EXEC (@sql);",
            _databaseName);
    }

    private static async Task ExecuteOnServerAsync(string connectionString, string sql, string databaseName)
    {
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand(sql, connection);
        command.Parameters.AddWithValue("@name", databaseName);
        await command.ExecuteNonQueryAsync();
    }
}
