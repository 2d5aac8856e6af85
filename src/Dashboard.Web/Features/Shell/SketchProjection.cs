using System.Globalization;
using System.Text;
using NetTopologySuite.Geometries;

namespace Dashboard.Web.Features.Shell;

/// <summary>Equirectangular projection of a WGS-84 envelope into an SVG box, longitude scaled by cos(latitude).</summary>
public sealed class SketchProjection
{
    private readonly Envelope _envelope;
    private readonly double _scale;
    private readonly double _lonFactor;
    private readonly double _offsetX;
    private readonly double _offsetY;

    private SketchProjection(Envelope envelope, double width, double height)
    {
        _envelope = envelope;
        _lonFactor = Math.Cos(envelope.Centre.Y * Math.PI / 180);
        var spanX = Math.Max(envelope.Width * _lonFactor, 1e-9);
        var spanY = Math.Max(envelope.Height, 1e-9);
        _scale = Math.Min(width / spanX, height / spanY) * 0.96;
        _offsetX = (width - (spanX * _scale)) / 2;
        _offsetY = (height - (spanY * _scale)) / 2;
    }

    public static SketchProjection Fit(Envelope envelope, double width, double height) => new(envelope, width, height);

    public (double X, double Y) Project(Coordinate c) =>
        (_offsetX + ((c.X - _envelope.MinX) * _lonFactor * _scale), _offsetY + ((_envelope.MaxY - c.Y) * _scale));

    public string Path(Geometry geometry)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is not Polygon polygon)
            {
                continue;
            }

            Ring(sb, polygon.ExteriorRing);
            foreach (var hole in polygon.InteriorRings)
            {
                Ring(sb, hole);
            }
        }

        return sb.ToString();
    }

    private void Ring(StringBuilder sb, LineString ring)
    {
        var coordinates = ring.Coordinates;
        for (var i = 0; i < coordinates.Length; i++)
        {
            var (x, y) = Project(coordinates[i]);
            sb.Append(i == 0 ? 'M' : 'L')
                .Append(x.ToString("0.#", CultureInfo.InvariantCulture)).Append(' ')
                .Append(y.ToString("0.#", CultureInfo.InvariantCulture));
        }

        sb.Append('Z');
    }
}
