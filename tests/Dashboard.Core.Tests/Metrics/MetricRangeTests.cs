using Dashboard.Core.Metrics;

namespace Dashboard.Core.Tests.Metrics;

public sealed class MetricRangeTests
{
    private static readonly TimeZoneInfo Shanghai = MetricRange.Shanghai;

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void Today_is_cut_at_shanghai_midnight_which_is_16_00_utc_the_day_before()
    {
        // 2026-11-23 09:30 in Shanghai.
        var range = MetricRange.For(MetricPeriod.Today, Utc(2026, 11, 23, 1, 30), Shanghai);

        Assert.Equal(Utc(2026, 11, 22, 16), range.From);
        Assert.Equal(Utc(2026, 11, 23, 16), range.To);
        Assert.Equal(TimeSpan.Zero, range.From.Offset);
        Assert.Equal(TimeSpan.Zero, range.To.Offset);
    }

    [Fact]
    public void Exactly_16_00_utc_is_already_the_next_shanghai_day_and_one_tick_before_is_not()
    {
        var midnight = Utc(2026, 11, 23, 16);

        Assert.Equal(new MetricRange(midnight, midnight.AddDays(1)), MetricRange.For(MetricPeriod.Today, midnight, Shanghai));
        Assert.Equal(new MetricRange(midnight.AddDays(-1), midnight), MetricRange.For(MetricPeriod.Today, midnight.AddTicks(-1), Shanghai));
        Assert.Equal(new DateOnly(2026, 11, 24), MetricRange.LocalDate(midnight, Shanghai));
        Assert.Equal(new DateOnly(2026, 11, 23), MetricRange.LocalDate(midnight.AddTicks(-1), Shanghai));
    }

    [Fact]
    public void Range_is_half_open()
    {
        var range = MetricRange.Custom(new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 23), Shanghai);

        Assert.True(range.Contains(Utc(2026, 11, 22, 16)));
        Assert.True(range.Contains(Utc(2026, 11, 23, 16).AddTicks(-1)));
        Assert.False(range.Contains(Utc(2026, 11, 23, 16)));
        Assert.False(range.Contains(Utc(2026, 11, 22, 16).AddTicks(-1)));
        // 23:59:59 Shanghai is in, 00:00:00 the next day is not.
        Assert.True(range.Contains(new DateTimeOffset(2026, 11, 23, 23, 59, 59, TimeSpan.FromHours(8))));
        Assert.False(range.Contains(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.FromHours(8))));
    }

    [Fact]
    public void Last_7_and_30_days_include_today_and_end_at_tomorrows_midnight()
    {
        var now = Utc(2026, 3, 1, 15, 59, 59); // 2026-03-01 23:59:59 in Shanghai

        var week = MetricRange.For(MetricPeriod.Last7Days, now, Shanghai);
        var month = MetricRange.For(MetricPeriod.Last30Days, now, Shanghai);

        Assert.Equal(new MetricRange(Utc(2026, 2, 22, 16), Utc(2026, 3, 1, 16)), week);
        Assert.Equal(new MetricRange(Utc(2026, 1, 30, 16), Utc(2026, 3, 1, 16)), month);
        Assert.Equal(TimeSpan.FromDays(7), week.To - week.From);
        Assert.Equal(TimeSpan.FromDays(30), month.To - month.From);
    }

    [Fact]
    public void Custom_covers_whole_local_days_from_first_to_last()
    {
        var range = MetricRange.Custom(new DateOnly(2025, 12, 31), new DateOnly(2026, 1, 1), Shanghai);

        Assert.Equal(Utc(2025, 12, 30, 16), range.From);
        Assert.Equal(Utc(2026, 1, 1, 16), range.To);
        Assert.Throws<ArgumentException>(() => MetricRange.Custom(new DateOnly(2026, 1, 2), new DateOnly(2026, 1, 1), Shanghai));
        Assert.Throws<ArgumentException>(() => MetricRange.For(MetricPeriod.Custom, Utc(2026, 1, 1, 0), Shanghai));
    }

    [Fact]
    public void Input_offsets_do_not_matter_only_the_instant()
    {
        var inShanghai = new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.FromHours(8));

        Assert.Equal(MetricRange.For(MetricPeriod.Today, inShanghai.ToUniversalTime(), Shanghai), MetricRange.For(MetricPeriod.Today, inShanghai, Shanghai));
        Assert.Equal(new MetricRange(Utc(2026, 11, 22, 16), Utc(2026, 11, 23, 16)), new MetricRange(
            new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(8)), new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.FromHours(8))));
    }

    [Fact]
    public void A_day_whose_midnight_is_skipped_by_daylight_saving_starts_at_its_first_valid_minute()
    {
        // Santiago springs forward at 00:00 on the first Sunday of September (2026-09-06): 00:00 -> 01:00, UTC-4 -> UTC-3.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");
        var start = MetricRange.StartOfDay(new DateOnly(2026, 9, 6), zone);

        Assert.Equal(Utc(2026, 9, 6, 4), start);
    }
}

