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
    IOptions<DemoOptions> demo,
    ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        var applied = await migrator.MigrateAsync(ct);
        if (applied.Count > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Applied schema scripts: {Scripts}", string.Join(", ", applied));
        }

        // Generating the city costs a Voronoi tiling; only an empty database needs it. The seeder checks again inside its transaction.
        if (demo.Value.Enabled && await jurisdictions.CountAsync(ct) == 0)
        {
            var city = DemoCityGenerator.Generate(demo.Value.Seed);
            if (await seeder.SeedIfEmptyAsync(city, ct) && logger.IsEnabled(LogLevel.Information))
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
    }
}
