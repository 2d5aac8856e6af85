using Dashboard.Core.Positions;

namespace Dashboard.Core.Tests.Positions;

public sealed class JitterFilterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 1, 0, 0, TimeSpan.Zero);

    private static PositionFix Fix(double secondsAfter, double lat = 29.95, double lon = 121.6, double? accuracy = 10) =>
        new(7, lat, lon, T0.AddSeconds(secondsAfter), Accuracy: accuracy);

    [Fact]
    public void First_fix_is_kept_and_an_exact_repeat_is_a_duplicate()
    {
        var filter = new JitterFilter(new JitterFilterOptions());

        Assert.Equal(JitterVerdict.Keep, filter.Check(Fix(0)));
        Assert.Equal(JitterVerdict.Duplicate, filter.Check(Fix(0)));
    }

    [Fact]
    public void Wobble_while_standing_is_dropped_until_the_interval_passes()
    {
        var filter = new JitterFilter(new JitterFilterOptions { MinDistanceMeters = 5, MinInterval = TimeSpan.FromSeconds(30) });
        filter.Check(Fix(0));

        // ~1.1 m north
        Assert.Equal(JitterVerdict.TooClose, filter.Check(Fix(5, lat: 29.95001)));
        Assert.Equal(JitterVerdict.Keep, filter.Check(Fix(31, lat: 29.95001)));
    }

    [Fact]
    public void Moving_officer_is_kept_and_a_teleport_is_a_jump()
    {
        var filter = new JitterFilter(new JitterFilterOptions());
        filter.Check(Fix(0));

        // ~111 m in 10 s = 11 m/s, an e-bike
        Assert.Equal(JitterVerdict.Keep, filter.Check(Fix(10, lat: 29.951)));
        // ~11 km in 10 s
        Assert.Equal(JitterVerdict.Jump, filter.Check(Fix(20, lat: 30.05)));
        // the jump did not become the reference: a normal step from the last good fix is kept
        Assert.Equal(JitterVerdict.Keep, filter.Check(Fix(30, lat: 29.952)));
    }

    [Fact]
    public void Inaccurate_fix_is_dropped_and_older_buffered_fixes_pass_for_the_track()
    {
        var filter = new JitterFilter(new JitterFilterOptions { MaxAccuracyMeters = 200 });
        filter.Check(Fix(100));

        Assert.Equal(JitterVerdict.Inaccurate, filter.Check(Fix(110, lat: 29.951, accuracy: 850)));
        Assert.Equal(JitterVerdict.Keep, filter.Check(Fix(50, lat: 29.94)));
        // the older fix did not replace the reference: a repeat of the newest is still a duplicate
        Assert.Equal(JitterVerdict.Duplicate, filter.Check(Fix(100)));
    }

    [Fact]
    public void Disabled_filter_keeps_everything()
    {
        var filter = new JitterFilter(new JitterFilterOptions { Enabled = false });
        filter.Check(Fix(0));

        Assert.Equal(JitterVerdict.Keep, filter.Check(Fix(0)));
    }

    [Fact]
    public void Haversine_matches_a_known_distance()
    {
        // One degree of latitude is ~111.2 km.
        Assert.Equal(111_195, Geo.HaversineMeters(29, 121, 30, 121), 0);
        Assert.Equal(0, Geo.HaversineMeters(29.95, 121.6, 29.95, 121.6));
    }
}
