using System.Data.Common;
using Dapper;
using Dashboard.Core.Jurisdictions;
using NetTopologySuite.Geometries;

namespace Dashboard.Data.Jurisdictions;

public sealed class JurisdictionRepository(DbConnectionFactory db)
{
    internal const string CountSql = "SELECT COUNT(*) FROM jurisdictions";

    internal static string SelectAllSql(SqlDialect d) => $"""
        SELECT code AS Code, name AS Name, level AS Level, parent_code AS ParentCode, {d.GeometryColumn("boundary")} AS Boundary
        FROM jurisdictions
        ORDER BY level, code
        """;

    internal static string InsertSql(SqlDialect d) => $"""
        INSERT INTO jurisdictions (code, name, level, parent_code, boundary, centroid_lat, centroid_lon)
        VALUES (@Code, @Name, @Level, @ParentCode, {d.GeometryValue("@Boundary")}, @CentroidLat, @CentroidLon)
        """;

    internal static string UpdateSql(SqlDialect d) => $"""
        UPDATE jurisdictions
        SET name = @Name, level = @Level, parent_code = @ParentCode, boundary = {d.GeometryValue("@Boundary")},
            centroid_lat = @CentroidLat, centroid_lon = @CentroidLon
        WHERE code = @Code
        """;

    public async Task<IReadOnlyList<JurisdictionNode>> LoadAllAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await LoadAllAsync(connection, null, db.Dialect, ct);
    }

    public async Task<int> CountAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(CountSql, cancellationToken: ct));
    }

    internal static async Task<IReadOnlyList<JurisdictionNode>> LoadAllAsync(DbConnection connection, DbTransaction? tx, SqlDialect dialect, CancellationToken ct)
    {
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectAllSql(dialect), transaction: tx, cancellationToken: ct));
        return rows.Select(r => new JurisdictionNode(r.Code, r.Name, (JurisdictionLevel)r.Level, r.ParentCode, r.Boundary)).ToList();
    }

    /// <summary>Inserts or updates nodes in the given order; callers put parents before children.</summary>
    internal static async Task WriteAsync(
        DbConnection connection, DbTransaction tx, SqlDialect dialect, IEnumerable<JurisdictionNode> nodes, bool insert, CancellationToken ct)
    {
        var parameters = nodes.Select(n => ToParameters(n, dialect)).ToList();
        if (parameters.Count == 0)
        {
            return;
        }

        var sql = insert ? InsertSql(dialect) : UpdateSql(dialect);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: ct));
    }

    private static Parameters ToParameters(JurisdictionNode node, SqlDialect dialect)
    {
        var centroid = node.Boundary.Centroid;
        return new Parameters(node.Code, node.Name, (int)node.Level, node.ParentCode, dialect.PrepareGeometry(node.Boundary), centroid.Y, centroid.X);
    }

    private sealed record Parameters(string Code, string Name, int Level, string? ParentCode, Geometry Boundary, double CentroidLat, double CentroidLon);

    private sealed class Row
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public int Level { get; set; }
        public string? ParentCode { get; set; }
        public Geometry Boundary { get; set; } = Polygon.Empty;
    }
}
