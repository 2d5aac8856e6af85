using Dashboard.Data;
using Dashboard.Data.Import;

namespace Dashboard.Web.Hosting;

/// <summary><c>dotnet run --project src/Dashboard.Web -- import-geojson &lt;file&gt;</c>: loads real boundaries, all or nothing.</summary>
public static class ImportGeoJsonCommand
{
    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != 1)
        {
            await Console.Error.WriteLineAsync("usage: import-geojson <FeatureCollection.geojson>");
            return 2;
        }

        var path = Path.GetFullPath(args[0]);
        if (!File.Exists(path))
        {
            await Console.Error.WriteLineAsync($"import-geojson: file not found: {path}");
            return 2;
        }

        await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync();
        try
        {
            await using var stream = File.OpenRead(path);
            var result = await app.Services.GetRequiredService<GeoJsonBoundaryImporter>().ImportAsync(stream);
            Console.WriteLine($"import-geojson: {result.Inserted} inserted, {result.Updated} updated from {path}");
            return 0;
        }
        catch (GeoJsonImportException ex)
        {
            await Console.Error.WriteLineAsync($"import-geojson: nothing was imported; {ex.Errors.Count} problem(s) in {path}:");
            foreach (var error in ex.Errors)
            {
                var where = error.FeatureIndex < 0 ? "file" : $"feature #{error.FeatureIndex}";
                var code = error.Code is null ? "" : $" (code {error.Code})";
                await Console.Error.WriteLineAsync($"  {where}{code}: {error.Field}: {error.Message}");
            }

            return 1;
        }
    }
}
