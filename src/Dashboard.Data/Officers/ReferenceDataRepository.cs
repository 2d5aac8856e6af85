using Dapper;
using Dashboard.Core.Officers;

namespace Dashboard.Data.Officers;

/// <summary>Officers, teams, command centres and grid captains: read at start-up and cached by the host.</summary>
public sealed class ReferenceDataRepository(DbConnectionFactory db)
{
    internal const string SelectOfficersSql = """
        SELECT id AS Id, code AS Code, name AS Name, team_code AS TeamCode, township_code AS TownshipCode,
               mode AS Mode, skills AS Skills, device_id AS DeviceId, phone AS Phone
        FROM officers
        ORDER BY id
        """;

    internal const string SelectTeamsSql = "SELECT code AS Code, name AS Name, township_code AS TownshipCode FROM teams ORDER BY code";

    internal const string SelectCommandCentresSql = """
        SELECT code AS Code, name AS Name, jurisdiction_code AS JurisdictionCode, lat AS Latitude, lon AS Longitude
        FROM command_centres
        ORDER BY code
        """;

    internal const string SelectGridCaptainsSql = "SELECT code AS Code, name AS Name, grid_code AS GridCode, phone AS Phone FROM grid_captains ORDER BY code";

    internal const string InsertOfficerSql = """
        INSERT INTO officers (id, code, name, team_code, township_code, mode, skills, device_id, phone)
        VALUES (@Id, @Code, @Name, @TeamCode, @TownshipCode, @Mode, @Skills, @DeviceId, @Phone)
        """;

    internal const string InsertTeamSql = "INSERT INTO teams (code, name, township_code) VALUES (@Code, @Name, @TownshipCode)";

    internal const string InsertCommandCentreSql = """
        INSERT INTO command_centres (code, name, jurisdiction_code, lat, lon)
        VALUES (@Code, @Name, @JurisdictionCode, @Latitude, @Longitude)
        """;

    internal const string InsertGridCaptainSql = "INSERT INTO grid_captains (code, name, grid_code, phone) VALUES (@Code, @Name, @GridCode, @Phone)";

    public async Task<IReadOnlyList<Officer>> LoadOfficersAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<OfficerRow>(new CommandDefinition(SelectOfficersSql, cancellationToken: ct));
        return rows.Select(r => new Officer(
                r.Id, r.Code, r.Name, r.TeamCode, r.TownshipCode, (TravelMode)r.Mode, SplitSkills(r.Skills), r.DeviceId, r.Phone))
            .ToList();
    }

    public async Task<IReadOnlyList<Team>> LoadTeamsAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<TeamRow>(new CommandDefinition(SelectTeamsSql, cancellationToken: ct));
        return rows.Select(r => new Team(r.Code, r.Name, r.TownshipCode)).ToList();
    }

    public async Task<IReadOnlyList<CommandCentre>> LoadCommandCentresAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<CommandCentreRow>(new CommandDefinition(SelectCommandCentresSql, cancellationToken: ct));
        return rows.Select(r => new CommandCentre(r.Code, r.Name, r.JurisdictionCode, r.Latitude, r.Longitude)).ToList();
    }

    public async Task<IReadOnlyList<GridCaptain>> LoadGridCaptainsAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<GridCaptainRow>(new CommandDefinition(SelectGridCaptainsSql, cancellationToken: ct));
        return rows.Select(r => new GridCaptain(r.Code, r.Name, r.GridCode, r.Phone)).ToList();
    }

    internal static object OfficerParameters(Officer o) => new
    {
        o.Id, o.Code, o.Name, o.TeamCode, o.TownshipCode, Mode = (int)o.Mode, Skills = JoinSkills(o.Skills), o.DeviceId, o.Phone,
    };

    internal static string JoinSkills(IReadOnlyList<string> skills) => string.Join(',', skills);

    private static List<string> SplitSkills(string skills) =>
        skills.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private sealed class OfficerRow
    {
        public int Id { get; set; }
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string TeamCode { get; set; } = "";
        public string TownshipCode { get; set; } = "";
        public int Mode { get; set; }
        public string Skills { get; set; } = "";
        public string? DeviceId { get; set; }
        public string Phone { get; set; } = "";
    }

    private sealed class TeamRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string TownshipCode { get; set; } = "";
    }

    private sealed class CommandCentreRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string JurisdictionCode { get; set; } = "";
        public double Latitude { get; set; }
        public double Longitude { get; set; }
    }

    private sealed class GridCaptainRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string GridCode { get; set; } = "";
        public string Phone { get; set; } = "";
    }
}
