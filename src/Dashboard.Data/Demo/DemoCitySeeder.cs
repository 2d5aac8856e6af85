using System.Data;
using Dapper;
using Dashboard.Core.Demo;
using Dashboard.Data.Jurisdictions;
using Dashboard.Data.Officers;

namespace Dashboard.Data.Demo;

/// <summary>Fills an empty database with the demo city so that a bare <c>dotnet run</c> shows something.</summary>
public sealed class DemoCitySeeder(DbConnectionFactory db)
{
    /// <returns>True when it seeded; false when jurisdictions already existed and nothing was written.</returns>
    public async Task<bool> SeedIfEmptyAsync(DemoCity city, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(city);
        await using var connection = await db.OpenAsync(ct);
        // Serializable: a second instance starting at the same time waits, then sees the rows and backs off.
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.Serializable, ct);
        var existing = await connection.ExecuteScalarAsync<int>(new CommandDefinition(JurisdictionRepository.CountSql, transaction: tx, cancellationToken: ct));
        if (existing > 0)
        {
            return false;
        }

        var parentsFirst = city.Jurisdictions.OrderBy(j => j.Level).ThenBy(j => j.Code, StringComparer.Ordinal);
        await JurisdictionRepository.WriteAsync(connection, tx, db.Dialect, parentsFirst, insert: true, ct);
        await ExecuteAsync(ReferenceDataRepository.InsertCommandCentreSql, city.CommandCentres);
        await ExecuteAsync(ReferenceDataRepository.InsertTeamSql, city.Teams);
        await ExecuteAsync(ReferenceDataRepository.InsertOfficerSql, city.Officers.Select(ReferenceDataRepository.OfficerParameters).ToList());
        await ExecuteAsync(ReferenceDataRepository.InsertGridCaptainSql, city.GridCaptains);
        await tx.CommitAsync(ct);
        return true;

        // Dapper runs a list parameter through one command, re-binding it per item.
        async Task ExecuteAsync(string sql, System.Collections.IEnumerable rows)
        {
            if (rows.Cast<object>().Any())
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, rows, tx, cancellationToken: ct));
            }
        }
    }
}
