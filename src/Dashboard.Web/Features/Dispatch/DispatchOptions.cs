using Dashboard.Core.Dispatch;
using Dashboard.Core.Sla;

namespace Dashboard.Web.Features.Dispatch;

public sealed class DispatchOptions
{
    public const string Section = "Dispatch";

    /// <summary>An officer within this distance of the incident is on scene (auto-stamped); a manual arrival farther away is flagged.</summary>
    public double GeofenceMeters { get; set; } = 50;

    public RecommenderOptions Recommender { get; set; } = new();
}

public sealed class SlaOptions
{
    public const string Section = "Sla";

    public int ContactSeconds { get; set; } = 60;

    public int ArrivalSeconds { get; set; } = 300;

    /// <summary>Per tier (jurisdiction code) and/or category; the deepest scope wins, then the one naming the category.</summary>
    public List<SlaOverride> Overrides { get; set; } = [];

    /// <summary>How often running clocks are checked for breaches.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    public SlaPolicy ToPolicy() => new(new SlaTargets(ContactSeconds, ArrivalSeconds), Overrides);
}
