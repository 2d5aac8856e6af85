using Dapper;
using Microsoft.Data.Sqlite;

namespace Dashboard.Web.Tests.Infrastructure;

/// <summary>Counts rows straight from the SQLite file, independent of the app's repositories.</summary>
public static class DatabaseProbe
{
    public static async Task<long> CountAsync(this DashboardAppFactory factory, string table)
    {
        ArgumentNullException.ThrowIfNull(factory);
        await using var connection = new SqliteConnection(factory.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        // Table names come from the tests' own constants, never from input.
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }
}
