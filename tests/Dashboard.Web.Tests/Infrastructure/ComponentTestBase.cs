using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Dashboard.Core.Demo;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data;
using Dashboard.Data.Dispatch;
using Dashboard.Data.Incidents;
using Dashboard.Web.Features.Dispatch;
using Dashboard.Web.Realtime;
using Microsoft.Extensions.Logging.Abstractions;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;

namespace Dashboard.Web.Tests.Infrastructure;

/// <summary>
/// Shared bUnit set-up: MudBlazor services without popover checks or transitions, real zh-CN resources,
/// a fake clock, the demo city loaded into the directory, a real SQLite file with the schema, and the live notifier.
/// </summary>
public abstract class ComponentTestBase : BunitContext
{
    private static readonly Lazy<DemoCity> Demo = new(() => DemoCityGenerator.Generate());

    protected ComponentTestBase()
    {
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("zh-CN");
        System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("zh-CN");
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.PopoverOptions.CheckForPopoverProvider = false;
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton(Options.Create(new CultureOptions()));
        Services.AddSingleton(Directory);
        Auth = AddAuthorization();

        System.IO.Directory.CreateDirectory(_folder);
        Database = new DbConnectionFactory(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_folder, "test.db")}" });
        // bUnit builds components synchronously; the schema is a few milliseconds of work.
        new SchemaMigrator(Database, Time).MigrateAsync().GetAwaiter().GetResult();
        Services.AddSingleton(Database);
        Services.AddSingleton(new IncidentRepository(Database));
        Services.AddSingleton(new CategoryRepository(Database));
        Notifier = new IncidentNotifier(Directory, NullLogger<IncidentNotifier>.Instance);
        Services.AddSingleton(Notifier);
        Board = new TaskBoard();
        Services.AddSingleton(Board);
        Feed = new Dashboard.Web.Features.Map.PositionFeed(Directory, Time, Options.Create(new Dashboard.Web.Features.Map.PositionFeedOptions()), Board);
        Services.AddSingleton(Feed);
        Services.AddSingleton(Options.Create(new MapOptions()));
        Services.AddSingleton(Options.Create(new DispatchOptions()));
        Services.AddSingleton(new DispatchRepository(Database, Time));
        Services.AddSingleton<RecommenderService>();
        Services.AddSingleton<DispatchService>();
        Services.AddScoped<OperatorActions>();
    }

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dashboard-tests", Guid.NewGuid().ToString("N"));

    protected DbConnectionFactory Database { get; }

    protected IncidentNotifier Notifier { get; }

    protected Dashboard.Web.Features.Map.PositionFeed Feed { get; }

    protected TaskBoard Board { get; }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Feed.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                System.IO.Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A connection still finalising keeps the file; the OS temp cleaner takes it.
            }
        }
    }

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 1, 30, 0, TimeSpan.Zero));

    protected static DemoCity City => Demo.Value;

    protected CityDirectory Directory { get; } = Load(Demo.Value);

    protected BunitAuthorizationContext Auth { get; }

    protected JurisdictionTree Tree => Directory.Tree;

    protected void SignInAs(string role, string scopeCode, string displayName = "测试用户")
    {
        Auth.SetAuthorized(displayName);
        Auth.SetRoles(role);
        Auth.SetClaims(new Claim(DashboardClaims.Scope, scopeCode), new Claim(DashboardClaims.DisplayName, displayName));
    }

    private static CityDirectory Load(DemoCity city)
    {
        var directory = new CityDirectory();
        directory.Replace(new CityDirectory.Snapshot(
            new JurisdictionTree(city.Jurisdictions), city.Teams, city.Officers, city.CommandCentres, city.GridCaptains));
        return directory;
    }

    protected IStringLocalizer<SharedResource> Localizer => Services.GetRequiredService<IStringLocalizer<SharedResource>>();
}
