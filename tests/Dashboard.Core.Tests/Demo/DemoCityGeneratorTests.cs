using System.Text.RegularExpressions;
using Dashboard.Core.Categories;
using Dashboard.Core.Demo;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using NetTopologySuite.Geometries;

namespace Dashboard.Core.Tests.Demo;

public sealed partial class DemoCityGeneratorTests
{
    private static readonly DemoCity City = DemoCityGenerator.Generate();

    private static IEnumerable<JurisdictionNode> Level(JurisdictionLevel level) =>
        City.Jurisdictions.Where(n => n.Level == level);

    [Fact]
    public void City_has_the_expected_number_of_nodes_at_every_level()
    {
        Assert.Single(Level(JurisdictionLevel.City));
        Assert.Equal(6, Level(JurisdictionLevel.District).Count());
        Assert.Equal(24, Level(JurisdictionLevel.Township).Count());
        Assert.Equal(384, Level(JurisdictionLevel.Grid).Count());
        Assert.Equal(720, City.Officers.Count);
    }

    [Fact]
    public void Root_is_Mingzhou_city_with_its_code()
    {
        var city = Assert.Single(Level(JurisdictionLevel.City));
        Assert.Equal("330200", city.Code);
        Assert.Equal("明州市", city.Name);
        Assert.Null(city.ParentCode);
    }

    [Fact]
    public void Every_district_township_and_grid_has_the_expected_number_of_children()
    {
        var byParent = City.Jurisdictions.Where(n => n.ParentCode is not null).ToLookup(n => n.ParentCode!, StringComparer.Ordinal);
        Assert.Equal(6, byParent["330200"].Count());
        Assert.All(Level(JurisdictionLevel.District), d => Assert.Equal(4, byParent[d.Code].Count()));
        Assert.All(Level(JurisdictionLevel.Township), t => Assert.Equal(16, byParent[t.Code].Count()));
        Assert.All(Level(JurisdictionLevel.Grid), g => Assert.Empty(byParent[g.Code]));
    }

