using System.Diagnostics;
using Dashboard.Core.Demo;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using Dashboard.Data.Demo;
using Dashboard.Data.Jurisdictions;
using Dashboard.Data.Officers;

namespace Dashboard.Data.Tests.Demo;

public abstract class DemoCitySeederTests : DatabaseTests
{
    [Fact]
    public async Task Seeds_an_empty_database_once_and_the_second_call_changes_nothing()
    {
        await using var db = await CreateMigratedAsync();
        var seeder = new DemoCitySeeder(db.Factory);

        Assert.True(await seeder.SeedIfEmptyAsync(TestCity.Build(), Ct));
        var before = await SnapshotAsync(db);
        var other = TestCity.Build() with
        {
            Teams = [new Team("T-other", "另一个中队", TestCity.Township)],
            Officers = [new Officer(99, "ZF0099", "赵六", "T-other", TestCity.Township, TravelMode.Foot, [], null, "1")],
        };

        Assert.False(await seeder.SeedIfEmptyAsync(other, Ct));
        Assert.Equal(before, await SnapshotAsync(db));
        Assert.Equal((5, 3, 1, 2, 2), before);
    }

    [Fact]
    public async Task A_failing_seed_writes_nothing()
    {
        await using var db = await CreateMigratedAsync();
        var broken = TestCity.Build() with
        {
            GridCaptains = [new GridCaptain("GC-x", "无网格", "no-such-grid", "1")],
        };

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => new DemoCitySeeder(db.Factory).SeedIfEmptyAsync(broken, Ct));

        Assert.Equal((0, 0, 0, 0, 0), await SnapshotAsync(db));
    }

    [Fact]
    public async Task Seeds_a_city_sized_data_set_in_one_go()
    {
        await using var db = await CreateMigratedAsync();
        var city = LargeCity(districts: 5, townshipsPerDistrict: 10, gridsPerTownship: 7, officers: 720);
        var clock = Stopwatch.StartNew();

        Assert.True(await new DemoCitySeeder(db.Factory).SeedIfEmptyAsync(city, Ct));

        clock.Stop();
        Assert.Equal((406, 6, 50, 720, 350), await SnapshotAsync(db));
        Assert.True(clock.Elapsed < MaxLargeSeedTime, $"seeding took {clock.Elapsed}");
    }

    protected abstract TimeSpan MaxLargeSeedTime { get; }

    private static async Task<(int, int, int, int, int)> SnapshotAsync(TestDatabase db)
    {
        var reference = new ReferenceDataRepository(db.Factory);
        return (
            await new JurisdictionRepository(db.Factory).CountAsync(Ct),
            (await reference.LoadCommandCentresAsync(Ct)).Count,
            (await reference.LoadTeamsAsync(Ct)).Count,
            (await reference.LoadOfficersAsync(Ct)).Count,
            (await reference.LoadGridCaptainsAsync(Ct)).Count);
    }

    private static DemoCity LargeCity(int districts, int townshipsPerDistrict, int gridsPerTownship, int officers)
    {
        var nodes = new List<JurisdictionNode> { new("C", "市", JurisdictionLevel.City, null, TestCity.Box(120, 29, 122, 31)) };
        var centres = new List<CommandCentre> { new("CC-C", "市中心", "C", 30, 121) };
        var teams = new List<Team>();
        var captains = new List<GridCaptain>();
        for (var d = 0; d < districts; d++)
        {
            var district = $"D{d}";
            nodes.Add(new(district, district, JurisdictionLevel.District, "C", TestCity.Box(120 + (d * 0.1), 29, 120.1 + (d * 0.1), 30)));
            centres.Add(new("CC-" + district, district, district, 29.5, 120.05 + (d * 0.1)));
            for (var t = 0; t < townshipsPerDistrict; t++)
            {
                var township = $"{district}T{t}";
                var minLat = 29 + (t * 0.1);
                nodes.Add(new(township, township, JurisdictionLevel.Township, district, TestCity.Box(120 + (d * 0.1), minLat, 120.1 + (d * 0.1), minLat + 0.1)));
                teams.Add(new("TEAM-" + township, township, township));
                for (var g = 0; g < gridsPerTownship; g++)
                {
                    var grid = $"{township}G{g}";
                    var minLon = 120 + (d * 0.1) + (g * 0.01);
                    nodes.Add(new(grid, grid, JurisdictionLevel.Grid, township, TestCity.Box(minLon, minLat, minLon + 0.01, minLat + 0.1)));
                    captains.Add(new("GC-" + grid, grid, grid, "139"));
                }
            }
        }

        var list = Enumerable.Range(1, officers).Select(i =>
        {
            var team = teams[i % teams.Count];
            return new Officer(i, $"ZF{i:D5}", $"队员{i}", team.Code, team.TownshipCode, (TravelMode)(i % 3), ["market"], $"dev-{i}", "138");
        }).ToList();

        // Children first, to show the seeder orders parents itself.
        nodes.Reverse();
        return new DemoCity(nodes, centres, teams, list, captains);
    }
}

public sealed class SqliteDemoCitySeederTests : DemoCitySeederTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());

    protected override TimeSpan MaxLargeSeedTime => TimeSpan.FromSeconds(5);
}
