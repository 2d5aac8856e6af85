using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace Dashboard.Data.Tests.SqlServer;

public sealed class SqlDialectTests
{
    [Fact]
    public void SqlServer_geometry_gets_counter_clockwise_shells_and_clockwise_holes()
    {
        var shell = (LinearRing)TestCity.Box(121.5, 29.85, 121.6, 29.95).Shell.Reverse();
        var hole = TestCity.Box(121.52, 29.87, 121.54, 29.89).Shell;
        var polygon = TestCity.Factory.CreatePolygon(shell, [hole]);
        var multi = TestCity.Factory.CreateMultiPolygon([polygon, (Polygon)TestCity.Box(121.7, 29.85, 121.8, 29.95).Reverse()]);

        var prepared = (MultiPolygon)SqlDialect.SqlServer.PrepareGeometry(multi);

        foreach (var part in prepared.Geometries.Cast<Polygon>())
        {
            Assert.True(Orientation.IsCCW(part.Shell.CoordinateSequence));
            Assert.All(part.Holes, h => Assert.False(Orientation.IsCCW(h.CoordinateSequence)));
        }

        Assert.True(multi.EqualsTopologically(prepared));
        Assert.Equal(4326, prepared.SRID);
        Assert.Same(multi, SqlDialect.Sqlite.PrepareGeometry(multi));
    }

    [Fact]
    public void SqlServer_scripts_are_split_on_lines_consisting_of_GO_only()
    {
        const string script = "CREATE TABLE a (go int);\nGO\nCREATE INDEX ix ON a (go);\r\n  go  \r\nSELECT 'GO' AS x;\nGO;\n";

        var batches = SqlDialect.SqlServer.SplitScript(script);

        Assert.Equal(["CREATE TABLE a (go int);", "CREATE INDEX ix ON a (go);", "SELECT 'GO' AS x;"], batches.Select(b => b.Trim()));
        Assert.Equal([script], SqlDialect.Sqlite.SplitScript(script));
    }
}
