using Dashboard.Web.Features.Account;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Tests.Infrastructure;

/// <summary>
/// The real app on a real SQLite file in a fresh temp folder, demo city seeded, clock under test control.
/// </summary>
public class DashboardAppFactory : WebApplicationFactory<Program>
{
    public const string DemoPassword = "Demo@2026";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dashboard-tests", Guid.NewGuid().ToString("N"));

    public DashboardAppFactory()
    {
        Directory.CreateDirectory(_folder);
    }

    public string DatabasePath => Path.Combine(_folder, "dashboard.db");

    public string ConnectionString => $"Data Source={DatabasePath}";

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 1, 30, 0, TimeSpan.Zero));

    public bool DemoEnabled { get; init; } = true;

    /// <summary>Runs the field simulator from start; off so each test sees only its own incidents and positions.</summary>
    public bool SimulationEnabled { get; init; }

    /// <summary>Days of generated demo history; none by default so each test sees only its own incidents.</summary>
    public int HistoryDays { get; init; }

    /// <summary>How often the SLA monitor's own timer checks the clocks; null keeps the app's setting (1 s of fake time).</summary>
    public TimeSpan? SlaCheckInterval { get; init; }

    /// <summary>Further settings, applied after the defaults above (a test's tight rate limits, a bad option value).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:ConnectionString", ConnectionString);
        builder.UseSetting("Demo:Enabled", DemoEnabled ? "true" : "false");
        builder.UseSetting("Demo:Password", DemoPassword);
        builder.UseSetting("Demo:HistoryDays", HistoryDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Simulation:Enabled", SimulationEnabled ? "true" : "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Many tests report as the same demo users; the rate limits have their own tests with tight settings.
        builder.UseSetting("RateLimits:IntakeBurst", "100000");
        builder.UseSetting("RateLimits:IntakePerMinute", "100000");
        builder.UseSetting("RateLimits:PositionsBurst", "100000");
        builder.UseSetting("RateLimits:PositionsPerMinute", "100000");
        builder.UseSetting("Logging:LogLevel:Dashboard", "Warning");
        if (SlaCheckInterval is { } interval)
        {
            builder.UseSetting("Sla:CheckInterval", interval.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
        });
    }

    public HttpClient CreateBrowserClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

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

    public static string[] DemoUserNames =>
    [
        DemoUsers.CityOperator, DemoUsers.DistrictOperator, DemoUsers.TownshipOperator,
        DemoUsers.Leader, DemoUsers.GridCaptain, DemoUsers.Officer, DemoUsers.Admin,
    ];
}
