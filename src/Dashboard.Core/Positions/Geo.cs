namespace Dashboard.Core.Positions;

public static class Geo
{
    /// <summary>Mean earth radius (IUGG), metres.</summary>
    public const double EarthRadiusMeters = 6_371_008.8;

    public static double HaversineMeters(double lat1, double lon1, double lat2, double lon2)
    {
        const double toRad = Math.PI / 180;
        var dLat = (lat2 - lat1) * toRad;
        var dLon = (lon2 - lon1) * toRad;
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
              + (Math.Cos(lat1 * toRad) * Math.Cos(lat2 * toRad) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
