using Dapper;
using Dashboard.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dashboard.Web.Hosting;

/// <summary>Ready when the database answers and the city directory has been loaded from it.</summary>
public sealed class DatabaseHealthCheck(DbConnectionFactory db, CityDirectory directory) : IHealthCheck
{
    private const string PingSql = "SELECT 1";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await db.OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition(PingSql, cancellationToken: cancellationToken));
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or IOException)
        {
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }

        return directory.IsLoaded
            ? HealthCheckResult.Healthy($"{db.Provider}, {directory.Tree.Count} jurisdictions")
            : HealthCheckResult.Unhealthy("city directory not loaded");
    }
}
