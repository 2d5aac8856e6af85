using System.Data.Common;
using Dapper;
using Dashboard.Core.Demo;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using Dashboard.Data.Officers;
using NetTopologySuite.Geometries;

namespace Dashboard.Data.Tests;

/// <summary>A hand-made city: one district, one township, two grids, one team, two officers, two captains, three centres.</summary>
public static class TestCity
{
    public static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    public const string City = "330200";
    public const string District = "330206";
    public const string Township = "330206001";
    public const string GridA = "330206001001";
    public const string GridB = "330206001002";

    /// <summary>
    /// Adds teams and officers (no skills, no device, phone 1380000000{id}, named 队员{id}) inside the caller's transaction, with
    /// the statements the demo seeder uses.
    /// </summary>
    public static async Task AddRosterAsync(
        DbConnection connection, DbTransaction tx, IEnumerable<Team> teams, IEnumerable<(int Id, string Team, string Township)> officers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        foreach (var team in teams)
        {
            await connection.ExecuteAsync(new CommandDefinition(ReferenceDataRepository.InsertTeamSql, team, tx, cancellationToken: ct));
        }

        foreach (var (id, team, township) in officers)
        {
            await connection.ExecuteAsync(new CommandDefinition(ReferenceDataRepository.InsertOfficerSql, new
            {
                Id = id, Code = $"ZF{id:D4}", Name = $"队员{id}", TeamCode = team, TownshipCode = township, Mode = 0, Skills = "",
                DeviceId = (string?)null, Phone = $"1380000000{id}",
            }, tx, cancellationToken: ct));
        }
    }

    /// <summary>A counter-clockwise rectangle (x = longitude, y = latitude).</summary>
    public static Polygon Box(double minLon, double minLat, double maxLon, double maxLat) =>
        Factory.CreatePolygon(
        [
            new(minLon, minLat), new(maxLon, minLat), new(maxLon, maxLat), new(minLon, maxLat), new(minLon, minLat),
        ]);

    public static IReadOnlyList<JurisdictionNode> Jurisdictions() =>
    [
        new(City, "宁波市", JurisdictionLevel.City, null, Box(121.0, 29.5, 122.0, 30.2)),
        new(District, "镇海区", JurisdictionLevel.District, City, Box(121.4, 29.8, 121.8, 30.0)),
        new(Township, "九龙湖镇", JurisdictionLevel.Township, District, Box(121.5, 29.85, 121.7, 29.95)),
        new(GridA, "九龙湖第一网格", JurisdictionLevel.Grid, Township, Box(121.5, 29.85, 121.6, 29.95)),
        new(GridB, "九龙湖第二网格", JurisdictionLevel.Grid, Township, Box(121.6, 29.85, 121.7, 29.95)),
    ];

    public static DemoCity Build() => new(
        Jurisdictions(),
        [
            new("CC-" + City, "宁波市综合行政执法指挥中心", City, 29.87, 121.55),
            new("CC-" + District, "镇海区指挥中心", District, 29.95, 121.71),
            new("CC-" + Township, "九龙湖镇指挥室", Township, 29.90, 121.60),
        ],
        [new("T-" + Township, "九龙湖中队", Township)],
        [
            new(1, "ZF0001", "张伟", "T-" + Township, Township, TravelMode.EBike, ["market", "stall"], "dev-1", "13800000001"),
            new(2, "ZF0002", "李娜", "T-" + Township, Township, TravelMode.Car, [], null, "13800000002"),
        ],
        [
            new("GC-" + GridA, "王芳", GridA, "13900000001"),
            new("GC-" + GridB, "刘洋", GridB, "13900000002"),
        ]);
}
