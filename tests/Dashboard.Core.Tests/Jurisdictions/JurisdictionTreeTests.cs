using Dashboard.Core.Demo;
using Dashboard.Core.Jurisdictions;
using NetTopologySuite.Geometries;

namespace Dashboard.Core.Tests.Jurisdictions;

public sealed class JurisdictionTreeTests
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);
    private static readonly DemoCity Demo = DemoCityGenerator.Generate();
    private static readonly JurisdictionTree Tree = new(Demo.Jurisdictions);

    private static Polygon Box(double minX, double minY, double maxX, double maxY) =>
        (Polygon)Factory.ToGeometry(new Envelope(minX, maxX, minY, maxY));

    /// <summary>A city 0..2 × 0..1 with one district, one township and two grids (left and right halves).</summary>
    private static List<JurisdictionNode> SmallTree() =>
    [
        new("C", "城", JurisdictionLevel.City, null, Box(0, 0, 2, 1)),
        new("D", "区", JurisdictionLevel.District, "C", Box(0, 0, 2, 1)),
        new("T", "镇", JurisdictionLevel.Township, "D", Box(0, 0, 2, 1)),
        new("G1", "网格一", JurisdictionLevel.Grid, "T", Box(0, 0, 1, 1)),
        new("G2", "网格二", JurisdictionLevel.Grid, "T", Box(1, 0, 2, 1)),
    ];

    private static JurisdictionNode FirstGrid => Tree.OfLevel(JurisdictionLevel.Grid).First();

    [Fact]
    public void Every_grid_centroid_locates_back_to_its_grid_township_district_and_city()
    {
        Assert.All(Tree.OfLevel(JurisdictionLevel.Grid), grid =>
        {
            var centroid = grid.Boundary.Centroid;
            var location = Tree.Locate(centroid.Y, centroid.X);

            Assert.NotNull(location);
            Assert.Same(grid, location.Grid);
            Assert.Same(grid, location.Leaf);
            Assert.Equal(grid.ParentCode, location.Township.Code);
            Assert.Equal(location.Township.ParentCode, location.District.Code);
            Assert.Same(Tree.Root, location.City);
        });
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(29.95, 122.5)]
    [InlineData(31.0, 121.6)]
    public void A_point_outside_the_city_locates_nowhere(double latitude, double longitude) =>
        Assert.Null(Tree.Locate(latitude, longitude));

    [Fact]
    public void A_point_just_outside_a_corner_of_the_city_envelope_locates_nowhere()
    {
        var env = Tree.Root.Boundary.EnvelopeInternal;
        Assert.Null(Tree.Locate(env.MaxY - 1e-6, env.MaxX - 1e-6));
    }

    [Theory]
    [InlineData(double.NaN, 121.6)]
    [InlineData(29.95, double.NaN)]
    [InlineData(double.PositiveInfinity, 121.6)]
    [InlineData(29.95, double.NegativeInfinity)]
    public void Non_finite_coordinates_locate_nowhere(double latitude, double longitude) =>
        Assert.Null(Tree.Locate(latitude, longitude));

    [Fact]
    public void Without_grids_a_point_locates_to_its_township_as_leaf()
    {
        var tree = new JurisdictionTree(SmallTree().Where(n => n.Level != JurisdictionLevel.Grid));
        var location = tree.Locate(0.5, 1.5);

        Assert.NotNull(location);
        Assert.Null(location.Grid);
        Assert.Equal("T", location.Leaf.Code);
        Assert.Equal("D", location.District.Code);
    }

    [Fact]
    public void A_point_in_a_small_tree_finds_the_grid_on_its_side()
    {
        var tree = new JurisdictionTree(SmallTree());
        Assert.Equal("G1", tree.Locate(0.5, 0.25)?.Grid?.Code);
        Assert.Equal("G2", tree.Locate(0.5, 1.75)?.Grid?.Code);
        Assert.Null(tree.Locate(0.5, 2.5));
    }

    [Fact]
    public void Tree_indexes_every_demo_node_under_a_single_root()
    {
        Assert.Equal(Demo.Jurisdictions.Count, Tree.Count);
        Assert.Equal("330200", Tree.Root.Code);
        Assert.Equal(384, Tree.OfLevel(JurisdictionLevel.Grid).Count());
        Assert.Null(Tree.Find(null));
        Assert.Null(Tree.Find("nope"));
    }

    [Fact]
    public void A_grid_is_within_itself_and_each_ancestor_but_not_another_district()
    {
        var grid = FirstGrid;
        var township = Tree.Find(grid.ParentCode)!;
        var district = Tree.Find(township.ParentCode)!;
        var otherDistrict = Tree.OfLevel(JurisdictionLevel.District).First(d => d.Code != district.Code);

        Assert.True(Tree.IsWithin(grid.Code, grid.Code));
        Assert.True(Tree.IsWithin(grid.Code, township.Code));
        Assert.True(Tree.IsWithin(grid.Code, district.Code));
        Assert.True(Tree.IsWithin(grid.Code, "330200"));
        Assert.False(Tree.IsWithin(grid.Code, otherDistrict.Code));
        Assert.False(Tree.IsWithin(district.Code, grid.Code));
        Assert.False(Tree.IsWithin("nope", "330200"));
    }

    [Fact]
    public void SelfAndAncestors_walks_from_the_node_up_to_the_city()
    {
        var levels = Tree.SelfAndAncestors(FirstGrid.Code).Select(n => n.Level);
        Assert.Equal([JurisdictionLevel.Grid, JurisdictionLevel.Township, JurisdictionLevel.District, JurisdictionLevel.City], levels);
        Assert.Empty(Tree.SelfAndAncestors("nope"));
    }

    [Fact]
    public void AncestorAt_returns_the_ancestor_at_that_level_or_the_node_itself()
    {
        var grid = FirstGrid;
        Assert.Same(grid, Tree.AncestorAt(grid.Code, JurisdictionLevel.Grid));
        Assert.Equal(grid.ParentCode, Tree.AncestorAt(grid.Code, JurisdictionLevel.Township)?.Code);
        Assert.Same(Tree.Root, Tree.AncestorAt(grid.Code, JurisdictionLevel.City));
        Assert.Null(Tree.AncestorAt("330201", JurisdictionLevel.Township));
    }

    [Fact]
    public void ChildrenOf_lists_direct_children_in_code_order()
    {
        Assert.Equal(
            ["330201", "330202", "330203", "330204", "330205", "330206"],
            Tree.ChildrenOf("330200").Select(n => n.Code));
        Assert.Equal(4, Tree.ChildrenOf("330201").Count);
        Assert.Empty(Tree.ChildrenOf(FirstGrid.Code));
        Assert.Empty(Tree.ChildrenOf("nope"));
    }

    [Fact]
    public void Subtree_of_a_township_is_the_township_then_its_grids_depth_first()
    {
        var township = Tree.OfLevel(JurisdictionLevel.Township).First();
        var subtree = Tree.Subtree(township.Code).ToList();

        Assert.Equal(17, subtree.Count);
        Assert.Same(township, subtree[0]);
        Assert.Equal(Tree.ChildrenOf(township.Code), subtree.Skip(1));
    }

    [Fact]
    public void Subtree_of_the_city_visits_each_district_before_the_next()
    {
        var subtree = Tree.Subtree("330200").ToList();

        Assert.Equal(Tree.Count, subtree.Count);
        Assert.Equal(Tree.Count, subtree.Select(n => n.Code).Distinct(StringComparer.Ordinal).Count());
        var districtOrder = subtree.Select(n => Tree.AncestorAt(n.Code, JurisdictionLevel.District)?.Code)
            .Where(c => c is not null)
            .Distinct(StringComparer.Ordinal);
        Assert.Equal(["330201", "330202", "330203", "330204", "330205", "330206"], districtOrder);
        Assert.Equal(1 + 4 + 64, subtree.SkipWhile(n => n.Code != "330201").TakeWhile(n => n.Code != "330202").Count());
        Assert.Empty(Tree.Subtree("nope"));
    }

    [Fact]
    public void Validate_accepts_a_well_formed_tree()
    {
        Assert.Empty(JurisdictionTree.Validate(SmallTree()));
        Assert.Empty(JurisdictionTree.Validate(Demo.Jurisdictions.ToList()));
    }

    [Fact]
    public void Validate_reports_duplicate_codes()
    {
        var nodes = SmallTree();
        nodes.Add(nodes[3] with { Name = "又一个" });
        Assert.Contains(JurisdictionTree.Validate(nodes), e => e.Contains("'G1' appears more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_reports_a_missing_parent()
    {
        var nodes = SmallTree();
        nodes[3] = nodes[3] with { ParentCode = "T9" };
        Assert.Contains(JurisdictionTree.Validate(nodes), e => e.Contains("'G1': parent 'T9' does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_reports_a_non_city_node_without_parent()
    {
        var nodes = SmallTree();
        nodes[1] = nodes[1] with { ParentCode = null };
        Assert.Contains(JurisdictionTree.Validate(nodes), e => e.StartsWith("'D': parent", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_reports_a_parent_at_the_wrong_level()
    {
        var nodes = SmallTree();
        nodes[3] = nodes[3] with { ParentCode = "D" };
        Assert.Contains(JurisdictionTree.Validate(nodes), e => e.Contains("'G1' is a Grid but its parent 'D' is a District", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_reports_two_cities_and_a_city_with_a_parent()
    {
        var nodes = SmallTree();
        nodes.Add(new("C2", "另一城", JurisdictionLevel.City, "C", Box(5, 5, 6, 6)));
        var errors = JurisdictionTree.Validate(nodes);
        Assert.Contains("exactly one city is required, found 2", errors);
        Assert.Contains("city 'C2' must not have a parent", errors);
    }

    [Fact]
    public void Validate_reports_a_tree_without_city()
    {
        var nodes = SmallTree().Skip(1).ToList();
        Assert.Contains("exactly one city is required, found 0", JurisdictionTree.Validate(nodes));
    }

    public static TheoryData<string> BadBoundaries => ["POINT (0.5 0.5)", "LINESTRING (0 0, 1 1)", "POLYGON EMPTY"];

    [Theory]
    [MemberData(nameof(BadBoundaries))]
    public void Validate_reports_a_boundary_that_is_not_a_non_empty_polygon(string wkt)
    {
        var nodes = SmallTree();
        nodes[3] = nodes[3] with { Boundary = new NetTopologySuite.IO.WKTReader(Factory.GeometryServices).Read(wkt) };
        Assert.Contains(JurisdictionTree.Validate(nodes), e => e.StartsWith("'G1': boundary", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_accepts_a_multipolygon_boundary_with_an_island()
    {
        var nodes = SmallTree();
        nodes[3] = nodes[3] with { Boundary = Factory.CreateMultiPolygon([Box(0, 0, 0.4, 1), Box(0.6, 0, 1, 1)]) };
        Assert.Empty(JurisdictionTree.Validate(nodes));
    }

    [Fact]
    public void Validate_reports_a_self_intersecting_boundary()
    {
        var nodes = SmallTree();
        var bowTie = Factory.CreatePolygon([new(0, 0), new(1, 1), new(1, 0), new(0, 1), new(0, 0)]);
        nodes[3] = nodes[3] with { Boundary = bowTie };
        Assert.Contains(JurisdictionTree.Validate(nodes), e => e.StartsWith("'G1': boundary is not valid", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_throws_listing_every_error()
    {
        var nodes = SmallTree();
        nodes[3] = nodes[3] with { ParentCode = "T9" };
        nodes.Add(nodes[4]);

        var ex = Assert.Throws<InvalidJurisdictionTreeException>(() => new JurisdictionTree(nodes));

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains("'G1': parent 'T9' does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'G2' appears more than once", ex.Message, StringComparison.Ordinal);
    }
}
