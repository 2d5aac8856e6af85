using System.Globalization;
using System.Text.Json;
using Dashboard.Core.Demo;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using Dashboard.Core.Sla;
using Dashboard.Data.Dispatch;
using Dashboard.Data.Incidents;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace Dashboard.Data.Demo;

/// <summary>
/// The in-memory half of <see cref="HistoryGenerator"/>: plays one local day of reports through
/// <see cref="IncidentLifecycle.Decide"/> (the production state machine), so that every incident row, task and event is what
/// the real commands would have stored. Ids are local to the day (1, 2, …) and shifted by the writer; seqs are given by the
/// writer in time order. Deterministic: every random draw comes from the <see cref="Random"/> passed in.
/// </summary>
internal sealed class HistorySimulation
{
    // Reports per local hour relative to the mean: quiet nights, a morning and an afternoon peak.
    private static readonly double[] HourWeights =
        [0.2, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.0, 2.6, 2.8, 2.4, 1.6, 1.8, 2.5, 2.8, 2.6, 2.2, 1.6, 1.4, 1.2, 0.9, 0.6, 0.35];

    private static readonly string[] ContactNotes = [null!, "已电话联系网格长", "已联系上报人核实", "已通知属地中队"];
    private static readonly string[] ResolveNotes = ["已现场劝导，当事人已整改", "已责令当场整改完毕", "已拆除并清理现场", "已教育并登记，现场恢复正常", "已立案处理"];
    private static readonly string[] CloseNotes = [null!, "已复核", "复核通过"];
    private static readonly string[] CancelReasons = ["重复上报", "经核实不属实", "上报人撤回"];
    private static readonly string[] ReassignReasons = ["原队员另有紧急任务", "就近调整", "原队员请假"];
    private static readonly string[] ReopenReasons = ["群众再次投诉", "复查发现问题反弹"];
    private static readonly string[] OverrideReasons = ["熟悉该区域", "推荐队员正在处置其他事项"];

    private readonly Random _rng;
    private readonly Dictionary<string, string?> _parentOf;
    private readonly List<GridSpot> _grids;
    private readonly double[] _gridCumulative;
    private readonly IReadOnlyList<(string Code, string Name)> _categories;
    private readonly double[] _categoryCumulative;
    private readonly Dictionary<string, List<Officer>> _officersByTownship;
    private readonly Func<string, string> _operatorOf;
    private readonly Func<Officer, string> _officerActor;
    private readonly Dictionary<int, Officer> _officers;
    private readonly IReadOnlyDictionary<string, Reporter> _reporters;
    private readonly Dictionary<int, DateTimeOffset> _busyUntil = [];
    private long _nextTask;
    private long _order;

    public HistorySimulation(
        Random rng,
        DemoCity city,
        IReadOnlyList<(string Code, string Name)> categories,
        IReadOnlyDictionary<string, Reporter> reporters,
        Func<string, string> operatorOf,
        Func<Officer, string> officerActor)
    {
        _rng = rng;
        _reporters = reporters;
        _operatorOf = operatorOf;
        _officerActor = officerActor;
        var nodes = city.Jurisdictions.ToDictionary(j => j.Code, StringComparer.Ordinal);
        _parentOf = nodes.Values.ToDictionary(n => n.Code, n => n.ParentCode, StringComparer.Ordinal);

        // Grids with a captain report; about one in eight is a hot spot (a market, a school gate) with four times the reports.
        _grids = [];
        foreach (var captain in city.GridCaptains.OrderBy(c => c.GridCode, StringComparer.Ordinal).DistinctBy(c => c.GridCode))
        {
            if (!nodes.TryGetValue(captain.GridCode, out var grid) || grid.ParentCode is null || !nodes.TryGetValue(grid.ParentCode, out var township)
                || township.ParentCode is null || !reporters.TryGetValue(captain.Code, out var reporter))
            {
                continue;
            }

            var hot = rng.NextDouble() < 0.125;
            var spot = new GridSpot(grid, township.Code, township.ParentCode, captain, reporter, new IndexedPointInAreaLocator(grid.Boundary), hot ? 4 : 1);
            spot.HotSpot = RandomPoint(spot, null, 0);
            _grids.Add(spot);
        }

        if (_grids.Count == 0)
        {
            throw new InvalidOperationException("The city has no grid with a captain to report from.");
        }

        _gridCumulative = Cumulative(_grids.Select(g => g.Weight).ToList());

        // A Zipf-like skew over the active categories, in an order drawn from the seed.
        _categories = [.. categories.OrderBy(_ => rng.Next())];
        if (_categories.Count == 0)
        {
            throw new InvalidOperationException("There is no active category to report.");
        }

        _categoryCumulative = Cumulative(Enumerable.Range(1, _categories.Count).Select(r => 1 / Math.Pow(r, 0.9)).ToList());
        _officersByTownship = city.Officers.GroupBy(o => o.TownshipCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(o => o.Id).ToList(), StringComparer.Ordinal);
        _officers = city.Officers.ToDictionary(o => o.Id);
    }

