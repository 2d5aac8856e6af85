using System.Globalization;
using System.Security.Claims;
using Dashboard.Core.Accounts;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Metrics;
using Dashboard.Web.Features.Account;

namespace Dashboard.Web.Features.Metrics;

/// <summary>A parsed time range: the period picked and the local days it covers (both included).</summary>
public sealed record MetricsWindow(MetricPeriod Period, DateOnly First, DateOnly Last, MetricRange Range)
{
    public string PeriodToken => MetricsQuery.Token(Period);

    /// <summary>The query string that reproduces this window, e.g. "period=custom&amp;from=2026-11-01&amp;to=2026-11-30".</summary>
    public string QueryString => Period == MetricPeriod.Custom
        ? $"period=custom&from={First:yyyy-MM-dd}&to={Last:yyyy-MM-dd}"
        : $"period={PeriodToken}";
}

/// <summary>Parsing and access rules shared by the metrics pages and APIs, so both read the same range and scope.</summary>
public static class MetricsQuery
{
    public const int MaxCustomDays = 366;

    /// <summary>Roles that see roll-ups and portraits: command-room operators, leaders and admins.</summary>
    public static readonly string[] Viewers = [Roles.Operator, Roles.Leader, Roles.Admin];

    public static string Token(MetricPeriod period) => period switch
    {
        MetricPeriod.Today => "today",
        MetricPeriod.Last7Days => "7d",
        MetricPeriod.Last30Days => "30d",
        _ => "custom",
    };

    public static bool TryParsePeriod(string? value, out MetricPeriod period)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "today": period = MetricPeriod.Today; return true;
            case "7d": period = MetricPeriod.Last7Days; return true;
            case "30d": period = MetricPeriod.Last30Days; return true;
            case "custom": period = MetricPeriod.Custom; return true;
            default: period = default; return false;
        }
    }

    /// <summary>
    /// The window named by <paramref name="period"/> (today, 7d, 30d, custom; default <paramref name="fallback"/>) and, for custom, the
    /// local dates <paramref name="from"/> and <paramref name="to"/> (yyyy-MM-dd, both included). Errors are keyed by the field name.
    /// </summary>
    public static MetricsWindow? Parse(
        string? period, string? from, string? to, DateTimeOffset now, TimeZoneInfo zone, IDictionary<string, string[]> errors,
        MetricPeriod fallback = MetricPeriod.Today)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var picked = fallback;
        if (!string.IsNullOrWhiteSpace(period) && !TryParsePeriod(period, out picked))
        {
            errors["period"] = ["period must be one of today, 7d, 30d, custom"];
            return null;
        }

        if (string.IsNullOrWhiteSpace(period) && (from is not null || to is not null))
        {
            picked = MetricPeriod.Custom;
        }

        var today = MetricRange.LocalDate(now, zone);
        if (picked != MetricPeriod.Custom)
        {
            if (from is not null || to is not null)
            {
                errors[from is not null ? "from" : "to"] = ["from and to are only allowed with period=custom"];
                return null;
            }

            var days = picked switch { MetricPeriod.Last7Days => 7, MetricPeriod.Last30Days => 30, _ => 1 };
            return new MetricsWindow(picked, today.AddDays(1 - days), today, MetricRange.For(picked, now, zone));
        }

        var first = Date("from", from, errors);
        var last = Date("to", to, errors);
        if (first is null || last is null)
        {
            return null;
        }

        if (last < first)
        {
            errors["to"] = ["to must not be before from"];
            return null;
        }

        if (last.Value.DayNumber - first.Value.DayNumber + 1 > MaxCustomDays)
        {
            errors["to"] = [$"a custom range covers at most {MaxCustomDays} days"];
            return null;
        }

        if (first > today)
        {
            errors["from"] = ["from must not be after today"];
            return null;
        }

        return new MetricsWindow(MetricPeriod.Custom, first.Value, last.Value, MetricRange.Custom(first.Value, last.Value, zone));
    }

    public static TrendBucket? ParseBucket(string? value, IDictionary<string, string[]> errors)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "" or "day": return TrendBucket.Day;
            case "week": return TrendBucket.Week;
            default:
                errors["bucket"] = ["bucket must be day or week"];
                return null;
        }
    }

    public static bool TryParseKind(string? value, out PortraitKind kind)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "officer": kind = PortraitKind.Officer; return true;
            case "team": kind = PortraitKind.Team; return true;
            case "township": kind = PortraitKind.Township; return true;
            default: kind = default; return false;
        }
    }

    public static string Token(PortraitKind kind) => kind switch
    {
        PortraitKind.Officer => "officer",
        PortraitKind.Team => "team",
        _ => "township",
    };

    public static bool IsViewer(this ClaimsPrincipal user) => Viewers.Any(user.IsInRole);

    /// <summary>A viewer sees a node when it lies within their area (a leader of a district sees that district and its townships).</summary>
    public static bool CanView(this ClaimsPrincipal user, JurisdictionTree tree, string code)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var area = user.AreaOf(tree);
        return user.IsViewer() && area is not null && tree.IsWithin(code, area.Code);
    }

    private static DateOnly? Date(string field, string? value, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = [$"{field} is required with period=custom (yyyy-MM-dd)"];
            return null;
        }

        if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            || date.Year < 2000)
        {
            errors[field] = [$"{field} must be a date as yyyy-MM-dd from 2000 on"];
            return null;
        }

        return date;
    }
}
