using System.Globalization;
using Dashboard.Core.Dispatch;

namespace Dashboard.Web.Features.Dispatch;

/// <summary>"3.2 km, ~6 min" / "3.2 公里，约 6 分钟", with the position's age when it is stale and the township when it is a neighbour.</summary>
public static class RecommendationText
{
    public static string Explain(Recommendation r, CultureInfo culture, bool english)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.Group == CandidateGroup.Captain)
        {
            return english ? "grid captain" : "网格长";
        }

        var km = (r.DistanceMeters ?? 0) / 1000;
        var minutes = Math.Max(1, (int)Math.Ceiling((r.Eta ?? TimeSpan.Zero).TotalMinutes));
        var text = english
            ? string.Format(culture, "{0:0.0} km, ~{1} min", km, minutes)
            : string.Format(culture, "{0:0.0} 公里，约 {1} 分钟", km, minutes);
        if (r.Stale && r.FixAge is { } age)
        {
            var old = Math.Max(1, (int)age.TotalMinutes);
            text += english ? string.Format(culture, " (position {0} min old)", old) : string.Format(culture, "（位置 {0} 分钟前）", old);
        }

        if (r.Group == CandidateGroup.Neighbour)
        {
            text += english ? " · neighbouring township" : " · 邻近镇街";
        }

        return text;
    }
}
