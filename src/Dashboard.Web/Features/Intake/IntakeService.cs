using System.Globalization;
using System.Security.Claims;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Sla;
using Dashboard.Data.Incidents;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using Dashboard.Web.Realtime;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Features.Intake;

public enum IntakeStatus
{
    Created,
    Duplicate,
    Invalid,
    Forbidden,
}

public sealed record IntakeResult(IntakeStatus Status, ReportOutcome? Outcome, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>
/// "网格吹哨": checks a report against the category list and the map, writes it durably with its event,
/// and only then tells the command rooms.
/// </summary>
public sealed class IntakeService(
    CityDirectory directory,
    CategoryRepository categories,
    IncidentRepository incidents,
    IncidentNotifier notifier,
    TimeProvider time,
    IOptions<CultureOptions> culture,
    SlaPolicy sla,
    DashboardMetrics metrics)
{
    public async Task<IntakeResult> SubmitAsync(ReportInput input, ClaimsPrincipal user, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(user);
        var errors = new Dictionary<string, string[]>();
        var category = await categories.FindAsync(input.CategoryCode, ct);
        if (category is not { Active: true })
        {
            errors["category"] = [$"unknown category '{input.CategoryCode}'"];
        }

        var tree = directory.Tree;
        var location = tree.Locate(input.Latitude, input.Longitude);
        if (location is null)
        {
            errors["lat"] = [$"the point ({input.Latitude}, {input.Longitude}) is outside {tree.Root.Name}"];
            errors["lon"] = errors["lat"];
        }

        if (errors.Count > 0)
        {
            return new IntakeResult(IntakeStatus.Invalid, null, errors);
        }

        var area = user.AreaOf(tree);
        if (area is null || !tree.IsWithin(location!.Leaf.Code, area.Code))
        {
            return new IntakeResult(IntakeStatus.Forbidden, null, new Dictionary<string, string[]>
            {
                ["lat"] = [$"you may report only within {area?.Name ?? "your scope"}"],
                ["lon"] = [$"you may report only within {area?.Name ?? "your scope"}"],
            });
        }

        var now = time.GetUtcNow();
        var localDay = culture.Value.ToLocal(now);
        // The targets are fixed when the report arrives, so a later change of settings never rewrites a running clock.
        var targets = sla.TargetsFor(tree, location!.Leaf.Code, category!.Code);
        var report = new NewReport(
            input.ClientId,
            category!.Code,
            input.Description,
            input.Latitude,
            input.Longitude,
            location!.Grid?.Code,
            location.Township.Code,
            location.District.Code,
            now,
            input.OccurredAt,
            long.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!, CultureInfo.InvariantCulture),
            user.GetDisplayName(),
            user.Identity?.Name ?? "",
            "SJ" + localDay.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "-",
            input.Photos,
            targets.ContactSeconds,
            targets.ArrivalSeconds);

        var outcome = await incidents.CreateReportAsync(report, ct);
        if (outcome is { Created: true, Event: { } reported })
        {
            metrics.ReportReceived();
            notifier.Publish(LiveEvent.From(reported, outcome.Incident));
        }

        return new IntakeResult(outcome.Created ? IntakeStatus.Created : IntakeStatus.Duplicate, outcome, errors);
    }
}
