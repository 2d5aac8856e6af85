using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Dashboard.Web.Features.Queue;

public static class IncidentAge
{
    /// <summary>"3分12秒" style age; seconds matter in the first hour because the contact target is one minute.</summary>
    public static string Format(TimeSpan age, IStringLocalizer localizer)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        var c = CultureInfo.CurrentCulture;
        return age.TotalMinutes < 1 ? string.Format(c, localizer["Age.Seconds"], (int)age.TotalSeconds)
            : age.TotalHours < 1 ? string.Format(c, localizer["Age.Minutes"], (int)age.TotalMinutes, age.Seconds)
            : age.TotalDays < 1 ? string.Format(c, localizer["Age.Hours"], (int)age.TotalHours, age.Minutes)
            : string.Format(c, localizer["Age.Days"], (int)age.TotalDays, age.Hours);
    }
}
