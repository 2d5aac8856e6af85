using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace Dashboard.Data;

internal static class RingOrientation
{
    /// <summary>Exterior rings counter-clockwise, holes clockwise (the left-hand rule of SQL Server geography).</summary>
    public static Geometry ShellsCounterClockwise(Geometry geometry) => geometry switch
    {
        Polygon p => Orient(p),
        MultiPolygon mp => Orient(mp),
        _ => geometry,
    };

    private static MultiPolygon Orient(MultiPolygon multi)
    {
        var parts = Enumerable.Range(0, multi.NumGeometries).Select(i => Orient((Polygon)multi.GetGeometryN(i))).ToArray();
        var result = multi.Factory.CreateMultiPolygon(parts);
        result.SRID = multi.SRID;
        return result;
    }

    private static Polygon Orient(Polygon polygon)
    {
        var shell = Ensure(polygon.Shell, counterClockwise: true);
        var holes = polygon.Holes.Select(h => Ensure(h, counterClockwise: false)).ToArray();
        var result = polygon.Factory.CreatePolygon(shell, holes);
        result.SRID = polygon.SRID;
        return result;
    }

    private static LinearRing Ensure(LinearRing ring, bool counterClockwise) =>
        Orientation.IsCCW(ring.CoordinateSequence) == counterClockwise ? ring : (LinearRing)ring.Reverse();
}
