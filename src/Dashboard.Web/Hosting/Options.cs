namespace Dashboard.Web.Hosting;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seeds the demo city and demo users into an empty database.</summary>
    public bool Enabled { get; set; }

    /// <summary>Lets <see cref="Enabled"/> run in the Production environment; without it the app refuses to start there.</summary>
    public bool AllowInProduction { get; set; }

    public int Seed { get; set; } = Core.Demo.DemoCityGenerator.DefaultSeed;

    /// <summary>Password of every demo user (documented in README; demo mode only).</summary>
    public string Password { get; set; } = "Demo@2026";

    /// <summary>Past local days of generated activity written when the demo city is first seeded, so portraits and trends have data (0 = none).</summary>
    public int HistoryDays { get; set; } = 30;

    /// <summary>About how many reports a day the history holds over the whole city.</summary>
    public int HistoryReportsPerDay { get; set; } = 300;
}

public sealed class AuthOptions
{
    public const string Section = "Auth";

    public int MaxFailedSignIns { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;

    public int TokenHours { get; set; } = 8;
}

public sealed class CultureOptions
{
    public const string Section = "Culture";

    public const string Chinese = "zh-CN";
    public const string English = "en";

    public static readonly string[] Supported = [Chinese, English];

    public string Default { get; set; } = Chinese;

    /// <summary>IANA zone that cuts days for "today" figures; command rooms work on Beijing time.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public TimeZoneInfo Zone => Features.Shell.TimeZones.Find(TimeZone);

    /// <summary>The instant on the command room's wall clock.</summary>
    public DateTimeOffset ToLocal(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);
}

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Reports a user may send in a burst before being slowed to <see cref="IntakePerMinute"/>.</summary>
    public int IntakeBurst { get; set; } = 20;

    public int IntakePerMinute { get; set; } = 30;

    /// <summary>Position requests (POST /positions per user, /osmand per device) in a burst: a phone catching up after a tunnel sends many at once.</summary>
    public int PositionsBurst { get; set; } = 120;

    /// <summary>Sustained position requests per minute per user or device: a fix a second, far above the usual one every 5–30 s.</summary>
    public int PositionsPerMinute { get; set; } = 60;
}

public sealed class MapOptions
{
    public const string Section = "Map";

    /// <summary>Leaflet URL template of a basemap inside the network; empty = boundaries on a dark background.</summary>
    public string TileUrl { get; set; } = "";

    public string Subdomains { get; set; } = "";

    public string Attribution { get; set; } = "";

    /// <summary>The basemap is GCJ-02 (most Chinese providers): WGS-84 positions are shifted for display.</summary>
    public bool Gcj02 { get; set; }
}
