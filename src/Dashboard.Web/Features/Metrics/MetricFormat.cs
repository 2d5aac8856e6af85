using System.Globalization;
using Dashboard.Core.Metrics;
using Microsoft.Extensions.Localization;

namespace Dashboard.Web.Features.Metrics;

/// <summary>How the pages print a KPI or a portrait figure; "—" where there is nothing to divide.</summary>
public enum ShareBand
{
    Good = 0,
    Warn = 1,
    Bad = 2,
}

public static class MetricFormat
{
    /// <summary>How a compliance share is coloured everywhere: good from 90 %, a warning from 70 %, bad below.</summary>
    public static ShareBand BandOf(double share) => share >= 0.9 ? ShareBand.Good : share >= 0.7 ? ShareBand.Warn : ShareBand.Bad;

    public const string Empty = "—";

    public static string Kpi(MetricDefinition definition, double? value, IStringLocalizer localizer)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(localizer);
        if (value is not { } v)
        {
            return Empty;
        }

        var c = CultureInfo.CurrentCulture;
        return definition.Unit switch
        {
            MetricUnit.Count => v.ToString("N0", c),
            MetricUnit.Ratio => v.ToString("P1", c),
            MetricUnit.Seconds => string.Format(c, localizer["Unit.SecondsValue"], v.ToString("0.0", c)),
            _ => v.ToString("0.00", c),
        };
    }

    public static string Dimension(PortraitDimension dimension, double? raw)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        if (raw is not { } v)
        {
            return Empty;
        }

        var c = CultureInfo.CurrentCulture;
        var unit = Shell.UiCulture.IsEnglish ? dimension.UnitEn : dimension.UnitZh;
        return dimension.IsShare ? v.ToString("P1", c) : $"{v.ToString("0.0", c)} {unit}";
    }

    public static string Score(double? score) => score is { } s ? s.ToString("0", CultureInfo.CurrentCulture) : Empty;

    public static string Name(MetricDefinition definition) => Shell.UiCulture.IsEnglish ? definition.NameEn : definition.NameZh;

    public static string Name(PortraitDimension dimension) => Shell.UiCulture.IsEnglish ? dimension.NameEn : dimension.NameZh;

    /// <summary>The exact formula in the UI language: English from Core, Chinese from the resources.</summary>
    public static string Formula(MetricDefinition definition, IStringLocalizer localizer) =>
        Shell.UiCulture.IsEnglish ? definition.Formula : localizer["Formula." + definition.Key];

    public static string Formula(PortraitDimension dimension, IStringLocalizer localizer) =>
        Shell.UiCulture.IsEnglish ? dimension.Formula : localizer["Formula." + dimension.Key];
}
