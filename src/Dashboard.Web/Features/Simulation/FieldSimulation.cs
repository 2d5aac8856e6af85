using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Dashboard.Core.Demo;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using Dashboard.Core.Positions;
using Dashboard.Data.Dispatch;
using Dashboard.Data.Incidents;
using Dashboard.Web.Features.Dispatch;
using Dashboard.Web.Features.Intake;
using Dashboard.Web.Features.Map;
using Dashboard.Web.Hosting;
using Dashboard.Web.Realtime;
using Microsoft.Extensions.Options;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace Dashboard.Web.Features.Simulation;

/// <summary>
/// One step of the simulated field at a time (<see cref="TickAsync"/>): captains report, officers patrol and post positions,
/// officers and captains work their tasks, auto-dispatch acts for the tiers it is on for. Every change goes through the
/// services people use (intake, position ingest, dispatch commands), so it is logged and pushed like theirs.
/// </summary>
public sealed class FieldSimulation(
    CityDirectory directory,
    IntakeService intake,
    PositionIngest ingest,
    PositionFeed feed,
    TaskBoard board,
    DispatchService dispatch,
    DispatchRepository store,
    CategoryRepository categories,
    IncidentNotifier notifier,
    SimulationAccounts accounts,
    SimulationSettings settings,
    TimeProvider time,
    IOptions<CultureOptions> culture,
    IOptions<DispatchOptions> dispatchOptions,
    ILogger<FieldSimulation> logger) : IDisposable
{
    /// <summary>A longer gap than this between ticks (stopped, stalled) restarts the clocks instead of catching up.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromSeconds(10);

    /// <summary>The first report after a (re)start comes this soon, so the screen is alive at once.</summary>
    public static readonly TimeSpan FirstReportAfter = TimeSpan.FromSeconds(2);

    private static readonly string[] ResolveNotes = ["已现场劝导，当事人已整改", "已责令当场整改完毕", "已拆除并清理现场", "已教育并登记，现场恢复正常", "已立案处理"];
    private static readonly string[] Descriptions = ["{0}附近发现{1}，请尽快处置", "{0}{1}，群众反映强烈", "网格巡查发现{1}（{0}）", "{0}出现{1}，影响通行"];
    private static readonly TimeSpan RetryDispatchAfter = TimeSpan.FromSeconds(30);
    private const int MaxReportsPerTick = 5;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<int, SimOfficer> _officers = [];
    private readonly Dictionary<string, PatrolArea> _areas = new(StringComparer.Ordinal);
    private readonly Dictionary<long, DateTimeOffset> _due = [];
    private readonly ConcurrentDictionary<long, Waiting> _waiting = new();
    private Random _rng = new(0);
    private List<Officer> _roster = [];
    private List<Spot> _spots = [];
    private double[] _spotCumulative = [];
    private List<CategoryRow> _categories = [];
    private double[] _categoryCumulative = [];
    private IReadOnlySet<int> _linked = new HashSet<int>();
    private ClaimsPrincipal? _dispatcher;
    private IDisposable? _subscription;
    private DateTimeOffset? _lastTick;
    private DateTimeOffset? _nextReport;
    private bool _reschedule;
    private long _reportCounter;

    private sealed record Waiting(Incident Incident, DateTimeOffset Since);

    private sealed class Spot(JurisdictionNode grid, GridCaptain captain, IndexedPointInAreaLocator locator, double weight)
    {
        public JurisdictionNode Grid { get; } = grid;

        public GridCaptain Captain { get; } = captain;

        public IndexedPointInAreaLocator Locator { get; } = locator;

        public double Weight { get; } = weight;

        public Coordinate? HotSpot { get; set; }
    }

    private sealed class SimOfficer(Officer officer, PatrolArea area, double lat, double lon)
    {
        public Officer Officer { get; } = officer;

        public PatrolArea Area { get; } = area;

        public ClaimsPrincipal Principal { get; } = SimulationAccounts.Officer(officer);

        public double Lat { get; set; } = lat;

        public double Lon { get; set; } = lon;

        public (double Lat, double Lon)? Waypoint { get; set; }

        public DateTimeOffset DwellUntil { get; set; }

        public DateTimeOffset NextFixAt { get; set; }

        public double Speed { get; set; }

        public double Heading { get; set; }
    }

    public long Ticks { get; private set; }

    /// <summary>Officers currently simulated (on duty, or working a task).</summary>
    public int OfficerCount => _officers.Count;

    /// <summary>Incidents that auto-dispatch would pick up once their tier has it on.</summary>
    public int WaitingCount => _waiting.Count;

    /// <summary>Plays the field from the last tick up to now. Never throws for a failed step: it is logged and the next tick goes on.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            if (_subscription is null)
            {
                await InitializeAsync(now, ct);
            }

            var o = settings.Current;
            var restarted = _lastTick is not { } last || now - last > MaxStep || now < last;
            var dt = restarted ? 0 : (now - _lastTick!.Value).TotalSeconds;
            _lastTick = now;
            if (restarted)
            {
                _reschedule = false;
                _nextReport = now + FirstReportAfter;
            }

            await StepAsync("reports", () => ReportAsync(now, o, ct));
            await StepAsync("officers", () => OfficersAsync(now, dt, o, ct));
            await StepAsync("captains", () => CaptainTasksAsync(now, o, ct));
            await StepAsync("auto-dispatch", () => AutoDispatchAsync(now, o, ct));
            Ticks++;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StepAsync(string name, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Simulation step {Step} failed; the next tick goes on", name);
        }
    }

    private async Task InitializeAsync(DateTimeOffset now, CancellationToken ct)
    {
        var o = settings.Current;
        _rng = new Random(o.Seed);
        var city = directory.Current;
        var tree = city.Tree;
        _linked = await accounts.LinkedOfficersAsync(ct);
        // A stable order drawn from the seed: the first OnDutyShare of it are on duty, so a change of share adds or removes few.
        _roster = [.. city.Officers.Where(x => !_linked.Contains(x.Id)).OrderBy(x => x.Id).OrderBy(_ => _rng.Next())];

        // About one grid in eight is a hot spot (a market, a school gate) with four times the reports, as in the history.
        _spots = [];
        foreach (var captain in city.GridCaptains.OrderBy(c => c.GridCode, StringComparer.Ordinal).DistinctBy(c => c.GridCode))
        {
            if (tree.Find(captain.GridCode) is not { } grid)
            {
                continue;
            }

            var spot = new Spot(grid, captain, new IndexedPointInAreaLocator(grid.Boundary), _rng.NextDouble() < 0.125 ? 4 : 1);
            spot.HotSpot = RandomPoint(spot, null, 0);
            _spots.Add(spot);
        }

        _spotCumulative = Cumulative(_spots.Select(s => s.Weight).ToList());
        _categories = [.. (await categories.ListAsync(false, ct)).Where(c => c.Active).OrderBy(_ => _rng.Next())];
        _categoryCumulative = Cumulative(Enumerable.Range(1, _categories.Count).Select(r => 1 / Math.Pow(r, 0.9)).ToList());
        _dispatcher = SimulationAccounts.Dispatcher(tree.Root.Code);
        settings.Changed += OnSettingsChanged;

        _subscription = notifier.SubscribeAll(batch =>
        {
            foreach (var e in batch)
            {
                Watch(e.Incident, e.At);
            }

            return Task.CompletedTask;
        });
        foreach (var incident in await store.OpenWithRunningClocksAsync(ct))
        {
            Watch(incident, now);
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
                "Simulation ready: {Officers} officers on the roster ({Linked} left to people), {Grids} reporting grids, {Categories} categories",
                _roster.Count, _linked.Count, _spots.Count, _categories.Count);
        }
    }

    private void OnSettingsChanged() => _reschedule = true;

    private void Watch(Incident incident, DateTimeOffset at)
    {
        if (incident.IsOpen && incident.Status is IncidentStatus.Reported or IncidentStatus.Contacted)
        {
            _waiting[incident.Id] = new Waiting(incident, at);
        }
        else
        {
            _waiting.TryRemove(incident.Id, out _);
        }
    }

    // ---- reports ----

    private async Task ReportAsync(DateTimeOffset now, SimulationOptions o, CancellationToken ct)
    {
        var zone = culture.Value.Zone;
        if (_reschedule)
        {
            _reschedule = false;
            _nextReport = ReportSchedule.Next(now, o.ReportsPerHour, zone, _rng);
        }

        if (_spots.Count == 0 || _categories.Count == 0)
        {
            return;
        }

        for (var n = 0; n < MaxReportsPerTick && _nextReport is { } due && due <= now; n++)
        {
            await ReportOneAsync(now, ct);
            _nextReport = ReportSchedule.Next(due, o.ReportsPerHour, zone, _rng);
        }

        if (_nextReport is { } late && late <= now)
        {
            // More were due than a tick may send: drop them rather than burst.
            _nextReport = ReportSchedule.Next(now, o.ReportsPerHour, zone, _rng);
        }
    }

    private async Task ReportOneAsync(DateTimeOffset now, CancellationToken ct)
    {
        var spot = _spots[Pick(_spotCumulative)];
        var category = _categories[Pick(_categoryCumulative)];
        var point = spot.HotSpot is { } hot && spot.Weight > 1 && _rng.NextDouble() < 0.5 ? RandomPoint(spot, hot, 0.0015) : RandomPoint(spot, null, 0);
        var template = Descriptions[_rng.Next(Descriptions.Length)];
        var description = string.Format(CultureInfo.InvariantCulture, template, spot.Grid.Name, category.Name);
        var clientId = string.Create(CultureInfo.InvariantCulture, $"sim-{now.ToUnixTimeMilliseconds()}-{++_reportCounter}-{_rng.Next(1_000_000):D6}");
        var captain = await accounts.CaptainAsync(spot.Captain, ct);
        var result = await intake.SubmitAsync(
            new ReportInput(clientId, category.Code, description, Math.Round(point.Y, 6), Math.Round(point.X, 6), null, []), captain, ct);
        if (result.Status != IntakeStatus.Created && logger.IsEnabled(LogLevel.Warning))
        {
            logger.LogWarning("Simulated report from {Grid} was not accepted: {Status} {Errors}",
                spot.Grid.Code, result.Status, string.Join("; ", result.Errors.Select(e => e.Key + ": " + string.Join(", ", e.Value))));
        }
    }

    // ---- officers ----

    private async Task OfficersAsync(DateTimeOffset now, double dt, SimulationOptions o, CancellationToken ct)
    {
        var onDuty = (int)Math.Round(o.OnDutyShare * _roster.Count);
        var wanted = new HashSet<int>(_roster.Take(onDuty).Select(x => x.Id));
        foreach (var entry in board.All)
        {
            if (entry.Task.Assignee.OfficerId is { } id && !_linked.Contains(id))
            {
                wanted.Add(id);
            }
        }

        foreach (var id in _officers.Keys.Where(id => !wanted.Contains(id)).ToList())
        {
            _officers.Remove(id);
        }

        var interval = TimeSpan.FromSeconds(o.PositionIntervalSeconds);
        var fixes = new List<PositionFix>();
        foreach (var id in wanted)
        {
            if (!_officers.TryGetValue(id, out var sim))
            {
                if (directory.FindOfficer(id) is not { } officer || Area(officer.TownshipCode) is not { } area)
                {
                    continue;
                }

                var (lat, lon) = feed.LatestOf(id) is { } last && area.Contains(last.Latitude, last.Longitude) ? (last.Latitude, last.Longitude) : area.RandomPoint(_rng);
                sim = new SimOfficer(officer, area, lat, lon) { NextFixAt = now + (interval * _rng.NextDouble()) };
                _officers[id] = sim;
            }

            try
            {
                var arrived = await ActAsync(sim, now, dt, o, ct);
                if (now >= sim.NextFixAt || arrived)
                {
                    fixes.Add(new PositionFix(id, Math.Round(sim.Lat, 7), Math.Round(sim.Lon, 7), now, Math.Round(sim.Speed, 2), Math.Round(sim.Heading), 8));
                    sim.NextFixAt = sim.NextFixAt + interval > now ? sim.NextFixAt + interval : now + interval;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Simulated officer {Officer} failed a step", id);
            }
        }

        if (fixes.Count > 0)
        {
            var (outcome, _, _) = await ingest.SubmitAsync(fixes, ct);
            if (outcome == IngestOutcome.Busy)
            {
                logger.LogInformation("Position writer busy: some simulated fixes were dropped");
            }
        }
    }

    /// <summary>Works the officer's task or patrols; true when the officer has just reached the incident (a fix goes at once).</summary>
    private async Task<bool> ActAsync(SimOfficer sim, DateTimeOffset now, double dt, SimulationOptions o, CancellationToken ct)
    {
        var entry = board.OfOfficer(sim.Officer.Id);
        var task = entry?.Task;
        switch (task?.Status)
        {
            case DispatchTaskStatus.Dispatched:
                if (now >= DueOnce(task.Id, task.DispatchedAt, o.AcceptDelayMinSeconds, o.AcceptDelayMaxSeconds))
                {
                    await CommandAsync(sim.Principal, task, new AcceptCommand(task.Id), ct);
                }

                Patrol(sim, now, dt, o);
                return false;
            case DispatchTaskStatus.Accepted:
                if (sim.Lat == entry!.Latitude && sim.Lon == entry.Longitude)
                {
                    sim.Speed = 0;
                    return false;
                }

                var step = PatrolArea.Step(sim.Lat, sim.Lon, entry.Latitude, entry.Longitude, o.EBikeSpeedKmh / 3.6 * dt);
                (sim.Lat, sim.Lon, sim.Heading) = (step.Lat, step.Lon, step.Heading);
                sim.Speed = step.Arrived ? 0 : o.EBikeSpeedKmh / 3.6;
                sim.Waypoint = null;
                return step.Arrived;
            case DispatchTaskStatus.OnScene:
                sim.Speed = 0;
                if (now >= DueOnce(task.Id, task.ArrivedAt ?? now, o.ResolveAfterMinSeconds, o.ResolveAfterMaxSeconds))
                {
                    await CommandAsync(sim.Principal, task, new ResolveCommand(task.Id, ResolveNotes[_rng.Next(ResolveNotes.Length)]), ct);
                }

                return false;
            default:
                Patrol(sim, now, dt, o);
                return false;
        }
    }

    private void Patrol(SimOfficer sim, DateTimeOffset now, double dt, SimulationOptions o)
    {
        var speed = o.PatrolSpeedKmh / 3.6;
        var budget = speed * dt;
        sim.Speed = 0;
        while (budget > 0.01 && now >= sim.DwellUntil)
        {
            sim.Waypoint ??= sim.Area.NextWaypoint(sim.Lat, sim.Lon, _rng);
            if (sim.Waypoint is not { } target)
            {
                return;
            }

            var before = (sim.Lat, sim.Lon);
            var step = PatrolArea.Step(sim.Lat, sim.Lon, target.Lat, target.Lon, budget);
            (sim.Lat, sim.Lon, sim.Heading) = (step.Lat, step.Lon, step.Heading);
            sim.Speed = speed;
            if (!step.Arrived)
            {
                return;
            }

            budget -= Geo.HaversineMeters(before.Lat, before.Lon, sim.Lat, sim.Lon);
            sim.Waypoint = null;
            // A short stop at the waypoint: a word with a shopkeeper, a look around.
            sim.DwellUntil = now + TimeSpan.FromSeconds(_rng.Next(0, 30));
        }
    }

    // ---- grid captains' tasks ----

    private async Task CaptainTasksAsync(DateTimeOffset now, SimulationOptions o, CancellationToken ct)
    {
        foreach (var entry in board.All.Where(e => e.Task.Assignee.Kind == AssigneeKind.GridCaptain).ToList())
        {
            var task = entry.Task;
            var captain = directory.Current.GridCaptains.FirstOrDefault(c => c.Code == task.Assignee.CaptainCode);
            if (captain is null)
            {
                continue;
            }

            var due = task.Status switch
            {
                DispatchTaskStatus.Dispatched => DueOnce(task.Id, task.DispatchedAt, o.AcceptDelayMinSeconds, o.AcceptDelayMaxSeconds),
                // A captain lives in the grid: on scene a few minutes after accepting.
                DispatchTaskStatus.Accepted => DueOnce(task.Id, task.AcceptedAt ?? now, 60, 240),
                _ => DueOnce(task.Id, task.ArrivedAt ?? now, o.ResolveAfterMinSeconds, o.ResolveAfterMaxSeconds),
            };
            if (now < due)
            {
                continue;
            }

            var principal = await accounts.CaptainAsync(captain, ct);
            IncidentCommand command = task.Status switch
            {
                DispatchTaskStatus.Dispatched => new AcceptCommand(task.Id),
                DispatchTaskStatus.Accepted => new ArriveCommand(task.Id, Auto: false, null, dispatchOptions.Value.GeofenceMeters),
                _ => new ResolveCommand(task.Id, ResolveNotes[_rng.Next(ResolveNotes.Length)]),
            };
            await CommandAsync(principal, task, command, ct);
        }
    }

    // ---- auto-dispatch ----

    private async Task AutoDispatchAsync(DateTimeOffset now, SimulationOptions o, CancellationToken ct)
    {
        var auto = o.AutoDispatch;
        if (!auto.Township && !auto.District && !auto.City)
        {
            return;
        }

        var tree = directory.Tree;
        foreach (var (id, waiting) in _waiting.ToArray().OrderBy(w => w.Value.Since))
        {
            if (now < waiting.Since + TimeSpan.FromSeconds(auto.DelaySeconds)
                || tree.Find(waiting.Incident.OwnerCode) is not { } owner || !auto.For(owner.Level))
            {
                continue;
            }

            if (board.OfIncident(id) is not null)
            {
                _waiting.TryRemove(id, out _);
                continue;
            }

            try
            {
                if (waiting.Incident.Status == IncidentStatus.Reported)
                {
                    var contact = await dispatch.ExecuteAsync(_dispatcher!, id, new ContactCommand("自动派发：已受理"), ct: ct);
                    if (!contact.IsOk && logger.IsEnabled(LogLevel.Information))
                    {
                        logger.LogInformation("Auto-dispatch could not contact incident {Incident}: {Reason}", id, contact.Message);
                    }
                }

                var reply = await dispatch.DispatchRecommendedAsync(_dispatcher!, id, ct: ct);
                if (reply.IsOk)
                {
                    _waiting.TryRemove(id, out _);
                }
                else
                {
                    // No one free with the skill nearby: try again a little later, as an operator would.
                    _waiting[id] = waiting with { Since = now + RetryDispatchAfter - TimeSpan.FromSeconds(auto.DelaySeconds) };
                    if (logger.IsEnabled(LogLevel.Information))
                    {
                        logger.LogInformation("Auto-dispatch of incident {Incident} refused: {Reason}", id, reply.Message);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _waiting[id] = waiting with { Since = now + RetryDispatchAfter };
                logger.LogWarning(ex, "Auto-dispatch of incident {Incident} failed", id);
            }
        }
    }

    // ---- helpers ----

    private async Task CommandAsync(ClaimsPrincipal user, DispatchTask task, IncidentCommand command, CancellationToken ct)
    {
        _due.Remove(task.Id);
        var reply = await dispatch.ExecuteAsync(user, task.IncidentId, command, ct: ct);
        if (!reply.IsOk && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Simulated {Command} on task {Task} refused: {Reason}", command.GetType().Name, task.Id, reply.Message);
        }
    }

    /// <summary>When the task's next step is due: drawn once per task and step, from <paramref name="from"/>.</summary>
    private DateTimeOffset DueOnce(long taskId, DateTimeOffset from, int minSeconds, int maxSeconds)
    {
        if (!_due.TryGetValue(taskId, out var due) || due < from)
        {
            due = from + TimeSpan.FromSeconds(minSeconds + ((maxSeconds - minSeconds) * _rng.NextDouble()));
            _due[taskId] = due;
        }

        if (_due.Count > 10_000)
        {
            foreach (var stale in _due.Keys.Where(k => board.All.All(e => e.Task.Id != k)).ToList())
            {
                _due.Remove(stale);
            }
        }

        return due;
    }

    private PatrolArea? Area(string townshipCode)
    {
        if (!_areas.TryGetValue(townshipCode, out var area) && directory.Tree.Find(townshipCode) is { } node)
        {
            area = new PatrolArea(node.Boundary);
            _areas[townshipCode] = area;
        }

        return area;
    }

    private int Pick(double[] cumulative) => RandomDraws.Pick(_rng, cumulative);

    private static double[] Cumulative(IReadOnlyList<double> weights) => RandomDraws.Cumulative(weights);

    private Coordinate RandomPoint(Spot spot, Coordinate? around, double radius) =>
        RandomDraws.PointIn(_rng, spot.Grid.Boundary, spot.Locator, around, radius);

    public void Dispose()
    {
        settings.Changed -= OnSettingsChanged;
        _subscription?.Dispose();
        _gate.Dispose();
    }
}
