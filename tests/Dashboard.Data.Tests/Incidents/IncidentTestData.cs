using Dapper;
using Dashboard.Core.Accounts;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data.Accounts;
using Dashboard.Data.Incidents;
using Dashboard.Data.Jurisdictions;

namespace Dashboard.Data.Tests.Incidents;

/// <summary>A second district beside TestCity's, two grid captains to report, and a report builder.</summary>
internal static class IncidentTestData
{
    public const string OtherDistrict = "330211";
    public const string OtherTownship = "330211001";
    public const string OtherGrid = "330211001001";
    public const string CodePrefix = "SJ20261123-";

    public static readonly DateTimeOffset ReportedAt = new(2026, 11, 23, 9, 30, 15, TimeSpan.FromHours(8));

    public sealed record Reporters(long Captain, long OtherCaptain);

    /// <summary>Adds the second district subtree and two user accounts (incidents.reported_by needs real users).</summary>
    public static async Task<Reporters> PrepareAsync(TestDatabase db, CancellationToken ct)
    {
        JurisdictionNode[] nodes =
        [
            new(OtherDistrict, "江北区", JurisdictionLevel.District, TestCity.City, TestCity.Box(121.4, 29.9, 121.5, 30.0)),
            new(OtherTownship, "慈城镇", JurisdictionLevel.Township, OtherDistrict, TestCity.Box(121.4, 29.9, 121.5, 30.0)),
            new(OtherGrid, "慈城第一网格", JurisdictionLevel.Grid, OtherTownship, TestCity.Box(121.4, 29.9, 121.5, 30.0)),
        ];
        await using (var connection = await db.Factory.OpenAsync(ct))
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await JurisdictionRepository.WriteAsync(connection, tx, db.Factory.Dialect, nodes, insert: true, ct);
            await tx.CommitAsync(ct);
        }

        var users = new UserRepository(db.Factory, TimeProvider.System);
        var captain = await users.InsertAsync(new UserAccount(0, "wangfang", "王芳", "hash", Roles.GridCaptain, TestCity.GridA, null, 0, null), ct);
        var other = await users.InsertAsync(new UserAccount(0, "liuyang", "刘洋", "hash", Roles.GridCaptain, TestCity.GridB, null, 0, null), ct);
        return new Reporters(captain, other);
    }

    public static NewReport Report(
        long reportedBy,
        string clientId,
        string? grid = TestCity.GridA,
        string township = TestCity.Township,
        string district = TestCity.District,
        string category = "ZDJY",
        IReadOnlyList<NewPhoto>? photos = null) =>
        new(clientId, category, "人行道上有流动摊贩占道经营", 29.9012345, 121.5543219, grid, township, district,
            ReportedAt, ReportedAt.AddMinutes(-7), reportedBy, "王芳", "user:" + reportedBy, CodePrefix, photos ?? []);

    public static NewReport ReportInOtherDistrict(long reportedBy, string clientId) =>
        Report(reportedBy, clientId, OtherGrid, OtherTownship, OtherDistrict);

    public static async Task<(int Incidents, int Events, int Photos)> CountRowsAsync(TestDatabase db, CancellationToken ct)
    {
        await using var connection = await db.Factory.OpenAsync(ct);
        return (
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM incidents", cancellationToken: ct)),
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM incident_events", cancellationToken: ct)),
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM incident_photos", cancellationToken: ct)));
    }

    /// <summary>Moves an incident on without an event; there is no repository operation for that yet.</summary>
    public static async Task SetStatusAsync(TestDatabase db, long id, Core.Incidents.IncidentStatus status, CancellationToken ct)
    {
        await using var connection = await db.Factory.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE incidents SET status = @Status WHERE id = @Id", new { Id = id, Status = (int)status }, cancellationToken: ct));
    }
}
