using Dashboard.Data.Officers;

namespace Dashboard.Data.Tests.Officers;

public abstract class ReferenceDataRepositoryTests : DatabaseTests
{
    [Fact]
    public async Task Seeded_reference_data_loads_back_unchanged()
    {
        await using var db = await CreateSeededAsync();
        var repository = new ReferenceDataRepository(db.Factory);
        var city = TestCity.Build();

        Assert.Equivalent(city.Officers, await repository.LoadOfficersAsync(Ct), strict: true);
        Assert.Equal(city.Teams, await repository.LoadTeamsAsync(Ct));
        Assert.Equal(city.CommandCentres.OrderBy(c => c.Code, StringComparer.Ordinal), await repository.LoadCommandCentresAsync(Ct));
        Assert.Equal(city.GridCaptains, await repository.LoadGridCaptainsAsync(Ct));
    }

    [Fact]
    public async Task Officer_skills_and_optional_device_round_trip()
    {
        await using var db = await CreateSeededAsync();

        var officers = await new ReferenceDataRepository(db.Factory).LoadOfficersAsync(Ct);

        Assert.Equal(["market", "stall"], officers[0].Skills);
        Assert.Equal("dev-1", officers[0].DeviceId);
        Assert.Empty(officers[1].Skills);
        Assert.Null(officers[1].DeviceId);
        Assert.Equal(Core.Officers.TravelMode.Car, officers[1].Mode);
    }
}

public sealed class SqliteReferenceDataRepositoryTests : ReferenceDataRepositoryTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}
