using System.Security.Claims;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Metrics;
using Dashboard.Data.Metrics;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Features.Queue;
using Dashboard.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Features.Metrics;

/// <summary>One node of a roll-up with every KPI keyed by <see cref="MetricDefinition.Key"/>: the page, the API and the exports read these.</summary>
public sealed record TierRow(string Code, string Name, JurisdictionLevel Level, IReadOnlyDictionary<string, double?> Kpis, TierKpis Counts)
{
    public static TierRow From(TierKpis k) =>
        new(k.Code, k.Name, k.Level, MetricDefinitions.All.ToDictionary(d => d.Key, d => k.Value(d.Key), StringComparer.Ordinal), k);
}

public sealed record TierReport(TierRow Parent, IReadOnlyList<TierRow> Children, MetricsWindow Window);

/// <summary>A portrait as a viewer may see it: the ranking keeps only peers inside the viewer's area, the rank counts all peers.</summary>
public sealed record PortraitView(PortraitReport Report, IReadOnlyList<Portrait> Ranking, int Peers, MetricsWindow Window)
{
    public Portrait Subject => Report.Subject;
}

public enum MetricsOutcome
{
    Ok = 0,
    NotFound = 1,
    Forbidden = 2,
}

/// <summary>Roll-ups and portraits with the viewer's scope applied, shared by the pages and the API so both show the same numbers.</summary>
public sealed class MetricsService(
    MetricsRepository metrics, PortraitRepository portraits, CityDirectory directory, IOptions<CultureOptions> culture, TimeProvider time)
{
    public TimeZoneInfo Zone => culture.Value.Zone;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The default node of a viewer's roll-up: their area, or its township for a grid-scoped user.</summary>
    public JurisdictionNode? HomeOf(ClaimsPrincipal user)
    {
        var area = user.AreaOf(directory.Tree);
        return area is { Level: JurisdictionLevel.Grid } ? directory.Tree.AncestorAt(area.Code, JurisdictionLevel.Township) : area;
    }

    public async Task<(MetricsOutcome Outcome, TierReport? Report)> TiersAsync(
        ClaimsPrincipal user, string? scope, MetricsWindow window, CancellationToken ct = default)
    {
        var node = scope is null ? HomeOf(user) : directory.Tree.Find(scope);
        if (node is null || node.Level == JurisdictionLevel.Grid)
        {
            return (MetricsOutcome.NotFound, null);
        }

        if (!user.CanView(directory.Tree, node.Code))
        {
            return (MetricsOutcome.Forbidden, null);
        }

        var rows = await metrics.TierKpisAsync(node.ToFilter(), window.Range, ct);
        if (rows.Count == 0)
        {
            return (MetricsOutcome.NotFound, null);
        }

        return (MetricsOutcome.Ok, new TierReport(TierRow.From(rows[0]), rows.Skip(1).Select(TierRow.From).ToList(), window));
    }

    /// <summary>The township a subject belongs to, or null when there is no such subject.</summary>
    public string? TownshipOf(PortraitKind kind, string id) => kind switch
    {
        PortraitKind.Officer => int.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var officerId)
            ? directory.FindOfficer(officerId)?.TownshipCode : null,
        PortraitKind.Team => directory.Current.Teams.FirstOrDefault(t => t.Code == id)?.TownshipCode,
        _ => directory.Tree.Find(id) is { Level: JurisdictionLevel.Township } township ? township.Code : null,
    };

    public async Task<(MetricsOutcome Outcome, PortraitView? View)> PortraitAsync(
        ClaimsPrincipal user, PortraitKind kind, string id, MetricsWindow window, TrendBucket bucket, CancellationToken ct = default)
    {
        var township = TownshipOf(kind, id);
        if (township is null)
        {
            return (MetricsOutcome.NotFound, null);
        }

        if (!user.CanView(directory.Tree, township))
        {
            return (MetricsOutcome.Forbidden, null);
        }

        var report = await portraits.LoadAsync(kind, id, window.Range, bucket, Zone, ct);
        if (report is null)
        {
            return (MetricsOutcome.NotFound, null);
        }

        var visible = report.Ranking.Where(p => TownshipOf(kind, p.Subject.Id) is { } t && user.CanView(directory.Tree, t)).ToList();
        return (MetricsOutcome.Ok, new PortraitView(report, visible, report.Ranking.Count, window));
    }

    /// <summary>Direct members a portrait can drill into: a township's teams, a team's officers.</summary>
    public IReadOnlyList<(PortraitKind Kind, string Id, string Name)> MembersOf(PortraitKind kind, string id) => kind switch
    {
        PortraitKind.Township => directory.Current.Teams.Where(t => t.TownshipCode == id)
            .Select(t => (PortraitKind.Team, t.Code, t.Name)).ToList(),
        PortraitKind.Team => directory.Current.Officers.Where(o => o.TeamCode == id)
            .Select(o => (PortraitKind.Officer, o.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), o.Name)).ToList(),
        _ => [],
    };
}
