using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace Dashboard.Core.Demo;

/// <summary>Seeded draws shared by the history generator and the field simulator, so both pick places and weights alike.</summary>
public static class RandomDraws
{
    /// <summary>Running totals of <paramref name="weights"/>, for <see cref="Pick"/>.</summary>
    public static double[] Cumulative(IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var sums = new double[weights.Count];
        var total = 0.0;
        for (var i = 0; i < weights.Count; i++)
        {
            total += weights[i];
            sums[i] = total;
        }

        return sums;
    }

    /// <summary>An index drawn with the probability of its weight (<paramref name="cumulative"/> from <see cref="Cumulative"/>).</summary>
    public static int Pick(Random rng, double[] cumulative)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(cumulative);
        var x = rng.NextDouble() * cumulative[^1];
        var i = Array.BinarySearch(cumulative, x);
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }

    /// <summary>
    /// A point inside <paramref name="area"/>: near <paramref name="around"/> (within <paramref name="radius"/> degrees) when given,
    /// anywhere in it otherwise; after 50 misses, <paramref name="around"/> or the area's interior point.
    /// </summary>
    public static Coordinate PointIn(Random rng, Geometry area, IndexedPointInAreaLocator locator, Coordinate? around, double radius)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(area);
        ArgumentNullException.ThrowIfNull(locator);
        var box = area.EnvelopeInternal;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var c = around is null
                ? new Coordinate(box.MinX + (rng.NextDouble() * box.Width), box.MinY + (rng.NextDouble() * box.Height))
                : new Coordinate(around.X + (((2 * rng.NextDouble()) - 1) * radius), around.Y + (((2 * rng.NextDouble()) - 1) * radius));
            if (locator.Locate(c) == Location.Interior)
            {
                return c;
            }
        }

        return around ?? area.InteriorPoint.Coordinate;
    }
}
