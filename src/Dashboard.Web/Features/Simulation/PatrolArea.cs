using Dashboard.Core.Positions;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace Dashboard.Web.Features.Simulation;

/// <summary>A township's polygon as a patrol area: random interior waypoints joined by straight legs that stay inside.</summary>
public sealed class PatrolArea
{
    private readonly Geometry _boundary;
    private readonly IPreparedGeometry _prepared;

    public PatrolArea(Geometry boundary)
    {
        ArgumentNullException.ThrowIfNull(boundary);
        _boundary = boundary;
        _prepared = PreparedGeometryFactory.Prepare(boundary);
    }

    public bool Contains(double latitude, double longitude) => _prepared.Covers(_boundary.Factory.CreatePoint(new Coordinate(longitude, latitude)));

    public (double Lat, double Lon) RandomPoint(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var box = _boundary.EnvelopeInternal;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var lon = box.MinX + (rng.NextDouble() * box.Width);
            var lat = box.MinY + (rng.NextDouble() * box.Height);
            if (Contains(lat, lon))
            {
                return (lat, lon);
            }
        }

        var p = _boundary.InteriorPoint;
        return (p.Y, p.X);
    }

    /// <summary>A waypoint whose straight leg from (lat, lon) stays inside the area; null when none was found this time.</summary>
    public (double Lat, double Lon)? NextWaypoint(double latitude, double longitude, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var from = new Coordinate(longitude, latitude);
        // From outside (back from an incident next door) any interior point will do: the officer heads home.
        var inside = Contains(latitude, longitude);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var (lat, lon) = RandomPoint(rng);
            if (!inside || _prepared.Covers(_boundary.Factory.CreateLineString([from, new Coordinate(lon, lat)])))
            {
                return (lat, lon);
            }
        }

        return null;
    }

    /// <summary>Moves from (lat, lon) toward the target by at most <paramref name="meters"/>; Arrived when it got there.</summary>
    public static (double Lat, double Lon, bool Arrived, double Heading) Step(double lat, double lon, double targetLat, double targetLon, double meters)
    {
        var remaining = Geo.HaversineMeters(lat, lon, targetLat, targetLon);
        var heading = Bearing(lat, lon, targetLat, targetLon);
        if (remaining <= meters || remaining < 0.01)
        {
            return (targetLat, targetLon, true, heading);
        }

        var f = meters / remaining;
        return (lat + ((targetLat - lat) * f), lon + ((targetLon - lon) * f), false, heading);
    }

    private static double Bearing(double lat1, double lon1, double lat2, double lon2)
    {
        var phi1 = lat1 * Math.PI / 180;
        var phi2 = lat2 * Math.PI / 180;
        var dLon = (lon2 - lon1) * Math.PI / 180;
        var y = Math.Sin(dLon) * Math.Cos(phi2);
        var x = (Math.Cos(phi1) * Math.Sin(phi2)) - (Math.Sin(phi1) * Math.Cos(phi2) * Math.Cos(dLon));
        return ((Math.Atan2(y, x) * 180 / Math.PI) + 360) % 360;
    }
}
