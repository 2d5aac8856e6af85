using System.Globalization;

namespace Dashboard.Web.Features.Simulation;

/// <summary>
/// The field simulator ("Simulation" section): simulated officers patrol and work their tasks, grid captains report.
/// Bound once at start; an admin changes a copy at run time through <see cref="SimulationSettings"/>.
/// </summary>
public sealed class SimulationOptions
{
    public const string Section = "Simulation";

    /// <summary>Runs from start; null follows Demo:Enabled. Outside demo mode it can only be started when set to true.</summary>
    public bool? Enabled { get; set; }

    public int Seed { get; set; } = 20261123;

    /// <summary>Reports per hour over the whole city, averaged over the day; the hour-of-day profile makes days busier than nights.</summary>
    public double ReportsPerHour { get; set; } = 80;

    public int PositionIntervalSeconds { get; set; } = 8;

    public double PatrolSpeedKmh { get; set; } = 10;

    public double EBikeSpeedKmh { get; set; } = 18;

    public int AcceptDelayMinSeconds { get; set; } = 5;

    public int AcceptDelayMaxSeconds { get; set; } = 20;

    /// <summary>Time on scene before the officer resolves.</summary>
    public int ResolveAfterMinSeconds { get; set; } = 60;

    public int ResolveAfterMaxSeconds { get; set; } = 180;

    /// <summary>Share of officers on duty (patrolling, sending positions, recommendable).</summary>
    public double OnDutyShare { get; set; } = 0.6;

    public AutoDispatchOptions AutoDispatch { get; set; } = new();

    public SimulationOptions Clone() => new()
    {
        Enabled = Enabled,
        Seed = Seed,
        ReportsPerHour = ReportsPerHour,
        PositionIntervalSeconds = PositionIntervalSeconds,
        PatrolSpeedKmh = PatrolSpeedKmh,
        EBikeSpeedKmh = EBikeSpeedKmh,
        AcceptDelayMinSeconds = AcceptDelayMinSeconds,
        AcceptDelayMaxSeconds = AcceptDelayMaxSeconds,
        ResolveAfterMinSeconds = ResolveAfterMinSeconds,
        ResolveAfterMaxSeconds = ResolveAfterMaxSeconds,
        OnDutyShare = OnDutyShare,
        AutoDispatch = new AutoDispatchOptions
        {
            Township = AutoDispatch.Township,
            District = AutoDispatch.District,
            City = AutoDispatch.City,
            DelaySeconds = AutoDispatch.DelaySeconds,
        },
    };

    /// <summary>Every problem, keyed by the setting's name as written in the section.</summary>
    public IReadOnlyDictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        Range(nameof(ReportsPerHour), ReportsPerHour, 0, 3600);
        Range(nameof(PositionIntervalSeconds), PositionIntervalSeconds, 1, 300);
        Range(nameof(PatrolSpeedKmh), PatrolSpeedKmh, 1, 60);
        Range(nameof(EBikeSpeedKmh), EBikeSpeedKmh, 1, 80);
        Range(nameof(AcceptDelayMinSeconds), AcceptDelayMinSeconds, 0, 3600);
        Range(nameof(AcceptDelayMaxSeconds), AcceptDelayMaxSeconds, 0, 3600);
        Range(nameof(ResolveAfterMinSeconds), ResolveAfterMinSeconds, 0, 86_400);
        Range(nameof(ResolveAfterMaxSeconds), ResolveAfterMaxSeconds, 0, 86_400);
        Range(nameof(OnDutyShare), OnDutyShare, 0, 1);
        Range("AutoDispatch:DelaySeconds", AutoDispatch?.DelaySeconds ?? 0, 0, 3600);
        if (AcceptDelayMaxSeconds < AcceptDelayMinSeconds && !errors.ContainsKey(nameof(AcceptDelayMaxSeconds)))
        {
            errors[nameof(AcceptDelayMaxSeconds)] = $"AcceptDelayMaxSeconds ({AcceptDelayMaxSeconds}) must not be below AcceptDelayMinSeconds ({AcceptDelayMinSeconds})";
        }

        if (ResolveAfterMaxSeconds < ResolveAfterMinSeconds && !errors.ContainsKey(nameof(ResolveAfterMaxSeconds)))
        {
            errors[nameof(ResolveAfterMaxSeconds)] = $"ResolveAfterMaxSeconds ({ResolveAfterMaxSeconds}) must not be below ResolveAfterMinSeconds ({ResolveAfterMinSeconds})";
        }

        return errors;

        void Range(string name, double value, double min, double max)
        {
            if (double.IsNaN(value) || value < min || value > max)
            {
                errors[name] = string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}, was {value}");
            }
        }
    }
}

/// <summary>Per owning tier: dispatch new reports to the top recommendation without an operator.</summary>
public sealed class AutoDispatchOptions
{
    public bool Township { get; set; }

    public bool District { get; set; }

    public bool City { get; set; }

    /// <summary>How long after the incident reaches the tier's queue the automatic contact and dispatch happen.</summary>
    public int DelaySeconds { get; set; } = 8;

    public bool For(Core.Jurisdictions.JurisdictionLevel level) => level switch
    {
        Core.Jurisdictions.JurisdictionLevel.Township => Township,
        Core.Jurisdictions.JurisdictionLevel.District => District,
        Core.Jurisdictions.JurisdictionLevel.City => City,
        _ => false,
    };
}
