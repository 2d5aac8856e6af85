using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Dashboard.Core.Accounts;
using Dashboard.Core.Demo;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Positions;
using Dashboard.Data;
using Dashboard.Data.Accounts;
using Dashboard.Data.Demo;
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
        Snapshots = new IncidentSnapshots();
        Services.AddSingleton(Snapshots);
        OpenIncidents = new OpenIncidents(Directory, new IncidentRepository(Database), Snapshots);
        Services.AddSingleton(OpenIncidents);
        Notifier = new IncidentNotifier(Directory, NullLogger<IncidentNotifier>.Instance, snapshots: Snapshots, openIncidents: OpenIncidents);
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
        Services.AddSingleton(new Dashboard.Data.Metrics.MetricsRepository(Database));
        Services.AddSingleton(new Dashboard.Data.Metrics.PortraitRepository(Database));
        Services.AddSingleton<Dashboard.Web.Features.Metrics.MetricsService>();
        Services.AddScoped<Dashboard.Web.Features.Metrics.MetricsExports>();
    }

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dashboard-tests", Guid.NewGuid().ToString("N"));

    protected DbConnectionFactory Database { get; }

    protected IncidentNotifier Notifier { get; }

    protected IncidentSnapshots Snapshots { get; }

    protected OpenIncidents OpenIncidents { get; }

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

    private long _seq = 1000;

    protected JurisdictionNode TownshipAt(int index) => Tree.OfLevel(JurisdictionLevel.Township).ElementAt(index);

    /// <summary>An incident at the township's first grid, reported that long before the fake clock's now, with the next seq.</summary>
    protected Incident NewIncident(
        long id, JurisdictionNode township, IncidentStatus status = IncidentStatus.Reported, string category = "ZDJY", double reportedSecondsAgo = 75)
    {
        ArgumentNullException.ThrowIfNull(township);
        var grid = Tree.ChildrenOf(township.Code)[0];
        var point = grid.Boundary.InteriorPoint;
        return new Incident(id, $"SJ20261123-{id:D6}", $"c{id}", category, "测试事件", point.Y, point.X, grid.Code, township.Code,
            township.ParentCode!, township.Code, status, Time.GetUtcNow().AddSeconds(-reportedSecondsAgo), null, 1, "网格长", 0, ++_seq);
    }

    /// <summary>Publishes the incident as an event of its own seq, by the grid captain, now.</summary>
    protected void Publish(Incident incident, string type = IncidentEventTypes.Reported)
    {
        ArgumentNullException.ThrowIfNull(incident);
        Notifier.Publish(new LiveEvent(incident.LastSeq, type, "captain", Time.GetUtcNow(), incident));
    }

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

    private long _reporterId;

    /// <summary>
    /// Writes the demo city (jurisdictions, officers, grid captains) and a reporting user into the test database, for tests
    /// whose components store commands: tasks and reports refer to those rows.
    /// </summary>
    protected async Task SeedCityAsync()
    {
        await new DemoCitySeeder(Database).SeedIfEmptyAsync(City, Xunit.TestContext.Current.CancellationToken);
        var grid = Tree.OfLevel(JurisdictionLevel.Grid).First();
        _reporterId = await new UserRepository(Database, Time).InsertAsync(
            new UserAccount(0, "reporter", "网格长", "-", Roles.GridCaptain, grid.Code, null, 0, null), Xunit.TestContext.Current.CancellationToken);
    }

    /// <summary>Stores a report made now at the interior point of the township's n-th grid (after <see cref="SeedCityAsync"/>).</summary>
    protected async Task<Incident> ReportAsync(JurisdictionNode township, string category, int grid = 0)
    {
        ArgumentNullException.ThrowIfNull(township);
        var node = Tree.ChildrenOf(township.Code)[grid];
        var point = node.Boundary.InteriorPoint;
        var outcome = await Services.GetRequiredService<IncidentRepository>().CreateReportAsync(new NewReport(
            Guid.NewGuid().ToString("N"), category, "测试事件：菜场门口占道", point.Y, point.X, node.Code, township.Code, township.ParentCode!,
            Time.GetUtcNow(), null, _reporterId, "网格长", "reporter", "SJ20261123-", []), Xunit.TestContext.Current.CancellationToken);
        return outcome.Incident;
    }

    /// <summary>Durable fixes as the position writer announces them: to the live feed and the recommender.</summary>
    protected async Task PlaceAsync(params PositionFix[] fixes)
    {
        await Feed.OnFlushedAsync(fixes);
        Services.GetRequiredService<RecommenderService>().OnFlushed(fixes);
    }

    /// <summary>A signed-in principal as the app builds it, for calling services directly.</summary>
    protected static ClaimsPrincipal Principal(string userName, string role, string scopeCode, int? officerId = null) =>
        DashboardClaims.CreatePrincipal(new UserAccount(0, userName, userName, "", role, scopeCode, officerId, 0, null), "Test");
}