public sealed class NearestRankTests
{
    [Theory]
    [InlineData(1, 50, 1)]
    [InlineData(1, 90, 1)]
    [InlineData(2, 50, 1)]
    [InlineData(3, 50, 2)]
    [InlineData(4, 50, 2)]
    [InlineData(10, 90, 9)]
    [InlineData(11, 90, 10)]
    [InlineData(100, 90, 90)]
    [InlineData(101, 90, 91)]
    public void Rank_is_the_ceiling_of_count_times_percent(int count, int percent, int rank) =>
        Assert.Equal(rank, NearestRank.Rank(count, percent));

    [Fact]
    public void Percentile_of_sorted_values()
    {
        Assert.Null(NearestRank.Of(Array.Empty<long>(), 50));
        Assert.Equal(30L, NearestRank.Of(new long[] { 10, 20, 30, 40, 50 }, 50));
        Assert.Equal(50L, NearestRank.Of(new long[] { 10, 20, 30, 40, 50 }, 90));
    }
}

public sealed class MetricDefinitionsTests
{
    [Fact]
    public void Every_kpi_has_a_unique_stable_key_both_names_and_a_formula()
    {
        Assert.Equal(14, MetricDefinitions.All.Count);
        Assert.Equal(MetricDefinitions.All.Count, MetricDefinitions.All.Select(d => d.Key).Distinct(StringComparer.Ordinal).Count());
        Assert.All(MetricDefinitions.All, d =>
        {
            Assert.Matches("^[a-z0-9_]+$", d.Key);
            Assert.False(string.IsNullOrWhiteSpace(d.NameZh));
            Assert.False(string.IsNullOrWhiteSpace(d.NameEn));
            Assert.True(d.Formula.Length > 20);
        });
        Assert.Same(MetricDefinitions.ContactCompliance, MetricDefinitions.Find("contact_compliance"));
        Assert.Null(MetricDefinitions.Find("nope"));
    }

    [Fact]
    public void Rates_are_null_when_their_denominator_is_zero()
    {
        var empty = new TierKpis("330200", "宁波市", Core.Jurisdictions.JurisdictionLevel.City);

        Assert.Null(empty.ContactCompliance);
        Assert.Null(empty.ClosureRate);
        Assert.Null(empty.CasesPerOfficer);
        Assert.Null(empty.DomainCoverage);
        var some = empty with { Reports = 4, Cancelled = 1, Closed = 2, ClosedOnTime = 1, Officers = 8, CategoriesCovered = 3, ActiveCategories = 12 };
        Assert.Equal(2.0 / 3, some.ClosureRate);
        Assert.Equal(0.5, some.OnTimeClosureRate);
        Assert.Equal(0.5, some.CasesPerOfficer);
        Assert.Equal(0.25, some.DomainCoverage);
    }
}
