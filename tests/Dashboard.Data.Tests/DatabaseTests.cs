namespace Dashboard.Data.Tests;

/// <summary>
/// Base of every provider-neutral test class. Each has a SQLite subclass next to it and a SQL Server subclass
/// in SqlServer/SqlServerLiveTests.cs, so the same behaviour is checked on both providers.
/// </summary>
public abstract class DatabaseTests
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<TestDatabase> CreateEmptyAsync();

    protected async Task<TestDatabase> CreateMigratedAsync() => await (await CreateEmptyAsync()).MigratedAsync();

    protected async Task<TestDatabase> CreateSeededAsync()
    {
        var db = await CreateMigratedAsync();
        await new Dashboard.Data.Demo.DemoCitySeeder(db.Factory).SeedIfEmptyAsync(TestCity.Build(), Ct);
        return db;
    }
}
