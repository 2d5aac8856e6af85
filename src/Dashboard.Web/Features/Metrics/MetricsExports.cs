using Dashboard.Core.Metrics;
using Dashboard.Web.Features.Metrics.Export;
using Microsoft.Extensions.Localization;

namespace Dashboard.Web.Features.Metrics;

/// <summary>The tables of the metrics pages as downloads: the same rows and values the pages print, in the UI language.</summary>
public sealed class MetricsExports(IStringLocalizer<SharedResource> localizer)
{
    public static ExportFormat? ParseFormat(string? format, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(format) || format.Trim().Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (ExportFormat.TryParse(format, out var parsed))
        {
            return parsed;
        }

        errors["format"] = ["format must be json, csv or xlsx"];
        return null;
    }

    public ExportTable Tiers(TierReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var columns = new List<ExportColumn> { new(localizer["Metrics.Node"]), new(localizer["Export.Code"]) };
        columns.AddRange(MetricDefinitions.All.Select(d => new ExportColumn(Header(d), Kind(d.Unit), d.Unit == MetricUnit.Seconds ? 1 : null)));
        var rows = new[] { report.Parent }.Concat(report.Children)
            .Select(r => (IReadOnlyList<ExportCell>)[r.Name, r.Code, .. MetricDefinitions.All.Select(d => Cell(d.Unit, r.Kpis[d.Key]))])
            .ToList();
        return new ExportTable($"{report.Parent.Name} {Span(report.Window)}", columns, rows);
    }

    public ExportTable Ranking(PortraitView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var columns = new List<ExportColumn>
        {
            new(localizer["Portrait.Rank"], ExportColumnKind.Integer),
            new(localizer["Portrait.Name"]),
            new(localizer["Export.Id"]),
            new(localizer["Portrait.Overall"], ExportColumnKind.Number, 1),
        };
        foreach (var d in PortraitDimensions.All)
        {
            columns.Add(new ExportColumn(MetricFormat.Name(d) + " · " + localizer["Portrait.Score"], ExportColumnKind.Number, 1));
            columns.Add(new ExportColumn($"{MetricFormat.Name(d)} ({Unit(d)})", DimensionKind(d), DimensionKind(d) == ExportColumnKind.Number ? 1 : null));
        }

        var rows = view.Ranking.Select(p =>
        {
            var cells = new List<ExportCell> { p.Rank, p.Subject.Name, p.Subject.Id, p.Overall };
            foreach (var d in PortraitDimensions.All)
            {
                var score = p.Scores.FirstOrDefault(s => s.Key == d.Key);
                cells.Add(score?.Score);
                cells.Add(score?.Raw);
            }

            return (IReadOnlyList<ExportCell>)cells;
        }).ToList();
        return new ExportTable($"{view.Subject.Subject.ParentName} {localizer["Portrait.Ranking"]} {Span(view.Window)}", columns, rows);
    }

    public ExportTable Trend(PortraitView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var columns = new List<ExportColumn>
        {
            new(localizer["Export.Start"]),
            new(localizer["Export.End"]),
            new(localizer["Export.Tasks"], ExportColumnKind.Integer),
        };
        columns.AddRange(PortraitDimensions.All.Select(d =>
            new ExportColumn($"{MetricFormat.Name(d)} ({Unit(d)})", DimensionKind(d), DimensionKind(d) == ExportColumnKind.Number ? 1 : null)));
        var rows = view.Report.Trend.Select(p => (IReadOnlyList<ExportCell>)
            [
                p.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                p.End.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                p.Figures.Tasks,
                .. PortraitDimensions.All.Select(d => (ExportCell)p.Figures.Raw(d.Key)),
            ]).ToList();
        return new ExportTable($"{view.Subject.Subject.Name} {localizer["Portrait.Trend"]} {Span(view.Window)}", columns, rows);
    }

    private string Header(MetricDefinition d) => d.Unit == MetricUnit.Seconds ? $"{MetricFormat.Name(d)} ({localizer["Export.Seconds"]})" : MetricFormat.Name(d);

    private static string Unit(PortraitDimension d) => Shell.UiCulture.IsEnglish ? d.UnitEn : d.UnitZh;

    private static string Span(MetricsWindow w) => $"{w.First:yyyy-MM-dd}~{w.Last:yyyy-MM-dd}";

    private static ExportColumnKind Kind(MetricUnit unit) => unit switch
    {
        MetricUnit.Count => ExportColumnKind.Integer,
        MetricUnit.Ratio => ExportColumnKind.Percent,
        MetricUnit.Seconds => ExportColumnKind.Seconds,
        _ => ExportColumnKind.Number,
    };

    private static ExportColumnKind DimensionKind(PortraitDimension d) =>
        d.IsShare ? ExportColumnKind.Percent : ExportColumnKind.Number;

    private static ExportCell Cell(MetricUnit unit, double? value) =>
        unit == MetricUnit.Count && value is { } v ? (long)v : value;
}