    [Fact]
    public void Codes_are_unique_and_extend_the_parent_code()
    {
        Assert.Equal(City.Jurisdictions.Count, City.Jurisdictions.Select(n => n.Code).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(
            ["330201", "330202", "330203", "330204", "330205", "330206"],
            Level(JurisdictionLevel.District).Select(d => d.Code).Order(StringComparer.Ordinal));
        Assert.All(
            City.Jurisdictions.Where(n => n.Level is JurisdictionLevel.Township or JurisdictionLevel.Grid),
            n => Assert.Matches(@"^" + n.ParentCode + @"\d{3}$", n.Code));
    }

    [Fact]
    public void Names_follow_Chinese_administrative_conventions()
    {
        Assert.All(Level(JurisdictionLevel.District), d => Assert.Matches("^.+[区县]$", d.Name));
        Assert.All(Level(JurisdictionLevel.Township), t => Assert.Matches("^.+(镇|街道)$", t.Name));
        Assert.All(Level(JurisdictionLevel.Grid), g => Assert.Matches("^.+网格$", g.Name));
        Assert.Single(Level(JurisdictionLevel.Township), t => t.Name == "九龙湖镇");
        Assert.Equal(6, Level(JurisdictionLevel.District).Select(d => d.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(24, Level(JurisdictionLevel.Township).Select(d => d.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(384, Level(JurisdictionLevel.Grid).Select(d => d.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void City_boundary_is_about_0_6_by_0_45_degrees_around_the_centre()
    {
        var city = Assert.Single(Level(JurisdictionLevel.City)).Boundary;
        var env = city.EnvelopeInternal;
        Assert.InRange(env.Width, 0.5, 0.65);
        Assert.InRange(env.Height, 0.37, 0.48);
        Assert.InRange(env.Centre.X, 121.5, 121.7);
        Assert.InRange(env.Centre.Y, 29.85, 30.05);
        Assert.Equal(4326, city.SRID);
    }

    [Fact]
    public void Every_boundary_is_a_valid_convex_polygon_in_WGS84()
    {
        Assert.All(City.Jurisdictions, n =>
        {
            var polygon = Assert.IsType<Polygon>(n.Boundary);
            Assert.True(polygon.IsValid, $"{n.Code} is not valid");
            Assert.False(polygon.IsEmpty);
            Assert.Equal(0, polygon.NumInteriorRings);
            Assert.Equal(4326, polygon.SRID);
            var hullArea = polygon.ConvexHull().Area;
            Assert.True(Math.Abs(hullArea - polygon.Area) <= 1e-9 * hullArea, $"{n.Code} is not convex");
        });
    }

    [Fact]
    public void Children_tile_their_parent_without_gaps_or_overlaps()
    {
        var byCode = City.Jurisdictions.ToDictionary(n => n.Code, StringComparer.Ordinal);
        foreach (var family in City.Jurisdictions.Where(n => n.ParentCode is not null).GroupBy(n => n.ParentCode!, StringComparer.Ordinal))
        {
            var parent = byCode[family.Key].Boundary;
            var children = family.Select(c => c.Boundary).ToList();
            var tiny = 1e-9 * parent.Area;

            Assert.Equal(parent.Area, children.Sum(c => c.Area), tiny);
            Assert.All(children, c => Assert.True(c.Difference(parent).Area <= tiny, $"a child of {family.Key} sticks out"));
            for (var i = 0; i < children.Count; i++)
            {
                for (var j = i + 1; j < children.Count; j++)
                {
                    Assert.True(children[i].Intersection(children[j]).Area <= tiny, $"children {i} and {j} of {family.Key} overlap");
                }
            }
        }
    }

    [Fact]
    public void Same_seed_gives_an_identical_city()
    {
        var again = DemoCityGenerator.Generate(DemoCityGenerator.DefaultSeed);
        Assert.Equal(Fingerprint(City), Fingerprint(again));
    }

    [Fact]
    public void Different_seed_gives_a_different_city()
    {
        var other = DemoCityGenerator.Generate(7);
        Assert.NotEqual(
            City.Jurisdictions.Select(n => n.Boundary.AsText()),
            other.Jurisdictions.Select(n => n.Boundary.AsText()));
        Assert.NotEqual(City.Officers.Select(o => o.Name), other.Officers.Select(o => o.Name));
    }

    private static List<string> Fingerprint(DemoCity city) =>
    [
        .. city.Jurisdictions.Select(n => $"{n.Code}|{n.Name}|{n.Level}|{n.ParentCode}|{n.Boundary.AsText()}"),
        .. city.CommandCentres.Select(c => c.ToString()),
        .. city.Teams.Select(t => t.ToString()),
        .. city.Officers.Select(o => $"{o with { Skills = [] }}|{string.Join(',', o.Skills)}"),
        .. city.GridCaptains.Select(g => g.ToString()),
    ];

    [Fact]
    public void Each_city_district_and_township_has_one_command_centre_inside_it()
    {
        var tree = new JurisdictionTree(City.Jurisdictions);
        var tiers = City.Jurisdictions.Where(n => n.Level != JurisdictionLevel.Grid).ToList();
        Assert.Equal(tiers.Select(n => "CC-" + n.Code), City.CommandCentres.Select(c => c.Code));
        Assert.All(City.CommandCentres, c =>
        {
            var node = tree.Find(c.JurisdictionCode)!;
            Assert.Equal(node.Level == JurisdictionLevel.Township ? node.Name + "综合行政执法指挥室" : node.Name + "综合行政执法指挥中心", c.Name);
            var at = tree.Locate(c.Latitude, c.Longitude);
            Assert.NotNull(at);
            Assert.True(tree.IsWithin(at.Leaf.Code, node.Code), $"{c.Code} lies outside {node.Code}");
        });
        Assert.Equal("明州市综合行政执法指挥中心", City.CommandCentres[0].Name);
    }

    [Fact]
    public void Each_township_has_two_teams_named_after_it()
    {
        var townships = Level(JurisdictionLevel.Township).ToList();
        Assert.Equal(townships.Count * 2, City.Teams.Count);
        Assert.All(townships, t =>
        {
            var teams = City.Teams.Where(x => x.TownshipCode == t.Code).ToList();
            Assert.Equal([t.Code + "-T1", t.Code + "-T2"], teams.Select(x => x.Code));
            Assert.Equal([t.Name + "执法一中队", t.Name + "执法二中队"], teams.Select(x => x.Name));
        });
    }

    [Fact]
    public void Officer_ids_are_sequential_and_codes_devices_and_phones_well_formed()
    {
        Assert.Equal(Enumerable.Range(1, City.Officers.Count), City.Officers.Select(o => o.Id));
        Assert.All(City.Officers, o =>
        {
            Assert.Equal($"ZF{o.Id:D5}", o.Code);
            Assert.Equal("dev-" + o.Code.ToLowerInvariant(), o.DeviceId);
            Assert.Matches(MobilePhone(), o.Phone);
            Assert.Matches(ChineseName(), o.Name);
        });
        Assert.Equal(City.Officers.Count, City.Officers.Select(o => o.Phone).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Officers_belong_to_existing_townships_and_a_team_of_that_township()
    {
        var townships = Level(JurisdictionLevel.Township).Select(t => t.Code).ToHashSet(StringComparer.Ordinal);
        var teams = City.Teams.ToDictionary(t => t.Code, StringComparer.Ordinal);
        Assert.All(City.Officers, o =>
        {
            Assert.Contains(o.TownshipCode, townships);
            Assert.Equal(o.TownshipCode, teams[o.TeamCode].TownshipCode);
        });
        Assert.All(City.Officers.GroupBy(o => o.TownshipCode), g => Assert.Equal(30, g.Count()));
        Assert.All(City.Officers.GroupBy(o => o.TeamCode), g => Assert.Equal(15, g.Count()));
    }

    [Fact]
    public void Officer_skills_are_three_to_six_distinct_known_categories()
    {
        Assert.All(City.Officers, o =>
        {
            Assert.InRange(o.Skills.Count, 3, 6);
            Assert.Equal(o.Skills.Count, o.Skills.Distinct(StringComparer.Ordinal).Count());
            Assert.All(o.Skills, s => Assert.True(DefaultCategories.IsKnown(s), $"unknown skill {s}"));
        });
        Assert.Equal(
            DefaultCategories.All.Select(c => c.Code).Order(StringComparer.Ordinal),
            City.Officers.SelectMany(o => o.Skills).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Most_officers_ride_e_bikes_and_some_use_cars_or_walk()
    {
        var modes = City.Officers.GroupBy(o => o.Mode).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(modes[TravelMode.EBike] > City.Officers.Count / 2);
        Assert.True(modes[TravelMode.Car] > 0);
        Assert.True(modes[TravelMode.Foot] > 0);
    }

    [Fact]
    public void Every_grid_has_exactly_one_captain()
    {
        var grids = Level(JurisdictionLevel.Grid).Select(g => g.Code).ToList();
        Assert.Equal(grids, City.GridCaptains.Select(c => c.GridCode));
        Assert.All(City.GridCaptains, c =>
        {
            Assert.Equal("WGZ" + c.GridCode, c.Code);
            Assert.Matches(MobilePhone(), c.Phone);
            Assert.Matches(ChineseName(), c.Name);
        });
    }

    [GeneratedRegex(@"^1[358]\d{9}$")]
    private static partial Regex MobilePhone();

    [GeneratedRegex(@"^\p{IsCJKUnifiedIdeographs}{2,3}$")]
    private static partial Regex ChineseName();
}
