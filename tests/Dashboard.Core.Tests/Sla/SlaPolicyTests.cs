using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Sla;
using NetTopologySuite.Geometries;

namespace Dashboard.Core.Tests.Sla;

public sealed class SlaPolicyTests
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>City C with districts D1 (township T1, grid G1) and D2 (township T2, grid G2).</summary>
    internal static JurisdictionTree SmallTree { get; } = new(
    [
        new("C", "城", JurisdictionLevel.City, null, Box(0, 0, 2, 1)),
        new("D1", "东区", JurisdictionLevel.District, "C", Box(0, 0, 1, 1)),
        new("D2", "西区", JurisdictionLevel.District, "C", Box(1, 0, 2, 1)),
        new("T1", "东镇", JurisdictionLevel.Township, "D1", Box(0, 0, 1, 1)),
        new("T2", "西镇", JurisdictionLevel.Township, "D2", Box(1, 0, 2, 1)),
        new("G1", "东网格", JurisdictionLevel.Grid, "T1", Box(0, 0, 1, 1)),
        new("G2", "西网格", JurisdictionLevel.Grid, "T2", Box(1, 0, 2, 1)),
    ]);

    private static readonly SlaTargets Defaults = new(60, 300);

    private static Polygon Box(double minX, double minY, double maxX, double maxY) =>
        (Polygon)Factory.ToGeometry(new Envelope(minX, maxX, minY, maxY));

    private static SlaTargets For(string location, string category, params SlaOverride[] overrides) =>
        new SlaPolicy(Defaults, overrides).TargetsFor(SmallTree, location, category);

    [Fact]
    public void Default_policy_is_one_minute_contact_and_five_minutes_arrival()
    {
        Assert.Equal(new SlaTargets(60, 300), SlaPolicy.Default.Defaults);
        Assert.Empty(SlaPolicy.Default.Overrides);
        Assert.Equal(new SlaTargets(60, 300), SlaPolicy.Default.TargetsFor(SmallTree, "G1", "ZDJY"));
    }

    [Fact]
    public void A_scopeless_generic_override_applies_everywhere()
    {
        Assert.Equal(new SlaTargets(45, 240), For("G2", "ZDJY", new SlaOverride(null, null, 45, 240)));
    }

    [Fact]
    public void An_override_applies_only_within_its_scope()
    {
        var district = new SlaOverride("D1", null, 90, 600);

        Assert.Equal(new SlaTargets(90, 600), For("G1", "ZDJY", district));
        Assert.Equal(new SlaTargets(90, 600), For("T1", "ZDJY", district));
        Assert.Equal(Defaults, For("G2", "ZDJY", district));
    }

    [Fact]
    public void The_deepest_matching_scope_wins_whatever_the_order()
    {
        var city = new SlaOverride("C", null, 50, 250);
        var district = new SlaOverride("D1", null, 90, 600);
        var township = new SlaOverride("T1", null, 120, 900);

        Assert.Equal(new SlaTargets(120, 900), For("G1", "ZDJY", township, district, city));
        Assert.Equal(new SlaTargets(120, 900), For("G1", "ZDJY", city, district, township));
        Assert.Equal(new SlaTargets(50, 250), For("G2", "ZDJY", city, district, township));
    }

    [Fact]
    public void A_deeper_generic_override_beats_a_shallower_category_specific_one()
    {
        Assert.Equal(
            new SlaTargets(120, 900),
            For("G1", "SDLJ", new SlaOverride("D1", "SDLJ", 90, 600), new SlaOverride("T1", null, 120, 900)));
    }

    [Fact]
    public void At_equal_depth_the_category_specific_override_beats_the_generic_one_whatever_the_order()
    {
        var generic = new SlaOverride("D1", null, 90, 600);
        var specific = new SlaOverride("D1", "SDLJ", 180, 1200);

        Assert.Equal(new SlaTargets(180, 1200), For("G1", "SDLJ", generic, specific));
        Assert.Equal(new SlaTargets(180, 1200), For("G1", "SDLJ", specific, generic));
        Assert.Equal(new SlaTargets(90, 600), For("G1", "ZDJY", specific, generic));
    }

    [Fact]
    public void A_scopeless_category_override_ranks_below_any_named_scope()
    {
        var anyWhereSpecific = new SlaOverride(null, "SDLJ", 180, 1200);
        var anyWhereGeneric = new SlaOverride(null, null, 45, 240);
        var city = new SlaOverride("C", null, 50, 250);

        Assert.Equal(new SlaTargets(180, 1200), For("G1", "SDLJ", anyWhereGeneric, anyWhereSpecific));
        Assert.Equal(new SlaTargets(50, 250), For("G1", "SDLJ", anyWhereSpecific, city));
    }

    [Fact]
    public void Each_target_comes_from_the_best_override_that_sets_it()
    {
        var township = new SlaOverride("T1", "SDLJ", 120, null);
        var district = new SlaOverride("D1", null, 90, 600);

        Assert.Equal(new SlaTargets(120, 600), For("G1", "SDLJ", township, district));
        Assert.Equal(new SlaTargets(120, 300), For("G1", "SDLJ", township));
    }

    [Fact]
    public void Category_codes_match_exactly()
    {
        Assert.Equal(Defaults, For("G1", "sdlj", new SlaOverride("D1", "SDLJ", 90, 600)));
    }

    [Fact]
    public void An_unknown_location_gets_only_scopeless_overrides()
    {
        Assert.Equal(
            new SlaTargets(45, 300),
            For("NOWHERE", "ZDJY", new SlaOverride("C", null, 50, 250), new SlaOverride(null, null, 45, null)));
    }

    [Fact]
    public void A_valid_policy_has_no_problems()
    {
        var policy = new SlaPolicy(Defaults, [new SlaOverride("C", null, 50, null), new SlaOverride("T2", "SDLJ", null, 900), new SlaOverride(null, "ZDJY", 30, 200)]);

        Assert.Empty(policy.Validate(SmallTree));
        Assert.Empty(SlaPolicy.Default.Validate(SmallTree));
    }

    [Fact]
    public void Validate_names_the_entry_and_field_of_each_problem()
    {
        var policy = new SlaPolicy(
            new SlaTargets(0, -5),
            [
                new SlaOverride("D1", null, 90, 600),
                new SlaOverride("X9", null, 0, null),
                new SlaOverride("T1", "SDLJ", null, -1),
            ]);

        var problems = policy.Validate(SmallTree);

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.Contains("defaults.contactSeconds", StringComparison.Ordinal) && p.Contains('0', StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("defaults.arrivalSeconds", StringComparison.Ordinal) && p.Contains("-5", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("overrides[1].scope", StringComparison.Ordinal) && p.Contains("X9", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("overrides[1].contactSeconds", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("overrides[2].arrivalSeconds", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("overrides[0]", StringComparison.Ordinal));
    }
}