    public sealed record Reporter(long UserId, string UserName, string Name);

    public sealed class SimIncident
    {
        public required Incident Row { get; set; }

        public List<DispatchTask> Tasks { get; } = [];

        public List<SimEvent> Events { get; } = [];
    }

    /// <summary>An event: TaskId is the local task id; Order breaks ties of equal instants in the order of the decisions.</summary>
    public sealed record SimEvent(long IncidentId, string Type, string Actor, DateTimeOffset At, string? Payload, long? TaskId, long Order);

    public static bool OnDuty(int officerId, DateOnly day) => ((officerId + day.DayNumber) % 7) >= 2;

    /// <summary>About <paramref name="reportsPerDay"/> reports of local day <paramref name="day"/>, each played until closed or cancelled (or <paramref name="horizon"/>).</summary>
    public List<SimIncident> Day(DateOnly day, DateTimeOffset dayStart, DateTimeOffset horizon, int reportsPerDay)
    {
        var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.85 : 1.0;
        var count = Math.Max(0, (int)Math.Round(reportsPerDay * weekend * (0.9 + (0.2 * _rng.NextDouble()))));
        var hours = Cumulative(HourWeights);
        var times = Enumerable.Range(0, count)
            .Select(_ => dayStart.AddHours(Pick(hours)).AddTicks((long)(_rng.NextDouble() * TimeSpan.TicksPerHour)))
            .Select(t => new DateTimeOffset(t.Ticks - (t.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero))
            .Order()
            .ToList();

        var incidents = new List<SimIncident>(count);
        _nextTask = 1;
        _order = 0;
        foreach (var at in times)
        {
            incidents.Add(Play(incidents.Count + 1, day, at, horizon));
        }

        return incidents;
    }

    private SimIncident Play(long id, DateOnly day, DateTimeOffset t0, DateTimeOffset horizon)
    {
        var spot = _grids[Pick(_gridCumulative)];
        var (code, categoryName) = _categories[Pick(_categoryCumulative)];
        var point = spot.HotSpot is { } hot && spot.Weight > 1 && _rng.NextDouble() < 0.5 ? RandomPoint(spot, hot, 0.0015) : RandomPoint(spot, null, 0);
        var description = string.Create(CultureInfo.InvariantCulture, $"{spot.Grid.Name}附近发现{categoryName}，请尽快处置");
        var row = new Incident(
            id, "", "", code, description, Math.Round(point.Y, 6), Math.Round(point.X, 6), spot.Grid.Code, spot.Township, spot.District, spot.Township,
            IncidentStatus.Reported, t0, _rng.NextDouble() < 0.3 ? t0.AddMinutes(-_rng.Next(5, 90)) : null,
            spot.Reporter.UserId, spot.Reporter.Name, 0, 0);
        var sim = new SimIncident { Row = row };
        var payload = JsonSerializer.Serialize(new ReportedPayload(code, row.Latitude, row.Longitude, row.GridCode, row.TownshipCode, 0), IncidentRepository.PayloadJson);
        sim.Events.Add(new SimEvent(id, IncidentEventTypes.Reported, spot.Reporter.UserName, t0, payload, null, _order++));

        var stopped = false;
        bool Do(IncidentCommand command, string actor, DateTimeOffset at)
        {
            if (stopped || at >= horizon)
            {
                stopped = true;
                return false;
            }

            var current = sim.Tasks.Where(t => t.IsActive).LastOrDefault() ?? sim.Tasks.LastOrDefault();
            var decision = IncidentLifecycle.Decide(new IncidentState(sim.Row, current), command, actor, at);
            if (decision.Rejection is { } rejection)
            {
                throw new InvalidOperationException($"History of incident {id}: {command.GetType().Name} at {at:O} refused: {rejection.Message}");
            }

            var written = new List<DispatchTask>(decision.Tasks.Count);
            long? lastCreated = null;
            foreach (var task in decision.Tasks)
            {
                if (task.Id == 0)
                {
                    var created = task with { Id = _nextTask++ };
                    sim.Tasks.Add(created);
                    written.Add(created);
                    lastCreated = created.Id;
                }
                else
                {
                    sim.Tasks[sim.Tasks.FindIndex(t => t.Id == task.Id)] = task;
                    written.Add(task);
                }
            }

            foreach (var e in decision.Events)
            {
                long? taskId = e.TaskIndex is { } i ? written[i].Id : null;
                var json = e.Payload is null ? null : JsonSerializer.Serialize(e.Payload, e.Payload.GetType(), IncidentRepository.PayloadJson);
                sim.Events.Add(new SimEvent(id, e.Type, actor, at, json, taskId, _order++));
            }

            var next = decision.Incident!;
            sim.Row = next.TaskId == 0 ? next with { TaskId = lastCreated } : next;
            return true;
        }

        string Operator() => _operatorOf(sim.Row.OwnerCode);
        string? Parent(string node) => _parentOf.GetValueOrDefault(node);
        void Breach(ClockKind clock, int ordinal, DateTimeOffset at) =>
            Do(new BreachCommand(clock, ordinal, Parent(sim.Row.OwnerCode)), DispatchRepository.SystemActor, at);

        // Contact: mostly within the minute; about 5 % late, some of them past two minutes (breached twice).
        var late = _rng.NextDouble() < 0.05;
        var contactAt = t0.AddMilliseconds(late ? _rng.Next(61_000, 200_000) : 3_000 + (56_000 * Math.Pow(_rng.NextDouble(), 1.6)));
        for (var k = 1; t0.AddSeconds(60 * k) <= contactAt; k++)
        {
            Breach(ClockKind.Contact, k, t0.AddSeconds(60 * k));
        }

        var byDispatch = _rng.NextDouble() < 0.3;
        var dispatchAt = contactAt;
        if (!byDispatch)
        {
            Do(new ContactCommand(Among(ContactNotes)), Operator(), contactAt);
            dispatchAt = contactAt.AddSeconds(_rng.Next(15, 180));
        }

        var fate = _rng.NextDouble();
        if (fate < 0.02)
        {
            // A duplicate or unfounded report, cancelled before anyone is sent (after the contact that found it out).
            if (byDispatch)
            {
                Do(new ContactCommand(Among(ContactNotes)), Operator(), contactAt);
            }

            Do(new CancelIncidentCommand(Among(CancelReasons)), Operator(), contactAt.AddSeconds(_rng.Next(60, 900)));
            return Finish();
        }

        if (fate < 0.03 && !byDispatch && Parent(sim.Row.OwnerCode) is { } upper)
        {
            Do(new EscalateCommand(upper, "需上级协调处置"), Operator(), contactAt.AddSeconds(_rng.Next(5, 30)));
            dispatchAt = dispatchAt.AddSeconds(30);
        }

        var (dispatched, onSceneAt) = Visit(dispatchAt, isFirst: true);
        if (!dispatched || stopped)
        {
            return Finish();
        }

        if (fate > 0.99)
        {
            var cancelAt = onSceneAt.AddSeconds(_rng.Next(120, 900));
            if (Do(new CancelIncidentCommand("现场核实不属实"), Operator(), cancelAt))
            {
                Free(sim.Tasks[^1], cancelAt);
            }

            return Finish();
        }

        var closedAt = ResolveAndClose(onSceneAt);
        if (fate > 0.97 && !stopped)
        {
            // Reopened after a complaint: sent again, resolved and closed again.
            var reopenAt = closedAt.AddMinutes(_rng.Next(30, 360));
            if (Do(new ReopenCommand(Among(ReopenReasons)), Operator(), reopenAt))
            {
                var (again, scene) = Visit(reopenAt.AddMinutes(_rng.Next(5, 30)), isFirst: false);
                if (again)
                {
                    ResolveAndClose(scene);
                }
            }
        }

        return Finish();

        SimIncident Finish() => sim;

        DateTimeOffset ResolveAndClose(DateTimeOffset scene)
        {
            var resolvedAt = scene.AddSeconds(_rng.Next(300, 3_600));
            var task = sim.Tasks[^1];
            Do(new ResolveCommand(task.Id, Among(ResolveNotes)), OfficerActor(task), resolvedAt);
            Free(task, resolvedAt);
            var closeAt = resolvedAt.AddSeconds(_rng.Next(300, 5_400));
            Do(new CloseCommand(Among(CloseNotes)), Operator(), closeAt);
            return closeAt;
        }

        // Dispatch (maybe reassigned), accept and arrive; the first visit runs the arrival clock and may breach it.
        (bool Dispatched, DateTimeOffset OnScene) Visit(DateTimeOffset at, bool isFirst)
        {
            var assignee = Choose(spot, day, at, null);
            var travel = isFirst && _rng.NextDouble() < 0.06;
            var arriveAfter = travel ? _rng.Next(305, 900) : _rng.Next(60, 295);
            var pickRank = _rng.NextDouble() < 0.85 ? 1 : _rng.Next(2, 4);
            var distance = Math.Round(arriveAfter * SpeedOf(assignee.Officer) * (0.6 + (0.3 * _rng.NextDouble())));
            var pick = assignee.Officer is null ? null : new RecommendationPick(pickRank, distance, TimeSpan.FromSeconds(Math.Round(distance / SpeedOf(assignee.Officer))), false);
            if (!Do(new DispatchCommand(assignee.Assignee, pick, pick is { Rank: > 1 } ? Among(OverrideReasons) : null), Operator(), at))
            {
                return (false, at);
            }

            Busy(assignee.Officer, at);
            var start = sim.Row.DispatchedAt!.Value;
            var acceptAt = at.AddSeconds(_rng.Next(10, 90));
            if (_rng.NextDouble() < 0.03)
            {
                var reassignAt = at.AddSeconds(_rng.Next(30, 150));
                var other = Choose(spot, day, reassignAt, assignee.Assignee);
                if (!other.Assignee.SameAs(assignee.Assignee) && Do(new ReassignCommand(other.Assignee, Among(ReassignReasons)), Operator(), reassignAt))
                {
                    Free(sim.Tasks[^2], reassignAt);
                    Busy(other.Officer, reassignAt);
                    assignee = other;
                    acceptAt = reassignAt.AddSeconds(_rng.Next(10, 60));
                }
            }

            var task = sim.Tasks[^1];
            Do(new AcceptCommand(task.Id), OfficerActor(task), acceptAt);
            var arriveAt = isFirst ? start.AddMilliseconds((arriveAfter * 1000) + _rng.Next(0, 1000)) : acceptAt.AddSeconds(_rng.Next(120, 900));
            if (arriveAt <= acceptAt)
            {
                arriveAt = acceptAt.AddSeconds(_rng.Next(20, 120));
            }

            if (isFirst)
            {
                for (var k = 1; start.AddSeconds(300 * k) <= arriveAt; k++)
                {
                    Breach(ClockKind.Arrival, k, start.AddSeconds(300 * k));
                }
            }

            var auto = _rng.NextDouble() < 0.7;
            var meters = Math.Round(auto ? 5 + (40 * _rng.NextDouble()) : 3 + (80 * _rng.NextDouble()), 1);
            Do(new ArriveCommand(task.Id, auto, meters, 50), OfficerActor(task), arriveAt);
            return (!stopped, arriveAt);
        }
    }

    private string OfficerActor(DispatchTask task) =>
        task.Assignee.OfficerId is { } officerId && FindOfficer(officerId) is { } officer
            ? _officerActor(officer)
            : task.Assignee.CaptainCode is { } captain && _reporters.TryGetValue(captain, out var reporter) ? reporter.UserName : task.Assignee.Name;

    private Officer? FindOfficer(int id) => _officers.GetValueOrDefault(id);

    /// <summary>A free on-duty officer of the township (busy ones are skipped), else the grid's captain; now and then the captain anyway.</summary>
    private (Assignee Assignee, Officer? Officer) Choose(GridSpot spot, DateOnly day, DateTimeOffset at, Assignee? not)
    {
        if (_rng.NextDouble() >= 0.05 && _officersByTownship.TryGetValue(spot.Township, out var officers))
        {
            var free = officers.Where(o => OnDuty(o.Id, day) && _busyUntil.GetValueOrDefault(o.Id) <= at && o.Id != not?.OfficerId).ToList();
            if (free.Count > 0)
            {
                var officer = free[_rng.Next(free.Count)];
                return (Assignee.ForOfficer(officer.Id, officer.Name), officer);
            }
        }

        return (Assignee.ForCaptain(spot.Captain.Code, spot.Captain.Name), null);
    }

    private void Busy(Officer? officer, DateTimeOffset at)
    {
        if (officer is not null)
        {
            _busyUntil[officer.Id] = DateTimeOffset.MaxValue;
        }
    }

    private void Free(DispatchTask task, DateTimeOffset at)
    {
        if (task.Assignee.OfficerId is { } id)
        {
            _busyUntil[id] = at;
        }
    }

    private static double SpeedOf(Officer? officer) => officer?.Mode switch
    {
        TravelMode.Car => 8.0,
        TravelMode.Foot => 1.4,
        _ => 5.0,
    };

    private string Among(string[] values) => values[_rng.Next(values.Length)];

    private int Pick(double[] cumulative) => RandomDraws.Pick(_rng, cumulative);

    private static double[] Cumulative(IReadOnlyList<double> weights) => RandomDraws.Cumulative(weights);

    private Coordinate RandomPoint(GridSpot spot, Coordinate? around, double radius) =>
        RandomDraws.PointIn(_rng, spot.Grid.Boundary, spot.Locator, around, radius);

    private sealed class GridSpot(JurisdictionNode grid, string township, string district, GridCaptain captain, Reporter reporter, IndexedPointInAreaLocator locator, double weight)
    {
        public JurisdictionNode Grid { get; } = grid;

        public string Township { get; } = township;

        public string District { get; } = district;

        public GridCaptain Captain { get; } = captain;

        public Reporter Reporter { get; } = reporter;

        public IndexedPointInAreaLocator Locator { get; } = locator;

        public double Weight { get; } = weight;

        public Coordinate? HotSpot { get; set; }
    }

    /// <summary>The same shape as the intake's Reported payload.</summary>
    private sealed record ReportedPayload(string Category, double Lat, double Lon, string? Grid, string Township, int Photos);
}
