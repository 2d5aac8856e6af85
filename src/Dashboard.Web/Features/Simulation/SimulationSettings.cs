using System.Globalization;
using Dashboard.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Features.Simulation;

/// <summary>
/// The simulator's live settings: whether it runs and how. Validated at start (the app refuses bad settings); an admin
/// changes them at run time from /admin/simulation, each change logged with who made it.
/// </summary>
public sealed class SimulationSettings
{
    private readonly Lock _gate = new();
    private readonly ILogger<SimulationSettings> _logger;
    private SimulationOptions _current;
    private bool _running;

    public SimulationSettings(IOptions<SimulationOptions> options, IOptions<DemoOptions> demo, ILogger<SimulationSettings> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(demo);
        _logger = logger;
        var configured = options.Value.Clone();
        var errors = configured.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid Simulation settings: " + string.Join("; ", errors.Values));
        }

        _current = configured;
        // Outside demo mode the simulator would write invented incidents into real data: only an explicit true allows it.
        Available = demo.Value.Enabled || configured.Enabled == true;
        _running = configured.Enabled ?? demo.Value.Enabled;
    }

    /// <summary>May be started at all (demo mode, or Simulation:Enabled=true).</summary>
    public bool Available { get; }

    public bool Running => Volatile.Read(ref _running);

    /// <summary>A copy of the settings in force; changing it changes nothing.</summary>
    public SimulationOptions Current
    {
        get
        {
            lock (_gate)
            {
                return _current.Clone();
            }
        }
    }

    /// <summary>Raised after any change (settings or running state).</summary>
    public event Action? Changed;

    /// <summary>Applies <paramref name="next"/> when valid; otherwise changes nothing and returns the problems by setting name.</summary>
    public IReadOnlyDictionary<string, string> Apply(SimulationOptions next, string actor)
    {
        ArgumentNullException.ThrowIfNull(next);
        var errors = next.Validate();
        if (errors.Count > 0)
        {
            return errors;
        }

        string changes;
        lock (_gate)
        {
            var candidate = next.Clone();
            candidate.Enabled = _current.Enabled;
            candidate.Seed = _current.Seed;
            changes = Describe(_current, candidate);
            _current = candidate;
        }

        if (changes.Length > 0)
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                _logger.LogInformation("Simulation settings changed by {Actor}: {Changes}", actor, changes);
            }

            Changed?.Invoke();
        }

        return errors;
    }

    /// <summary>Starts or stops the simulator; false when it is not available here.</summary>
    public bool SetRunning(bool running, string actor)
    {
        if (running && !Available)
        {
            return false;
        }

        if (Interlocked.Exchange(ref _running, running) != running)
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                _logger.LogInformation("Simulation {State} by {Actor}", running ? "started" : "stopped", actor);
            }

            Changed?.Invoke();
        }

        return true;
    }

    private static string Describe(SimulationOptions before, SimulationOptions after)
    {
        var parts = new List<string>();
        Compare(nameof(SimulationOptions.ReportsPerHour), before.ReportsPerHour, after.ReportsPerHour);
        Compare(nameof(SimulationOptions.PositionIntervalSeconds), before.PositionIntervalSeconds, after.PositionIntervalSeconds);
        Compare(nameof(SimulationOptions.PatrolSpeedKmh), before.PatrolSpeedKmh, after.PatrolSpeedKmh);
        Compare(nameof(SimulationOptions.EBikeSpeedKmh), before.EBikeSpeedKmh, after.EBikeSpeedKmh);
        Compare(nameof(SimulationOptions.AcceptDelayMinSeconds), before.AcceptDelayMinSeconds, after.AcceptDelayMinSeconds);
        Compare(nameof(SimulationOptions.AcceptDelayMaxSeconds), before.AcceptDelayMaxSeconds, after.AcceptDelayMaxSeconds);
        Compare(nameof(SimulationOptions.ResolveAfterMinSeconds), before.ResolveAfterMinSeconds, after.ResolveAfterMinSeconds);
        Compare(nameof(SimulationOptions.ResolveAfterMaxSeconds), before.ResolveAfterMaxSeconds, after.ResolveAfterMaxSeconds);
        Compare(nameof(SimulationOptions.OnDutyShare), before.OnDutyShare, after.OnDutyShare);
        Compare("AutoDispatch:Township", before.AutoDispatch.Township, after.AutoDispatch.Township);
        Compare("AutoDispatch:District", before.AutoDispatch.District, after.AutoDispatch.District);
        Compare("AutoDispatch:City", before.AutoDispatch.City, after.AutoDispatch.City);
        Compare("AutoDispatch:DelaySeconds", before.AutoDispatch.DelaySeconds, after.AutoDispatch.DelaySeconds);
        return string.Join(", ", parts);

        void Compare<T>(string name, T was, T now)
        {
            if (!EqualityComparer<T>.Default.Equals(was, now))
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {was} → {now}"));
            }
        }
    }
}
