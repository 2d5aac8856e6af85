using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Metrics;

namespace Dashboard.Core.Tests.Metrics;

public sealed class MetricKeysTests
{
    private static readonly TierKpis Sample = new("330201", "海晏区", JurisdictionLevel.District)
    {
        Reports = 10,
        Cancelled = 2,
        Closed = 6,
        ClosedOnTime = 3,
        Open = 2,
        Overdue = 1,
        ContactDecided = 8,
        ContactInTime = 6,
        ArrivalDecided = 5,
        ArrivalInTime = 4,
        ContactP50Seconds = 21.5,
        ContactP90Seconds = 58,
        ArrivalP50Seconds = 180,
        ArrivalP90Seconds = 290,
        Escalations = 3,
        Officers = 4,
        CategoriesCovered = 3,
        ActiveCategories = 12,
    };

    [Theory]
    [InlineData("reports", 10.0)]
    [InlineData("open", 2.0)]
    [InlineData("overdue", 1.0)]
    [InlineData("contact_compliance", 0.75)]
    [InlineData("arrival_compliance", 0.8)]
    [InlineData("contact_p50", 21.5)]
    [InlineData("contact_p90", 58.0)]
    [InlineData("arrival_p50", 180.0)]
    [InlineData("arrival_p90", 290.0)]
    [InlineData("closure_rate", 0.75)]
    [InlineData("on_time_closure_rate", 0.5)]
    [InlineData("escalations", 3.0)]
    [InlineData("cases_per_officer", 2.5)]
    [InlineData("domain_coverage", 0.25)]
    public void Every_kpi_key_reads_its_own_figure(string key, double expected) => Assert.Equal(expected, Sample.Value(key));

    [Fact]
    public void Every_definition_has_a_value_and_an_unknown_key_is_refused()
    {
        Assert.All(MetricDefinitions.All, d => Assert.NotNull(Sample.Value(d.Key)));
        Assert.Equal(MetricDefinitions.All.Count, MetricDefinitions.All.Select(d => d.Key).Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => Sample.Value("nope"));
        Assert.Equal(MetricUnit.Number, MetricDefinitions.CasesPerOfficer.Unit);
    }

    [Fact]
    public void Every_portrait_dimension_has_a_raw_value()
    {
        var figures = new PortraitFigures
        {
            Officers = 2,
            Days = 5,
            Tasks = 10,
            Accepted = 9,
            AcceptP50Seconds = 12,
            ArrivalDecided = 8,
            ArrivalInTime = 6,
            Resolved = 5,
            ResolvedClosed = 4,
            CategoriesCovered = 3,
            ActiveCategories = 12,
            DistanceMeters = 300_000,
        };
        Assert.Equal([12.0, 0.75, 5.0, 0.8, 0.25, 30.0], PortraitDimensions.All.Select(d => figures.Raw(d.Key)!.Value));
        Assert.Throws<ArgumentOutOfRangeException>(() => figures.Raw("nope"));
    }
}
