using Dapper;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data.Jurisdictions;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Dashboard.Data.Tests.Jurisdictions;

public abstract class JurisdictionRepositoryTests : DatabaseTests
{
    [Fact]
    public async Task Seeded_nodes_load_back_with_parents_before_children()
    {
        await using var db = await CreateSeededAsync();
        var repository = new JurisdictionRepository(db.Factory);

        var nodes = await repository.LoadAllAsync(Ct);

        Assert.Equal(5, await repository.CountAsync(Ct));
        Assert.Equal([TestCity.City, TestCity.District, TestCity.Township, TestCity.GridA, TestCity.GridB], nodes.Select(n => n.Code));
        var expected = TestCity.Jurisdictions().ToDictionary(n => n.Code);
        foreach (var node in nodes)
        {
            var want = expected[node.Code];
            Assert.Equal((want.Name, want.Level, want.ParentCode), (node.Name, node.Level, node.ParentCode));
            Assert.True(want.Boundary.EqualsExact(node.Boundary), $"{node.Code}: {node.Boundary} != {want.Boundary}");
            Assert.Equal(4326, node.Boundary.SRID);
        }

        Assert.Equal(5, new JurisdictionTree(nodes).Count);
    }

    [Fact]
    public async Task Polygon_with_a_hole_and_multipolygon_survive_the_round_trip_exactly()
    {
        await using var db = await CreateSeededAsync();
        var shell = TestCity.Box(121.5, 29.85, 121.6, 29.95).Shell;
        var hole = (LinearRing)TestCity.Box(121.52, 29.87, 121.54, 29.89).Shell.Reverse();
        var holed = TestCity.Factory.CreatePolygon(shell, [hole]);
        var multi = TestCity.Factory.CreateMultiPolygon([TestCity.Box(121.6, 29.85, 121.65, 29.9), TestCity.Box(121.66, 29.9, 121.7, 29.95)]);
        await WriteAsync(db, insert: false,
            new JurisdictionNode(TestCity.GridA, "带洞网格", JurisdictionLevel.Grid, TestCity.Township, holed),
            new JurisdictionNode(TestCity.GridB, "飞地网格", JurisdictionLevel.Grid, TestCity.Township, multi));

        var nodes = (await new JurisdictionRepository(db.Factory).LoadAllAsync(Ct)).ToDictionary(n => n.Code);

        Assert.True(holed.EqualsExact(nodes[TestCity.GridA].Boundary), nodes[TestCity.GridA].Boundary.ToString());
        Assert.True(multi.EqualsExact(nodes[TestCity.GridB].Boundary), nodes[TestCity.GridB].Boundary.ToString());
        Assert.Equal("带洞网格", nodes[TestCity.GridA].Name);
    }

    [Fact]
    public async Task Clockwise_boundary_is_stored_as_the_same_area()
    {
        await using var db = await CreateSeededAsync();
        var clockwise = (Polygon)TestCity.Box(121.5, 29.85, 121.6, 29.95).Reverse();
        await WriteAsync(db, insert: false, new JurisdictionNode(TestCity.GridA, "顺时针网格", JurisdictionLevel.Grid, TestCity.Township, clockwise));

        var stored = (await new JurisdictionRepository(db.Factory).LoadAllAsync(Ct)).Single(n => n.Code == TestCity.GridA).Boundary;

        Assert.True(clockwise.EqualsTopologically(stored), stored.ToString());
        Assert.Equal(clockwise.Area, stored.Area, 12);
    }

    private static async Task WriteAsync(TestDatabase db, bool insert, params JurisdictionNode[] nodes)
    {
        await using var connection = await db.Factory.OpenAsync(Ct);
        await using var tx = await connection.BeginTransactionAsync(Ct);
        await JurisdictionRepository.WriteAsync(connection, tx, db.Factory.Dialect, nodes, insert, Ct);
        await tx.CommitAsync(Ct);
    }
}

public sealed class SqliteJurisdictionRepositoryTests : JurisdictionRepositoryTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());

    [Fact]
    public async Task Boundary_is_stored_as_plain_wkb_and_centroid_beside_it()
    {
        await using var db = await CreateSeededAsync();
        await using var connection = await db.Factory.OpenAsync(Ct);

        var (boundary, lat, lon) = await connection.QuerySingleAsync<(byte[], double, double)>(
            "SELECT boundary, centroid_lat, centroid_lon FROM jurisdictions WHERE code = @Code", new { Code = TestCity.Township });

        var expected = TestCity.Jurisdictions().Single(n => n.Code == TestCity.Township).Boundary;
        Assert.Equal(new WKBWriter(ByteOrder.LittleEndian, false, false, false).Write(expected), boundary);
        Assert.Equal(29.9, lat, 9);
        Assert.Equal(121.6, lon, 9);
    }
}
