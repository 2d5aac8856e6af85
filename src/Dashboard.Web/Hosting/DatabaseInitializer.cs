using Dashboard.Core.Accounts;
using Dashboard.Core.Demo;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data;
using Dashboard.Data.Demo;
using Dashboard.Data.Jurisdictions;
using Dashboard.Web.Features.Account;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Hosting;

/// <summary>Brings the database to the current schema, seeds the demo city when asked, and loads the directory.</summary>
public sealed class DatabaseInitializer(
    SchemaMigrator migrator,
    DemoCitySeeder seeder,
    JurisdictionRepository jurisdictions,
    DemoUsers demoUsers,
    CityDirectoryLoader loader,
    HistoryGenerator history,
    TimeProvider time,
    IOptions<DemoOptions> demo,
    IOptions<CultureOptions> culture,
    ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        if (demo.Value.HistoryDays is < 0 or > 366 || demo.Value.HistoryReportsPerDay is < 1 or > 20_000)
        {
            throw new InvalidOperationException(
                $"Demo:HistoryDays must be 0–366 (is {demo.Value.HistoryDays}) and Demo:HistoryReportsPerDay 1–20000 (is {demo.Value.HistoryReportsPerDay}).");
        }

        var applied = await migrator.MigrateAsync(ct);
        if (applied.Count > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Applied schema scripts: {Scripts}", string.Join(", ", applied));
        }

        // Generating the city costs a Voronoi tiling; only an empty database needs it. The seeder checks again inside its transaction.
        DemoCity? seeded = null;
        if (demo.Value.Enabled && await jurisdictions.CountAsync(ct) == 0)
        {
            var city = DemoCityGenerator.Generate(demo.Value.Seed);
            seeded = await seeder.SeedIfEmptyAsync(city, ct) ? city : null;
            if (seeded is not null && logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation(
                    "Seeded demo city {City}: {Nodes} jurisdictions, {Officers} officers",
                    city.Jurisdictions.Single(n => n.Level == JurisdictionLevel.City).Name,
                    city.Jurisdictions.Count,
                    city.Officers.Count);
            }
        }

        await loader.ReloadAsync(ct);

        if (demo.Value.Enabled)
        {
            var created = await demoUsers.EnsureAsync(ct);
            if (created > 0 && logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Created {Count} demo users ({Roles})", created, string.Join(", ", Roles.All));
            }
        }

        if (seeded is not null && demo.Value.HistoryDays > 0)
        {
            // Only on the start that seeded the city: the history ends yesterday, so today belongs to the live screen.
            var today = Core.Metrics.MetricRange.LocalDate(time.GetUtcNow(), culture.Value.Zone);
            var started = time.GetTimestamp();
            var result = await history.GenerateAsync(
                seeded, today.AddDays(-demo.Value.HistoryDays), today.AddDays(-1), demo.Value.HistoryReportsPerDay, demo.Value.Seed, ct);
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation(
                    "Generated {Days} days of demo history: {Incidents} incidents, {Events} events, {Tasks} tasks in {Elapsed:0.0} s",
                    demo.Value.HistoryDays, result.Incidents, result.Events, result.Tasks, time.GetElapsedTime(started).TotalSeconds);
            }
        }
    }
}
