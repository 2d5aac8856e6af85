using Dashboard.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddDashboard();

var app = builder.Build();
app.UseDashboard();

if (args is ["import-geojson", ..])
{
    return await ImportGeoJsonCommand.RunAsync(app, args[1..]);
}

await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync();
await app.RunAsync();
return 0;

/// <summary>Entry point, public so WebApplicationFactory can host it in tests.</summary>
public partial class Program;
