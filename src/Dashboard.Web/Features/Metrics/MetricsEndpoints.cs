using System.Security.Claims;
using Dashboard.Core.Metrics;
using Dashboard.Web.Features.Metrics.Export;

namespace Dashboard.Web.Features.Metrics;

public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        var metrics = app.MapGroup("/api/v1/metrics").RequireAuthorization(p => p.RequireRole(MetricsQuery.Viewers)).WithTags("Metrics");
        metrics.MapGet("/tiers", TiersAsync).WithName("GetTierMetrics")
            .WithSummary("KPIs of a tier node (default: your area) and of each child node over a range; format=csv|xlsx exports the table.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        metrics.MapGet("/definitions", () => TypedResults.Ok(new { kpis = MetricDefinitions.All, portraitDimensions = PortraitDimensions.All }))
            .WithName("GetMetricDefinitions").WithSummary("The exact formula of every KPI and portrait dimension.");

        var portraits = app.MapGroup("/api/v1/portraits").RequireAuthorization(p => p.RequireRole(MetricsQuery.Viewers)).WithTags("Metrics");
        portraits.MapGet("/{kind}/{id}", PortraitAsync).WithName("GetPortrait")
            .WithSummary("Efficiency portrait of an officer (id), a team (code) or a township (code): figures, scores, ranking within the parent and trend; format=csv|xlsx with table=ranking|trend exports a table.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> TiersAsync(
        ClaimsPrincipal user, MetricsService service, MetricsExports exports, string? scope, string? period, string? from, string? to, string? format, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var window = MetricsQuery.Parse(period, from, to, service.Now, service.Zone, errors);
        var export = MetricsExports.ParseFormat(format, errors);
        if (window is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (outcome, report) = await service.TiersAsync(user, scope, window, ct);
        return outcome switch
        {
            MetricsOutcome.NotFound => TypedResults.Problem(title: $"No tier node '{scope}'.", statusCode: StatusCodes.Status404NotFound),
            MetricsOutcome.Forbidden => TypedResults.Problem(title: "That jurisdiction is outside your scope.", statusCode: StatusCodes.Status403Forbidden),
            _ when export is not null => ExportResults.File(exports.Tiers(report!), export, $"tiers-{report!.Parent.Code}-{window.First:yyyyMMdd}-{window.Last:yyyyMMdd}"),
            _ => TypedResults.Ok(report),
        };
    }

    private static async Task<IResult> PortraitAsync(
        ClaimsPrincipal user, MetricsService service, MetricsExports exports, string kind, string id,
        string? period, string? from, string? to, string? bucket, string? format, string? table, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!MetricsQuery.TryParseKind(kind, out var parsedKind))
        {
            errors["kind"] = ["kind must be officer, team or township"];
        }

        var window = MetricsQuery.Parse(period, from, to, service.Now, service.Zone, errors, MetricPeriod.Last30Days);
        var trendBucket = MetricsQuery.ParseBucket(bucket, errors);
        var export = MetricsExports.ParseFormat(format, errors);
        if (table is not (null or "ranking" or "trend"))
        {
            errors["table"] = ["table must be ranking or trend"];
        }

        if (window is null || trendBucket is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (outcome, view) = await service.PortraitAsync(user, parsedKind, id, window, trendBucket.Value, ct);
        return outcome switch
        {
            MetricsOutcome.NotFound => TypedResults.Problem(title: $"No {kind} '{id}'.", statusCode: StatusCodes.Status404NotFound),
            MetricsOutcome.Forbidden => TypedResults.Problem(title: "That subject is outside your scope.", statusCode: StatusCodes.Status403Forbidden),
            _ when export is not null => ExportResults.File(
                table == "trend" ? exports.Trend(view!) : exports.Ranking(view!), export,
                $"portrait-{MetricsQuery.Token(parsedKind)}-{id}-{table ?? "ranking"}-{window.First:yyyyMMdd}-{window.Last:yyyyMMdd}"),
            _ => TypedResults.Ok(new
            {
                subject = view!.Subject,
                ranking = view.Ranking,
                peers = view.Peers,
                trend = view.Report.Trend,
                range = new { period = window.PeriodToken, from = window.First, to = window.Last, fromUtc = window.Range.From, toUtc = window.Range.To },
                bucket = trendBucket.Value,
                dimensions = PortraitDimensions.All,
            }),
        };
    }
}
