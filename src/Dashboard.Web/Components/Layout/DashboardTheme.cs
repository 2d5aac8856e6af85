using MudBlazor;

namespace Dashboard.Web.Components.Layout;

/// <summary>The dark "big screen" palette of a command room; fonts are local CJK faces, never web fonts.</summary>
public static class DashboardTheme
{
    public static readonly string[] FontStack =
        ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Noto Sans", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteDark = new PaletteDark
        {
            Primary = "#2f9bff",
            Secondary = "#00d5c0",
            Tertiary = "#ffb547",
            Success = "#2ecc71",
            Warning = "#ffb020",
            Error = "#ff4d4f",
            Background = "#07111f",
            Surface = "#0d1b2e",
            AppbarBackground = "#0a1628",
            DrawerBackground = "#0a1628",
            TextPrimary = "rgba(230,240,255,0.92)",
            TextSecondary = "rgba(170,195,230,0.75)",
            LinesDefault = "rgba(80,140,220,0.25)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
        },
    };
}
