using Dashboard.Core.Categories;
using Dashboard.Core.Demo;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using Dashboard.Core.Positions;
using NetTopologySuite.Geometries;

namespace Dashboard.Core.Tests.Dispatch;

public sealed class RecommenderTests
{
    private const double ToRadians = Math.PI / 180;
    private const string Skill = "ZDJY";

    // Inside township A of the small tree.
    private const double IncidentLat = 30.025;
    private const double IncidentLon = 121.025;

    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);
    private static readonly GridCaptain Captain = new("WGZ001", "王网格", "G1", "13800000000");
    private static readonly DemoCity Demo = DemoCityGenerator.Generate();
    private static readonly JurisdictionTree DemoTree = new(Demo.Jurisdictions);

    private static Polygon Box(double minLon, double minLat, double maxLon, double maxLat) =>
        (Polygon)Factory.ToGeometry(new Envelope(minLon, maxLon, minLat, maxLat));

    /// <summary>
    /// Townships about 4.8 × 5.6 km: A | B | C in a row, E above B touching A and C at corners, F right of C across a
    /// 1 m sliver, G below A across a 110 m gap.
    /// </summary>
    private static readonly JurisdictionTree SmallTree = new(
    [
        new("C0", "城", JurisdictionLevel.City, null, Box(121.00, 29.95, 121.20, 30.10)),
        new("D0", "区", JurisdictionLevel.District, "C0", Box(121.00, 29.95, 121.20, 30.10)),
        new("A", "甲镇", JurisdictionLevel.Township, "D0", Box(121.00, 30.00, 121.05, 30.05)),
        new("B", "乙镇", JurisdictionLevel.Township, "D0", Box(121.05, 30.00, 121.10, 30.05)),
        new("C", "丙镇", JurisdictionLevel.Township, "D0", Box(121.10, 30.00, 121.15, 30.05)),
        new("E", "戊镇", JurisdictionLevel.Township, "D0", Box(121.05, 30.05, 121.10, 30.10)),
        new("F", "己镇", JurisdictionLevel.Township, "D0", Box(121.15001, 30.00, 121.20, 30.05)),
        new("G", "庚镇", JurisdictionLevel.Township, "D0", Box(121.00, 29.95, 121.05, 29.999)),
    ]);

    private static Officer Officer(int id, string township = "A", TravelMode mode = TravelMode.EBike, params string[] skills) =>
        new(id, $"ZF{id:D5}", $"队员{id}", township + "-T1", township, mode, skills.Length == 0 ? [Skill] : skills, null, "13900000000");

    private static OfficerLocator Locator(RecommenderOptions? options, params Officer[] officers) =>
        new(officers, SmallTree, options ?? new RecommenderOptions());

    private static OfficerLocator Locator(params Officer[] officers) => Locator(null, officers);

    /// <summary>Places an officer due north of the incident, where the haversine distance is exactly the meridian arc.</summary>
    private static void PlaceNorth(OfficerLocator locator, int id, double meters, TimeSpan? age = null) =>
        locator.Update(id, IncidentLat + (meters / Geo.EarthRadiusMeters / ToRadians), IncidentLon, Now - (age ?? TimeSpan.FromSeconds(10)));

    private static RecommendationRequest Ask(string township = "A", string category = Skill, GridCaptain? captain = null) =>
        new(IncidentLat, IncidentLon, township, category, captain, Now);

    private static int?[] Ids(IReadOnlyList<Recommendation> list) =>
        list.Where(r => r.Group != CandidateGroup.Captain).Select(r => r.Assignee.OfficerId).ToArray();

    [Fact]
    public void Nearest_available_officer_ranks_first()
    {
        var locator = Locator(Officer(1), Officer(2), Officer(3));
        PlaceNorth(locator, 1, 800);
        PlaceNorth(locator, 2, 300);
        PlaceNorth(locator, 3, 1500);

        var list = locator.Recommend(Ask());

        Assert.Equal([2, 1, 3], Ids(list));
        Assert.Equal([1, 2, 3], list.Select(r => r.Rank));
        Assert.All(list, r => Assert.Equal(CandidateGroup.Township, r.Group));
        Assert.All(list, r => Assert.Equal("A", r.TownshipCode));
        Assert.Equal(300, list[0].DistanceMeters!.Value, 6);
        Assert.Equal(AssigneeKind.Officer, list[0].Assignee.Kind);
        Assert.Equal("队员2", list[0].Assignee.Name);
    }

    [Fact]
    public void Busy_officer_is_excluded_and_offered_again_once_free()
    {
        var locator = Locator(Officer(1), Officer(2));
        PlaceNorth(locator, 1, 100);
        PlaceNorth(locator, 2, 500);

        locator.SetBusy(1, true);
        Assert.True(locator.IsBusy(1));
        Assert.Equal([2], Ids(locator.Recommend(Ask())));

        locator.SetBusy(1, false);
        Assert.False(locator.IsBusy(1));
        Assert.Equal([1, 2], Ids(locator.Recommend(Ask())));
    }

    [Fact]
    public void Officer_whose_fix_is_older_than_OfflineAfter_is_not_offered()
    {
        var locator = Locator(Officer(1), Officer(2), Officer(3));
        PlaceNorth(locator, 1, 100, TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        PlaceNorth(locator, 2, 500, TimeSpan.FromMinutes(9));
        PlaceNorth(locator, 3, 900, TimeSpan.FromMinutes(10));

        Assert.Equal([2, 3], Ids(locator.Recommend(Ask())));
    }

    [Fact]
    public void Officer_without_any_fix_is_not_offered()
    {
        var locator = Locator(Officer(1), Officer(2));
        PlaceNorth(locator, 2, 500);

        Assert.Equal([2], Ids(locator.Recommend(Ask())));
    }

    [Fact]
    public void Stale_officer_ranks_after_a_farther_fresh_one_and_shows_its_fix_age()
    {
        var locator = Locator(Officer(1), Officer(2), Officer(3));
        PlaceNorth(locator, 1, 100, TimeSpan.FromMinutes(3));
        PlaceNorth(locator, 2, 2000, TimeSpan.FromSeconds(30));
        PlaceNorth(locator, 3, 2500, TimeSpan.FromMinutes(2));

        var list = locator.Recommend(Ask());

        Assert.Equal([2, 3, 1], Ids(list));
        Assert.False(list[0].Stale);
        Assert.Equal(TimeSpan.FromSeconds(30), list[0].FixAge);
        Assert.False(list[1].Stale); // exactly StaleAfter is still fresh
        Assert.True(list[2].Stale);
        Assert.Equal(TimeSpan.FromMinutes(3), list[2].FixAge);
        Assert.Equal(CandidateGroup.Township, list[2].Group);
    }

    [Fact]
    public void A_fix_in_the_future_counts_as_age_zero()
    {
        var locator = Locator(Officer(1));
        PlaceNorth(locator, 1, 100, TimeSpan.FromSeconds(-30));

        var only = Assert.Single(locator.Recommend(Ask()));

        Assert.Equal(TimeSpan.Zero, only.FixAge);
        Assert.False(only.Stale);
    }

    [Fact]
    public void Townships_sharing_an_edge_or_a_corner_or_a_sliver_gap_are_neighbours()
    {
        var locator = Locator(Officer(1));

        Assert.Equal(["B", "E"], locator.NeighboursOf("A"));
        Assert.Equal(["A", "C", "E"], locator.NeighboursOf("B"));
        Assert.Equal(["B", "E", "F"], locator.NeighboursOf("C"));
        Assert.Equal(["A", "B", "C"], locator.NeighboursOf("E"));
        Assert.Empty(locator.NeighboursOf("G"));
        Assert.Empty(locator.NeighboursOf("nope"));
    }

    [Fact]
    public void Officers_of_a_township_that_does_not_border_the_responsible_one_are_excluded()
    {
        var locator = Locator(Officer(1, "C"), Officer(2, "G"), Officer(3, "A"), Officer(4, "E"));
        PlaceNorth(locator, 1, 50);
        PlaceNorth(locator, 2, 60);
        PlaceNorth(locator, 3, 1000);
        PlaceNorth(locator, 4, 1200);

        var list = locator.Recommend(Ask());

        Assert.Equal([3, 4], Ids(list));
        Assert.Equal(CandidateGroup.Neighbour, list[1].Group);
        Assert.Equal("E", list[1].TownshipCode);
    }

    [Fact]
    public void Neighbour_township_officer_ranks_after_every_township_officer_even_when_closer()
    {
        var locator = Locator(Officer(1, "B"), Officer(2, "A"), Officer(3, "A"), Officer(4, "B"));
        PlaceNorth(locator, 1, 50);
        PlaceNorth(locator, 2, 2000, TimeSpan.FromMinutes(5));
        PlaceNorth(locator, 3, 2500);
        PlaceNorth(locator, 4, 80, TimeSpan.FromMinutes(5));

        var list = locator.Recommend(Ask());

        Assert.Equal([3, 2, 1, 4], Ids(list));
        Assert.Equal(
            [CandidateGroup.Township, CandidateGroup.Township, CandidateGroup.Neighbour, CandidateGroup.Neighbour],
            list.Select(r => r.Group));
        Assert.Equal([false, true, false, true], list.Select(r => r.Stale));
        Assert.Equal("B", list[2].TownshipCode);
    }

    [Fact]
    public void Officer_without_the_category_skill_is_not_offered()
    {
        var locator = Locator(Officer(1, skills: "CDJY"), Officer(2, skills: ["CDJY", Skill]));
        PlaceNorth(locator, 1, 100);
        PlaceNorth(locator, 2, 500);

        Assert.Equal([2], Ids(locator.Recommend(Ask())));
        Assert.Equal([1, 2], Ids(locator.Recommend(Ask(category: "CDJY"))));
        Assert.Empty(locator.Recommend(Ask(category: "LJLD")));
    }

    [Theory]
    [InlineData(TravelMode.EBike, 2500, 360)]
    [InlineData(TravelMode.Car, 2500, 300)]
    [InlineData(TravelMode.Foot, 2500, 1800)]
    [InlineData(TravelMode.Foot, 500, 360)]
    public void Eta_is_the_distance_over_the_travel_mode_speed(TravelMode mode, double meters, double seconds)
    {
        var locator = Locator(Officer(1, mode: mode));
        PlaceNorth(locator, 1, meters);

        var only = Assert.Single(locator.Recommend(Ask()));

        Assert.Equal(meters, only.DistanceMeters!.Value, 6);
        Assert.Equal(seconds, only.Eta!.Value.TotalSeconds, 3);
    }

    [Fact]
    public void Speeds_come_from_the_options_and_changes_apply_to_the_next_request()
    {
        var options = new RecommenderOptions { EBikeKmh = 20 };
        var locator = Locator(options, Officer(1, mode: TravelMode.EBike), Officer(2, mode: TravelMode.Car));
        PlaceNorth(locator, 1, 1000);
        PlaceNorth(locator, 2, 1400);

        // 180 s by e-bike at 20 km/h against 168 s by car at 30 km/h.
        var list = locator.Recommend(Ask());
        Assert.Equal([2, 1], Ids(list));
        Assert.Equal(180, list[1].Eta!.Value.TotalSeconds, 3);

        options.CarKmh = 20;
        Assert.Equal([1, 2], Ids(locator.Recommend(Ask())));
    }

    [Fact]
    public void Equal_etas_rank_the_newer_fix_first_then_the_lower_id()
    {
        var locator = Locator(Officer(5), Officer(3), Officer(4), Officer(6));
        PlaceNorth(locator, 5, 700, TimeSpan.FromSeconds(20));
        PlaceNorth(locator, 3, 700, TimeSpan.FromSeconds(20));
        PlaceNorth(locator, 4, 700, TimeSpan.FromSeconds(5));
        PlaceNorth(locator, 6, 699, TimeSpan.FromSeconds(60));

        Assert.Equal([6, 4, 3, 5], Ids(locator.Recommend(Ask())));
        Assert.Equal([6, 4, 3, 5], Ids(locator.Recommend(Ask())));
    }

    [Fact]
    public void Grid_captain_is_appended_last_without_distance_eta_or_fix_age()
    {
        var locator = Locator(Officer(1), Officer(2));
        PlaceNorth(locator, 1, 100);
        PlaceNorth(locator, 2, 200);

        var list = locator.Recommend(Ask(captain: Captain));

        Assert.Equal(3, list.Count);
        var last = list[^1];
        Assert.Equal(3, last.Rank);
        Assert.Equal(CandidateGroup.Captain, last.Group);
        Assert.True(last.Assignee.SameAs(Assignee.ForCaptain("WGZ001", "王网格")));
        Assert.Equal("A", last.TownshipCode);
        Assert.Null(last.DistanceMeters);
        Assert.Null(last.Eta);
        Assert.Null(last.FixAge);
        Assert.False(last.Stale);
    }

    [Fact]
    public void Grid_captain_is_offered_alone_when_no_officer_qualifies()
    {
        var locator = Locator(Officer(1));

        var only = Assert.Single(locator.Recommend(Ask(captain: Captain)));

        Assert.Equal(1, only.Rank);
        Assert.Equal(CandidateGroup.Captain, only.Group);
        Assert.Single(locator.Recommend(Ask(township: "unknown", captain: Captain)));
    }

    [Fact]
    public void At_most_MaxResults_officers_are_returned_before_the_captain()
    {
        var officers = Enumerable.Range(1, 8).Select(id => Officer(id)).ToArray();
        var locator = Locator(new RecommenderOptions { MaxResults = 3 }, officers);
        foreach (var officer in officers)
        {
            PlaceNorth(locator, officer.Id, 1000 - (officer.Id * 100));
        }

        var list = locator.Recommend(Ask(captain: Captain));

        Assert.Equal([8, 7, 6], Ids(list));
        Assert.Equal([1, 2, 3, 4], list.Select(r => r.Rank));
        Assert.Equal(CandidateGroup.Captain, list[3].Group);
    }

    [Fact]
    public void Officer_beyond_MaxDistanceMeters_is_not_offered()
    {
        var locator = Locator(new RecommenderOptions { MaxDistanceMeters = 1000 }, Officer(1), Officer(2));
        PlaceNorth(locator, 1, 900);
        PlaceNorth(locator, 2, 1100);

        Assert.Equal([1], Ids(locator.Recommend(Ask())));
    }

    [Fact]
    public void An_older_fix_does_not_move_an_officer_back()
    {
        var locator = Locator(Officer(1));
        PlaceNorth(locator, 1, 200, TimeSpan.FromSeconds(10));
        PlaceNorth(locator, 1, 2000, TimeSpan.FromSeconds(60));

        var only = Assert.Single(locator.Recommend(Ask()));
        Assert.Equal(200, only.DistanceMeters!.Value, 6);
        Assert.Equal(TimeSpan.FromSeconds(10), only.FixAge);

        PlaceNorth(locator, 1, 2000, TimeSpan.FromSeconds(5));
        Assert.Equal(2000, Assert.Single(locator.Recommend(Ask())).DistanceMeters!.Value, 6);
    }

    [Fact]
    public void The_index_still_finds_an_officer_after_it_moves_across_many_cells()
    {
        var locator = Locator(new RecommenderOptions { MaxDistanceMeters = 50_000 }, Officer(1));
        (double Lat, double Lon)[] path =
        [
            (30.001, 121.001), // far corner of A
            (30.099, 121.149), // across the tree, many cells away
            (30.30, 120.95), // beyond the grid's margin
            (30.026, 121.026), // next to the incident
            (29.96, 121.19),
        ];

        for (var i = 0; i < path.Length; i++)
        {
            var (lat, lon) = path[i];
            locator.Update(1, lat, lon, Now.AddSeconds(-60 + i));

            var only = Assert.Single(locator.Recommend(Ask()));
            Assert.Equal(Geo.HaversineMeters(IncidentLat, IncidentLon, lat, lon), only.DistanceMeters);
        }
    }

    [Fact]
    public void Update_of_an_unknown_officer_is_ignored_and_bad_coordinates_are_refused()
    {
        var locator = Locator(Officer(1));
        locator.Update(99, IncidentLat, IncidentLon, Now);
        locator.SetBusy(99, true);

        Assert.False(locator.IsBusy(99));
        Assert.Empty(locator.Recommend(Ask()));
        Assert.Throws<ArgumentOutOfRangeException>(() => locator.Update(1, double.NaN, IncidentLon, Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => locator.Update(1, IncidentLat, 181, Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => locator.Recommend(Ask() with { Latitude = double.PositiveInfinity }));
    }

    [Fact]
    public void Duplicate_officer_ids_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Locator(Officer(1), Officer(1, "B")));
        Assert.Contains("officer id 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_city_neighbours_are_symmetric_and_share_a_boundary()
    {
        var locator = new OfficerLocator(Demo.Officers, DemoTree, new RecommenderOptions());
        var townships = DemoTree.OfLevel(JurisdictionLevel.Township).ToList();

        foreach (var a in townships)
        {
            var neighbours = locator.NeighboursOf(a.Code);
            Assert.NotEmpty(neighbours);
            Assert.DoesNotContain(a.Code, neighbours);
            foreach (var b in townships.Where(b => b.Code != a.Code))
            {
                var bordering = neighbours.Contains(b.Code);
                Assert.Equal(bordering, locator.NeighboursOf(b.Code).Contains(a.Code));
                // Voronoi cells share their edges: neighbours touch, the rest are far apart (degrees; 1e-4 is ~10 m).
                var gap = a.Boundary.Distance(b.Boundary);
                Assert.True(bordering ? gap < 1e-7 : gap > 1e-4, $"{a.Code}-{b.Code}: bordering={bordering}, gap={gap}");
            }
        }
    }

    [Fact]
    public void Recommend_matches_a_brute_force_ranking_over_all_officers_for_random_requests()
    {
        var rng = new Random(7);
        var options = new RecommenderOptions();
        var world = new World(Demo.Officers, options);
        world.Scatter(rng, Now, fixes: 3);

        for (var i = 0; i < 600; i++)
        {
            options.MaxResults = rng.Next(8) switch
            {
                0 => 1,
                1 => 10,
                2 => 40,
                _ => 5,
            };
            options.MaxDistanceMeters = rng.Next(4) == 0 ? 8_000 : 30_000;
            var request = world.RandomRequest(rng, Now.AddSeconds(rng.Next(-120, 120)));

            World.AssertSame(world.BruteForce(request), world.Locator.Recommend(request));

            // Keep the index moving between requests: newer and older fixes, busy flips.
            world.Scatter(rng, Now.AddSeconds(rng.Next(-300, 60)), fixes: 1, officers: 40);
        }
    }

    [Fact]
    public async Task Concurrent_updates_do_not_disturb_recommendations_or_the_index()
    {
        var rng = new Random(11);
        var options = new RecommenderOptions();
        var world = new World(Demo.Officers, options);
        world.Scatter(rng, Now, fixes: 2);

        // Drawn up front so that the writer thread touches nothing but the locator.
        var ids = Demo.Officers.Select(o => o.Id).ToArray();
        var moves = Enumerable.Range(0, 60_000).Select(_ =>
        {
            var (lat, lon) = World.RandomPoint(rng, DemoTree.Root.Boundary);
            return (Id: ids[rng.Next(ids.Length)], Lat: lat, Lon: lon, At: Now.AddSeconds(rng.Next(-900, 10)), Busy: rng.Next(10) == 0);
        }).ToArray();
        var writer = Task.Run(
            () =>
            {
                foreach (var m in moves)
                {
                    world.Locator.Update(m.Id, m.Lat, m.Lon, m.At);
                    world.Locator.SetBusy(m.Id, m.Busy);
                }
            },
            TestContext.Current.CancellationToken);

        do
        {
            var list = world.Locator.Recommend(world.RandomRequest(rng, Now));
            Assert.Equal(Enumerable.Range(1, list.Count), list.Select(r => r.Rank));
            Assert.True(list.Count(r => r.Group != CandidateGroup.Captain) <= options.MaxResults);
            Assert.Equal(list.Count, list.Select(r => r.Assignee).Distinct().Count());
            Assert.Equal(list.Select(r => r.Group).Order(), list.Select(r => r.Group));
        }
        while (!writer.IsCompleted);

        await writer;
        foreach (var m in moves)
        {
            world.Model(m.Id, m.Lat, m.Lon, m.At);
            world.ModelBusy(m.Id, m.Busy);
        }

        for (var i = 0; i < 200; i++)
        {
            var request = world.RandomRequest(rng, Now);
            World.AssertSame(world.BruteForce(request), world.Locator.Recommend(request));
        }
    }

    /// <summary>The demo city's officers with a model of their positions and busy flags, and a linear reference ranking.</summary>
    private sealed class World
    {
        private readonly IReadOnlyList<Officer> _officers;
        private readonly RecommenderOptions _options;
        private readonly Dictionary<int, (double Lat, double Lon, DateTimeOffset At)> _fixes = [];
        private readonly HashSet<int> _busy = [];
        private readonly List<JurisdictionNode> _townships = DemoTree.OfLevel(JurisdictionLevel.Township).ToList();
        private readonly Dictionary<string, JurisdictionNode> _townshipByCode;
        private readonly Dictionary<string, GridCaptain> _captainByGrid;

        public World(IReadOnlyList<Officer> officers, RecommenderOptions options)
        {
            _officers = officers;
            _options = options;
            Locator = new OfficerLocator(officers, DemoTree, options);
            _townshipByCode = _townships.ToDictionary(t => t.Code, StringComparer.Ordinal);
            _captainByGrid = Demo.GridCaptains.ToDictionary(c => c.GridCode, StringComparer.Ordinal);
        }

        public OfficerLocator Locator { get; }

        public static (double Lat, double Lon) RandomPoint(Random rng, Geometry area)
        {
            var env = area.EnvelopeInternal;
            while (true)
            {
                var (lat, lon) = (env.MinY + (rng.NextDouble() * env.Height), env.MinX + (rng.NextDouble() * env.Width));
                if (area.Contains(Factory.CreatePoint(new Coordinate(lon, lat))))
                {
                    return (lat, lon);
                }
            }
        }

        /// <summary>
        /// Sends some (or every) officer <paramref name="fixes"/> fixes around <paramref name="around"/>, mostly inside its
        /// township, and sets its busy flag at random.
        /// </summary>
        public void Scatter(Random rng, DateTimeOffset around, int fixes, int? officers = null)
        {
            var city = DemoTree.Root.Boundary.EnvelopeInternal;
            var chosen = officers is { } n ? Enumerable.Range(0, n).Select(_ => _officers[rng.Next(_officers.Count)]) : _officers;
            foreach (var officer in chosen)
            {
                for (var f = 0; f < fixes; f++)
                {
                    if (rng.Next(20) == 0)
                    {
                        continue;
                    }

                    var (lat, lon) = rng.Next(10) switch
                    {
                        0 => (city.MinY - 0.2 + (rng.NextDouble() * (city.Height + 0.4)), city.MinX - 0.2 + (rng.NextDouble() * (city.Width + 0.4))),
                        1 => RandomPoint(rng, DemoTree.Root.Boundary),
                        _ => RandomPoint(rng, _townshipByCode[officer.TownshipCode].Boundary),
                    };
                    // Ages straddle StaleAfter and OfflineAfter; a few fixes are ahead of the clock.
                    var at = around.AddSeconds(rng.Next(-900, 30));
                    Locator.Update(officer.Id, lat, lon, at);
                    Model(officer.Id, lat, lon, at);
                }

                SetBusy(officer.Id, rng.Next(7) == 0);
            }
        }

        public void Model(int id, double lat, double lon, DateTimeOffset at)
        {
            if (!_fixes.TryGetValue(id, out var held) || at >= held.At)
            {
                _fixes[id] = (lat, lon, at);
            }
        }

        public void ModelBusy(int id, bool busy)
        {
            if (busy)
            {
                _busy.Add(id);
            }
            else
            {
                _busy.Remove(id);
            }
        }

        public void SetBusy(int id, bool busy)
        {
            Locator.SetBusy(id, busy);
            ModelBusy(id, busy);
        }

        public RecommendationRequest RandomRequest(Random rng, DateTimeOffset now)
        {
            var township = _townships[rng.Next(_townships.Count)];
            var (lat, lon) = rng.Next(10) == 0
                ? RandomPoint(rng, DemoTree.Root.Boundary)
                : RandomPoint(rng, township.Boundary);
            var grid = DemoTree.Locate(lat, lon)?.Grid;
            var captain = grid is not null && rng.Next(4) != 0 ? _captainByGrid[grid.Code] : null;
            var categories = DefaultCategories.All;
            var category = rng.Next(50) == 0 ? "NOPE" : categories[rng.Next(categories.Count)].Code;
            return new RecommendationRequest(lat, lon, rng.Next(50) == 0 ? "999999" : township.Code, category, captain, now);
        }

        /// <summary>The ranking rules applied to every officer, one at a time.</summary>
        public List<Recommendation> BruteForce(RecommendationRequest request)
        {
            var neighbours = Locator.NeighboursOf(request.TownshipCode).ToHashSet(StringComparer.Ordinal);
            var ranked = _officers
                .Where(o => _fixes.ContainsKey(o.Id) && !_busy.Contains(o.Id) && o.Skills.Contains(request.CategoryCode))
                .Select(o =>
                {
                    var fix = _fixes[o.Id];
                    var age = fix.At > request.Now ? TimeSpan.Zero : request.Now - fix.At;
                    var distance = Geo.HaversineMeters(request.Latitude, request.Longitude, fix.Lat, fix.Lon);
                    CandidateGroup? group = o.TownshipCode == request.TownshipCode ? CandidateGroup.Township
                        : neighbours.Contains(o.TownshipCode) ? CandidateGroup.Neighbour
                        : null;
                    return (Officer: o, Group: group, Age: age, Stale: age > _options.StaleAfter, Distance: distance,
                        Eta: distance * 3.6 / _options.SpeedKmh(o.Mode), fix.At);
                })
                .Where(c => c.Group is not null && c.Age <= _options.OfflineAfter && c.Distance <= _options.MaxDistanceMeters)
                .OrderBy(c => c.Group)
                .ThenBy(c => c.Stale)
                .ThenBy(c => c.Eta)
                .ThenByDescending(c => c.At)
                .ThenBy(c => c.Officer.Id)
                .Take(_options.MaxResults)
                .Select((c, i) => new Recommendation(
                    i + 1, Assignee.ForOfficer(c.Officer.Id, c.Officer.Name), c.Group!.Value, c.Officer.TownshipCode,
                    c.Distance, TimeSpan.FromSeconds(c.Eta), c.Age, c.Stale))
                .ToList();
            if (request.Captain is { } captain)
            {
                ranked.Add(new Recommendation(
                    ranked.Count + 1, Assignee.ForCaptain(captain.Code, captain.Name), CandidateGroup.Captain, request.TownshipCode, null, null, null, false));
            }

            return ranked;
        }

        public static void AssertSame(IReadOnlyList<Recommendation> expected, IReadOnlyList<Recommendation> actual) =>
            // Records compare by value, and both sides compute distance with the same haversine.
            Assert.Equal(expected, actual);
    }
}
