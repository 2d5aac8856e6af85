namespace Dashboard.Web.Hosting;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seeds the demo city and demo users into an empty database.</summary>
    public bool Enabled { get; set; }

    public int Seed { get; set; } = Core.Demo.DemoCityGenerator.DefaultSeed;

    /// <summary>Password of every demo user (documented in README; demo mode only).</summary>
    public string Password { get; set; } = "Demo@2026";
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
}
