using System.Globalization;
using System.Net;
using Dashboard.Web.Hosting;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.E2E.Infrastructure;

/// <summary>
/// The real app on real Kestrel at 127.0.0.1 on a free port, a fresh SQLite file in a temp folder, the demo city with its
/// deterministic seed and no generated history, the real clock, and short SLA targets for one category (the breach flow).
/// Development environment, so the build's static web assets (MudBlazor, Leaflet, our modules) are served.
/// </summary>
public sealed class ConsoleApp : WebApplicationFactory<Program>
{
    public const string DemoPassword = "Demo@2026";

    /// <summary>噪声扰民: the category whose contact target is only <see cref="BreachContactSeconds"/> (flow 5).</summary>
    public const string BreachCategory = "ZSRM";

    public const int BreachContactSeconds = 3;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dashboard-e2e", Guid.NewGuid().ToString("N"));

    public ConsoleApp()
    {
        Directory.CreateDirectory(_folder);
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public string DatabasePath => Path.Combine(_folder, "dashboard.db");

    /// <summary>http://127.0.0.1:port, once <see cref="Start"/> has run.</summary>
    public Uri BaseAddress { get; private set; } = default!;

    public CityDirectory City => Services.GetRequiredService<CityDirectory>();

    public void Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = addresses.Single();
        BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        if (BaseAddress.Host != "127.0.0.1")
        {
            throw new InvalidOperationException($"the app listens on {address}, not on 127.0.0.1");
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:ConnectionString", $"Data Source={DatabasePath}");
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Demo:Seed", "20261123");
        builder.UseSetting("Demo:Password", DemoPassword);
        builder.UseSetting("Demo:HistoryDays", "0");
        builder.UseSetting("Simulation:Enabled", "false");
        builder.UseSetting("Map:TileUrl", "");
        // Every field of the override is given: the configuration binder builds the record through its constructor.
        builder.UseSetting("Sla:Overrides:0:Scope", Dashboard.Core.Demo.DemoCityGenerator.CityCode);
        builder.UseSetting("Sla:Overrides:0:Category", BreachCategory);
        builder.UseSetting("Sla:Overrides:0:ContactSeconds", BreachContactSeconds.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Sla:Overrides:0:ArrivalSeconds", "300");
        builder.UseSetting("Sla:CheckInterval", "00:00:00.250");
        builder.UseSetting("RateLimits:IntakeBurst", "100000");
        builder.UseSetting("RateLimits:IntakePerMinute", "100000");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Dashboard", "Warning");
        builder.ConfigureServices(services => services.Configure<CircuitOptions>(o =>
        {
            // Each flow closes its browser contexts. A circuit whose unload beacon did not arrive stays "disconnected" for
            // 3 minutes by default, and its live map keeps its position-feed subscription: the feed pushes to subscribers
            // one after another and waits on that map's JS call, so every other map stops moving meanwhile (reported as an
            // app issue). Drop such circuits quickly so each flow starts clean.
            o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromSeconds(2);
        }));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a finalising connection is left for the OS temp cleaner.
            }
        }
    }
}
