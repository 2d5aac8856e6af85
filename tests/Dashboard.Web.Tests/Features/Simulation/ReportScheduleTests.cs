using Dashboard.Web.Features.Shell;
using Dashboard.Web.Features.Simulation;

namespace Dashboard.Web.Tests.Features.Simulation;

public sealed class ReportScheduleTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZones.Find("Asia/Shanghai");

    [Fact]
    public void The_hour_weights_average_one_and_days_are_busier_than_nights()
    {
        Assert.Equal(24, ReportSchedule.HourWeights.Count);
        Assert.Equal(1.0, ReportSchedule.HourWeights.Average(), 9);
        Assert.True(ReportSchedule.HourWeights[10] > 5 * ReportSchedule.HourWeights[3]);
    }

    [Fact]
    public void Over_four_weeks_the_count_matches_the_Poisson_mean_and_each_hour_follows_the_profile()
    {
        const double perHour = 80;
        const int days = 28;
        var rng = new Random(7);
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var end = start.AddDays(days);
        var byHour = new int[24];
        var total = 0;
        for (var t = ReportSchedule.Next(start, perHour, Shanghai, rng)!.Value; t < end; t = ReportSchedule.Next(t, perHour, Shanghai, rng)!.Value)
        {
            byHour[TimeZoneInfo.ConvertTime(t, Shanghai).Hour]++;
            total++;
        }

        var expected = perHour * 24 * days;
        Assert.InRange(total, expected - (4 * Math.Sqrt(expected)), expected + (4 * Math.Sqrt(expected)));
        for (var h = 0; h < 24; h++)
        {
            var mean = perHour * ReportSchedule.HourWeights[h] * days;
            Assert.InRange(byHour[h], mean - (5 * Math.Sqrt(mean)), mean + (5 * Math.Sqrt(mean)));
        }

        // A newcomer at 10:00 sees a report about every half minute; at 03:00 every few minutes.
        var daytimeGap = 3600 / ReportSchedule.RateAt(perHour, start.AddHours(10), Shanghai);
        Assert.InRange(daytimeGap, 20, 40);
        Assert.True(3600 / ReportSchedule.RateAt(perHour, start.AddHours(3), Shanghai) > 120);
    }

    [Fact]
    public void The_gaps_within_a_steady_hour_are_exponential()
    {
        var rng = new Random(11);
        var from = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.FromHours(8));
        var rate = ReportSchedule.RateAt(60, from, Shanghai);
        var gaps = Enumerable.Range(0, 20_000).Select(_ => (ReportSchedule.Next(from, 60, Shanghai, rng)!.Value - from).TotalSeconds)
            .Where(g => g < 600).ToList();
        var mean = 3600 / rate;
        // Memoryless: the median of an exponential is ln 2 times its mean.
        var median = gaps.Order().ElementAt(gaps.Count / 2);
        Assert.InRange(median, mean * Math.Log(2) * 0.95, mean * Math.Log(2) * 1.05);
    }

    [Fact]
    public void No_rate_means_no_reports()
    {
        Assert.Null(ReportSchedule.Next(DateTimeOffset.UnixEpoch, 0, Shanghai, new Random(1)));
    }
}
